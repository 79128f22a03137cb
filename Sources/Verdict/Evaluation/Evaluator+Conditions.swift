/// Whether a condition holds over a window of events, and the evidence that decides it (SPEC §3).
extension Evaluator {
    /// Evaluates a condition with leaves restricted to events `from...to` (empty when to < from).
    func holds(_ condition: Condition, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> (holds: Bool, evidence: [Int]) {
        try withProgram(condition) { (root, view) throws(LocatedMatchLimit) in
            var evidence: [Int] = []
            let ok = try holds(node: root, from: lower, to: upper, into: &evidence, in: view)
            return (ok, evidence)
        }
    }

    /// Whether node `index` holds over events `lower...upper`. When it holds, its evidence is
    /// appended to `evidence`; when it does not, `evidence` is left as it was. Every child of
    /// `all` and `any` is evaluated, so a match-limit error anywhere is reported. Each node's
    /// verdict and hits go to the observer, when there is one.
    func holds(node index: Int32, from lower: Int, to upper: Int, into evidence: inout [Int],
               in program: ProgramView) throws(LocatedMatchLimit) -> Bool {
        let node = program.nodes[Int(index)]
        let children = program.children + Int(node.first)
        let start = evidence.count
        switch node.kind {
        case .leaf:
            let n = try matcher.appendHits(Int(node.leaf), from: lower, to: upper, into: &evidence)
            let ok = node.holds(n)
            observer?.leaf(holds: ok, hits: evidence[start...])
            if ok { return true }
            Evaluator.truncate(&evidence, to: start)
            return false
        case .all:
            observer?.enter()
            var ok = true
            for c in 0..<Int(node.count) where try !holds(node: children[c], from: lower, to: upper, into: &evidence, in: program) {
                ok = false
            }
            if ok {
                Evaluator.sortUnique(&evidence, from: start)
            } else {
                Evaluator.truncate(&evidence, to: start)
            }
            observer?.leave(holds: ok, hits: evidence[start...])
            return ok
        case .any:
            observer?.enter()
            var ok = false
            for c in 0..<Int(node.count) where try holds(node: children[c], from: lower, to: upper, into: &evidence, in: program) {
                ok = true
            }
            Evaluator.sortUnique(&evidence, from: start)
            observer?.leave(holds: ok, hits: evidence[start...])
            return ok
        case .not:
            observer?.enter()
            let inner = try holds(node: children[0], from: lower, to: upper, into: &evidence, in: program)
            Evaluator.truncate(&evidence, to: start)
            observer?.leave(holds: !inner, hits: [])
            return !inner
        case .metadata:
            let ok = try matcher.metadataHolds(Int(node.leaf))
            observer?.leaf(holds: ok, hits: [])
            return ok
        case .sequence:
            observer?.enter()
            var lists: [[Int]] = []
            for c in 0..<Int(node.count) {
                let steps = try matcher.hits(Int(children[c]), from: lower, to: upper)
                observer?.leaf(holds: !steps.isEmpty, hits: steps[...])
                lists.append(steps)
            }
            let chain = Evaluator.firstChain(lists, turns: conversation.turns, within: node.withinTurns)
            observer?.leave(holds: chain != nil, hits: chain?[...] ?? [])
            guard let chain else { return false }
            evidence += chain
            return true
        }
    }

    /// The first chain h1 < h2 < ... (hk from lists[k]) whose turn span is within the bound.
    /// For a given h1, taking the earliest later hit at each step ends the chain as early as
    /// possible, so trying each h1 in order finds a chain whenever one exists. Those greedy
    /// chains only move forward as h1 does, so each list is walked once: linear in the hits.
    static func firstChain(_ lists: [[Int]], turns: [Int], within: Int?) -> [Int]? {
        guard let first = lists.first else { return nil }
        var cursors = [Int](repeating: 0, count: lists.count)
        var chain = [Int](repeating: 0, count: lists.count)
        for start in first {
            chain[0] = start
            var previous = start
            for k in 1..<lists.count {
                let list = lists[k]
                var c = cursors[k]
                while c < list.count && list[c] <= previous { c += 1 }
                cursors[k] = c
                guard c < list.count else { return nil }
                previous = list[c]
                chain[k] = previous
            }
            if let within, turns[previous] - turns[start] > within { continue }
            return chain
        }
        return nil
    }

    /// Drops `a[count...]`. Nothing to drop costs nothing: removing an empty range from the
    /// shared empty array would allocate one of its own.
    @inline(__always)
    static func truncate(_ a: inout [Int], to count: Int) {
        if a.count > count { a.removeSubrange(count...) }
    }

    /// Sorts `a[from...]` and removes repeats from it.
    static func sortUnique(_ a: inout [Int], from start: Int) {
        if a.count - start < 2 { return }
        a[start...].sort()
        var write = start + 1
        for read in (start + 1)..<a.count where a[read] != a[write - 1] {
            a[write] = a[read]
            write += 1
        }
        a.removeSubrange(write...)
    }
}
