/// Conditions compiled for the evaluator's inner loops: every node of every condition in one
/// flat table of plain values, children by index and leaves by id. Walking it copies no
/// strings, patterns or arrays, so it costs no reference counting.
struct Program {
    enum Kind: UInt8, Sendable {
        case leaf, all, any, not, sequence
    }

    struct Node: Sendable {
        var kind: Kind
        /// `leaf`: the leaf id.
        var leaf: Int32 = -1
        /// `leaf`: the `count` bounds; `atMost` -1 when unbounded; `atLeast` -1 without `count`.
        var atLeast: Int32 = -1
        var atMost: Int32 = -1
        /// Combinators: their children are `children[first ..< first + count]`.
        var first: Int32 = 0
        var count: Int32 = 0
        /// `sequence`: `within_turns`, -1 when absent.
        var within: Int32 = -1

        /// Whether `n` hits satisfy the leaf (its `count`, or at least one).
        @inline(__always) func holds(_ n: Int) -> Bool {
            if atLeast < 0 { return n > 0 }
            return n >= Int(atLeast) && (atMost < 0 || n <= Int(atMost))
        }
    }

    private(set) var nodes: [Node] = []
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
        case let .sequence(leaves, within):
            var node = Node(kind: .sequence)
            node.first = Int32(children.count)
            node.count = Int32(leaves.count)
            node.within = within.map { Int32(clamping: $0) } ?? -1
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
            node.atMost = count.atMost.map { Int32(clamping: $0) } ?? -1
        }
        return node
    }
}
