import Foundation

/// What a run has read so far, for a progress display: records (conversations or result
/// lines), bytes, and the bytes there are in all when that is known. Readers count into it
/// (`InputOptions.progress`); a display thread reads it. Each reader that starts a pass (a
/// command may read results, then transcripts) starts the count afresh.
public final class ProgressMeter: @unchecked Sendable {
    public struct Reading: Sendable, Equatable {
        public var records = 0
        public var bytes = 0
        /// The bytes of the pass's inputs; nil while unknown (a pipe, or still being summed).
        public var totalBytes: Int?
        /// Which pass this is, from 1; 0 before any reading.
        public var pass = 0
    }

    private let lock = NSLock()
    private var state = Reading()
    private var total: (@Sendable () -> Int?)?

    public init() {}

    /// Starts a pass whose total size `total` tells; it is run by whoever asks for it
    /// (`resolveTotal`), off the reading thread, since summing a folder's files means a walk.
    func begin(total: @escaping @Sendable () -> Int?) {
        lock.lock()
        state = Reading(pass: state.pass + 1)
        self.total = total
        lock.unlock()
    }

    /// Sets the pass's counts.
    func update(records: Int, bytes: Int) {
        lock.lock()
        state.records = records
        state.bytes = bytes
        lock.unlock()
    }

    /// The counts now.
    public func reading() -> Reading {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    /// Works out the current pass's total size, if that has not been done.
    public func resolveTotal() {
        lock.lock()
        let pass = state.pass, provider = total
        total = nil
        lock.unlock()
        guard let provider, let bytes = provider() else { return }
        lock.lock()
        if state.pass == pass { state.totalBytes = bytes }
        lock.unlock()
    }

    /// The bytes in `inputs` as a reader of files with `extensions` would read them: named
    /// files, folders walked, and what is left of standard input when it is a regular file
    /// (`stdinRemaining`, taken when the pass began). Nil when any input has no known size.
    static func totalBytes(of inputs: [String], extensions: Set<String>, accepts: @Sendable (String) -> Bool,
                           stdinRemaining: Int?) -> Int? {
        var sum = 0
        for input in inputs {
            if input == "-" {
                guard let stdinRemaining else { return nil }
                sum += stdinRemaining
                continue
            }
            guard case let .success(entries) = FileWalker.entries(input, extensions: extensions) else { continue }
            let walked = entries.count != 1 || entries.first != .file(input)
            for case let .file(path) in entries where !walked || accepts(path) { sum += FileWalker.regularFileSize(path) }
        }
        return sum
    }

    /// What is left to read of standard input when it is a regular file; nil for a pipe or terminal.
    static func standardInputRemaining() -> Int? {
        var st = stat()
        guard fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let at = lseek(0, 0, SEEK_CUR)
        return max(0, Int(st.st_size) - Int(max(0, at)))
    }
}
