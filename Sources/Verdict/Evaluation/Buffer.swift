/// Memory the evaluator's inner loops index directly: no bounds, copy-on-write or exclusivity
/// checks. A buffer owns its memory and frees it in its one `deinit`; pointers to it stay
/// inside the evaluator and never reach the public API.
///
/// Rule tables are filled once and then only read (`init(_:)`).
/// Per-conversation tables only grow (`reserve`): a conversation no longer than one seen
/// before reuses the memory as it is.
final class Buffer<Element>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    /// Elements initialized, deinitialized with the buffer (zero for plain values grown with `reserve`).
    private var initialized: Int

    init(_ elements: some Collection<Element>) {
        capacity = Swift.max(1, elements.count)
        base = .allocate(capacity: capacity)
        var p = base
        for element in elements {
            p.initialize(to: element)
            p += 1
        }
        initialized = elements.count
    }

    /// A buffer of the `count` elements initialized at `base`, which it takes over: `base`
    /// must come from `allocate(capacity: capacity)`.
    init(adopting base: UnsafeMutablePointer<Element>, capacity: Int, count: Int) {
        self.base = base
        self.capacity = capacity
        initialized = count
    }

    deinit {
        base.deinitialize(count: initialized)
        base.deallocate()
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        unsafeAddress { UnsafePointer(base + i) }
        unsafeMutableAddress { base + i }
    }
}

extension Buffer where Element: BitwiseCopyable {
    /// An empty buffer of plain values, to be sized with `reserve`.
    convenience init() {
        self.init(EmptyCollection())
    }

    /// Makes room for `count` elements. Contents are not kept when it grows: callers rewrite
    /// what they read.
    @inline(__always)
    func reserve(_ count: Int) {
        if count <= capacity { return }
        base.deallocate()
        initialized = 0
        capacity = Swift.max(count, capacity * 2)
        base = .allocate(capacity: capacity)
    }
}
