import Yams

/// Guards the rule loader against YAML alias bombs ("billion laughs"): a few lines whose
/// aliases repeat an anchor inside another anchor expand to billions of nodes.
///
/// Yams resolves an alias to a copy of the anchored node, and a copy keeps the anchor's source
/// position. Sizes are therefore memoised by position, which makes the measurement linear in
/// the file's length however large the expansion is.
enum AliasBudget {
    /// The most nodes a rule file may expand to. Ten thousand metrics take about 150,000.
    static let limit = 1_000_000

    /// The first node (in reading order) whose expansion exceeds `limit`, or nil.
    static func oversizedNode(in root: Node) -> Node? {
        var sizes: [Key: Int] = [:]
        var found: Node?
        _ = size(of: root, memo: &sizes, found: &found)
        return found
    }

    private struct Key: Hashable {
        var line: Int, column: Int, kind: UInt8, children: Int
    }

    private static func size(of node: Node, memo: inout [Key: Int], found: inout Node?) -> Int {
        if found != nil { return limit + 1 }
        let children: [Node]
        let kind: UInt8
        switch node {
        case .scalar, .alias: return 1
        case let .mapping(m):
            children = m.flatMap { [$0.key, $0.value] }
            kind = 1
        case let .sequence(s):
            children = Array(s)
            kind = 2
        }
        let key = node.mark.map { Key(line: $0.line, column: $0.column, kind: kind, children: children.count) }
        if let key, let known = memo[key] { return known }
        var total = 1
        for child in children {
            total = min(limit + 1, total + size(of: child, memo: &memo, found: &found))
            if found != nil { return limit + 1 }
        }
        if total > limit {
            found = node
            return total
        }
        if let key { memo[key] = total }
        return total
    }
}
