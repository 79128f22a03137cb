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
            // Each step's hits end to end in the evaluator's scratch arrays, which keep their
            // memory from one sequence to the next (no array per step or per chain). They are
            // worked on as locals, moved out and back: each access to a property of a class
            // that a call may reach is checked while the program runs.
            var hits = sequenceHits, starts = sequenceStarts, cursors = sequenceCursors
            sequenceHits = []
            sequenceStarts = []
            sequenceCursors = []
            defer {
                sequenceHits = hits
                sequenceStarts = starts
                sequenceCursors = cursors
            }
            hits.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true)
            starts.append(0)
            for c in 0..<Int(node.count) {
                let before = hits.count
                _ = try matcher.appendHits(Int(children[c]), from: lower, to: upper, into: &hits)
                observer?.leaf(holds: hits.count > before, hits: hits[before...])
                starts.append(hits.count)
            }
            let start = evidence.count
            let turns = conversation.turns
            let found = hits.withUnsafeBufferPointer { hits in
                starts.withUnsafeBufferPointer { starts in
                    Evaluator.appendFirstChain(hits, starts: starts, turns: turns, within: node.withinTurns, cursors: &cursors, to: &evidence)
                }
            }
            observer?.leave(holds: found, hits: found ? evidence[start...] : [])
            return found
        }
    }

    /// The first chain h1 < h2 < ... (hk among step k's hits, `hits[starts[k] ..< starts[k + 1]]`,
    /// each sorted) whose turn span is within the bound, appended to `chain` when there is
    /// one; `cursors` is scratch. For a given h1, taking the
    /// earliest later hit at each step ends the chain as early as possible, so trying each h1
    /// in order finds a chain whenever one exists. Those greedy chains only move forward as h1
    /// does, so each step's hits are walked once: linear in the hits.
    static func appendFirstChain(_ hits: UnsafeBufferPointer<Int>, starts: UnsafeBufferPointer<Int>, turns: [Int], within: Int?,
                                 cursors: inout [Int], to chain: inout [Int]) -> Bool {
        let steps = starts.count - 1
        guard steps > 0 else { return false }
        cursors.removeAll(keepingCapacity: true)
        for k in 0..<steps { cursors.append(starts[k]) }
        for first in starts[0]..<starts[1] {
            let start = hits[first]
            var previous = start
            for k in 1..<steps {
                var c = cursors[k]
                let end = starts[k + 1]
                while c < end && hits[c] <= previous { c += 1 }
                cursors[k] = c
                guard c < end else { return false }
                previous = hits[c]
            }
            if let within, turns[previous] - turns[start] > within { continue }
            chain.append(start)
            for k in 1..<steps { chain.append(hits[cursors[k]]) }
            return true
        }
        return false
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
