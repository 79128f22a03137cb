/// Conditions compiled for the evaluator's inner loops: every node of every condition in one
/// flat table of plain values, children by index and leaves by id. Walking it copies no
/// strings, patterns or arrays, so it costs no reference counting.
struct Program {
    /// What an `Int32` field of a node holds when what it stands for is absent: no `count`, no
    /// upper bound, no `within_turns`, no leaf, no `applies_when`, no text pattern.
    static let absent: Int32 = -1

    enum Kind: UInt8, Sendable {
        case leaf, all, any, not, sequence
        /// A `metadata` condition: `leaf` is its index in `CompiledRules.metadataMatchers`.
        case metadata
    }

    struct Node: Sendable {
        var kind: Kind
        /// `leaf`: the leaf id; `metadata`: the matcher's index.
        var leaf: Int32 = Program.absent
        /// `leaf`: the `count` bounds; `atMost` absent when unbounded; `atLeast` absent without `count`.
        var atLeast: Int32 = Program.absent
        var atMost: Int32 = Program.absent
        /// Combinators: their children are `children[first ..< first + count]`.
        var first: Int32 = 0
        var count: Int32 = 0
        /// `sequence`: `within_turns`, when given.
        var within: Int32 = Program.absent

        /// A leaf without `count`: it holds when it hits at all.
        var hasCount: Bool { atLeast != Program.absent }
        /// `sequence`: `within_turns`, or nil.
        var withinTurns: Int? { within == Program.absent ? nil : Int(within) }

        /// Whether `n` hits satisfy the leaf (its `count`, or at least one).
        @inline(__always) func holds(_ n: Int) -> Bool {
            if !hasCount { return n > 0 }
            return n >= Int(atLeast) && (atMost == Program.absent || n <= Int(atMost))
        }
    }

    private(set) var nodes: [Node] = []
    /// The matchers of `metadata` conditions, by index.
    private(set) var metadataMatchers: [Matcher] = []
    /// Child node indices of combinators; for `sequence`, leaf ids.
    private(set) var children: [Int32] = []

    /// Adds a condition; returns its root node.
    mutating func add(_ condition: Condition) -> Int32 {
        switch condition {
        case let .leaf(leaf):
            return append(Program.leafNode(leaf))
        case let .all(parts), let .any(parts):
            let roots = parts.map { add($0) }
            var node = Node(kind: { if case .all = condition { return .all } else { return .any } }())
            node.first = Int32(children.count)
            node.count = Int32(roots.count)
            children += roots
            return append(node)
        case let .not(inner):
            let root = add(inner)
            var node = Node(kind: .not)
            node.first = Int32(children.count)
            node.count = 1
            children.append(root)
            return append(node)
        case let .metadata(matcher):
            var node = Node(kind: .metadata)
            node.leaf = Int32(metadataMatchers.count)
            metadataMatchers.append(matcher)
            return append(node)
        case let .sequence(leaves, within):
            var node = Node(kind: .sequence)
            node.first = Int32(children.count)
            node.count = Int32(leaves.count)
            node.within = within.map { Int32(clamping: $0) } ?? Program.absent
            children += leaves.map { Int32($0.id) }
            return append(node)
        }
    }

    private mutating func append(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    private static func leafNode(_ leaf: Leaf) -> Node {
        var node = Node(kind: .leaf)
        node.leaf = Int32(leaf.id)
        if let count = leaf.count {
            node.atLeast = Int32(clamping: count.atLeast)
            node.atMost = count.atMost.map { Int32(clamping: $0) } ?? Program.absent
        }
        return node
    }
}
