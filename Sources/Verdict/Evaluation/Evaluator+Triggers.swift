/// Where a metric starts to apply: the smallest k such that its `applies_when`, seeing only
/// events 0...k, holds (SPEC §5).
extension Evaluator {
    /// The compiled program seen through raw pointers, for the recursive walks.
    struct ProgramView {
        let nodes: UnsafePointer<Program.Node>
        let children: UnsafePointer<Int32>

        init(nodes: UnsafePointer<Program.Node>, children: UnsafePointer<Int32>) {
            self.nodes = nodes
            self.children = children
        }

        init(_ compiled: CompiledRules) {
            self.init(nodes: compiled.nodes.base, children: compiled.children.base)
        }
    }

    /// Runs `body` with a view of a program compiled from `condition` (for callers that hold a
    /// condition rather than a compiled metric: tests, explanations).
    func withProgram<R>(_ condition: Condition, _ body: (Int32, ProgramView) throws(LocatedMatchLimit) -> R) throws(LocatedMatchLimit) -> R {
        var compiled = Program()
        let root = compiled.add(condition)
        let nodes = compiled.nodes, children = compiled.children + [0]
        let result: Result<R, LocatedMatchLimit> = nodes.withUnsafeBufferPointer { n in
            children.withUnsafeBufferPointer { c in
                do throws(LocatedMatchLimit) {
                    return .success(try body(root, ProgramView(nodes: n.baseAddress!, children: c.baseAddress!)))
                } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    /// The smallest k such that `condition`, seeing only events 0...k, holds.
    func trigger(_ condition: Condition, leaves: [Leaf]? = nil) throws(LocatedMatchLimit) -> Int? {
        let ids = (leaves ?? condition.leaves).map(\.id)
        return try withProgram(condition) { (root, view) throws(LocatedMatchLimit) in try trigger(node: root, leaves: ids, in: view) }
    }

    /// Metric `m`'s trigger: its `applies_when` is compiled at `root`.
    func trigger(node root: Int32, metric m: Int, in program: ProgramView) throws(LocatedMatchLimit) -> Int? {
        let node = program.nodes[Int(root)]
        if node.kind == .leaf && !node.hasCount { return try trigger(node: root, leaves: [], in: program) }
        return try trigger(node: root, leaves: compiled.triggerLeafIDs[m], in: program)
    }

    /// The trigger of the condition compiled at `root`, whose leaves are `leaves`. One leaf
    /// without `count` triggers at its first hit. Otherwise each step matches every leaf on
    /// event k (so the same events are examined as when evaluating every prefix in turn),
    /// keeps running hit counts, and decides the prefix from them.
    func trigger(node root: Int32, leaves: [Int], in program: ProgramView) throws(LocatedMatchLimit) -> Int? {
        let node = program.nodes[Int(root)]
        if node.kind == .leaf && !node.hasCount {
            // The common `applies_when`, one leaf without `count`: the trigger is its first hit.
            let id = Int(node.leaf)
            let m = Int(compiled.leafMask[id])
            // Not retained: the matcher keeps it, and this runs per metric and conversation.
            unowned(unsafe) let tables = matcher.tables
            let list = tables.candidates.base + m * eventCount
            for c in 0..<tables.candidateCount[m] where try matcher.hit(id, at: Int(list[c])) { return Int(list[c]) }
            return nil
        }
        let counts = matcher.tables.prefixCounts.base
        for id in leaves { counts[id] = 0 }
        sequences.removeAll(keepingCapacity: true)
        collectSequences(root, in: program)
        for k in 0..<eventCount {
            triggerSteps &+= leaves.count
            for id in leaves where try matcher.hit(id, at: k) { counts[id] += 1 }
            for s in sequences.indices { try advance(&sequences[s], to: k, in: program) }
            if try prefixHolds(root, through: k, in: program) { return k }
        }
        return nil
    }

    /// What the trigger search knows of one `sequence` in `applies_when` after events 0...k.
    /// A sequence holds on a prefix once some chain ends in it, and then on every longer one,
    /// so it is followed incrementally: `latestStart[j]` is the latest first hit of a chain of
    /// steps 0...j seen so far (the latest start gives a chain ending at a given event its
    /// shortest turn span). One step per event: linear in the events, not quadratic.
    struct SequenceProgress {
        var node: Int32
        var latestStart: [Int]
        var holds = false
        /// In `latestStart`: no chain of those steps yet.
        static let noChain = -1
    }

    private func collectSequences(_ index: Int32, in program: ProgramView) {
        let node = program.nodes[Int(index)]
        switch node.kind {
        case .leaf, .metadata: return
        case .sequence:
            sequences.append(SequenceProgress(node: index, latestStart: [Int](repeating: SequenceProgress.noChain, count: Int(node.count))))
        case .all, .any, .not:
            for c in 0..<Int(node.count) { collectSequences(program.children[Int(node.first) + c], in: program) }
        }
    }

    private func advance(_ progress: inout SequenceProgress, to k: Int, in program: ProgramView) throws(LocatedMatchLimit) {
        if progress.holds { return }
        let node = program.nodes[Int(progress.node)]
        let steps = Int(node.count), children = program.children + Int(node.first)
        triggerSteps &+= steps
        let turns = conversation.turns
        // Last step first, so that each step extends chains that ended before event k.
        for j in stride(from: steps - 1, through: 0, by: -1) where try matcher.hit(Int(children[j]), at: k) {
            let start = j == 0 ? k : progress.latestStart[j - 1]
            guard start != SequenceProgress.noChain else { continue }
            if j == steps - 1, node.withinTurns.map({ turns[k] - turns[start] <= $0 }) ?? true {
                progress.holds = true
            }
            progress.latestStart[j] = max(progress.latestStart[j], start)
        }
    }

    private func prefixHolds(_ index: Int32, through k: Int, in program: ProgramView) throws(LocatedMatchLimit) -> Bool {
        triggerSteps &+= 1
        let node = program.nodes[Int(index)]
        let children = program.children + Int(node.first)
        switch node.kind {
        case .leaf:
            return node.holds(matcher.tables.prefixCounts[Int(node.leaf)])
        case .all:
            for c in 0..<Int(node.count) where try !prefixHolds(children[c], through: k, in: program) { return false }
            return true
        case .any:
            for c in 0..<Int(node.count) where try prefixHolds(children[c], through: k, in: program) { return true }
            return false
        case .not:
            return try !prefixHolds(children[0], through: k, in: program)
        case .metadata:
            return try matcher.metadataHolds(Int(node.leaf))
        case .sequence:
            return sequences.first { $0.node == index }?.holds ?? false
        }
    }
}
