/// Where each leaf hits in the conversation in hand: every (leaf, event) pair is matched at
/// most once per conversation and then remembered. The flow machine asks it where `enter_when`
/// hits; the evaluator's walks ask it for everything else. One matcher per thread: it owns
/// the PCRE2 scratch space and the per-conversation tables it reuses from one conversation to
/// the next.
final class LeafMatcher: LeafHits {
    let compiled: CompiledRules
    let scratch: MatchScratch
    let tables = ConversationTables()
    /// The flow state that `flow` leaves and `in_flow` read.
    let flows: FlowMachine

    /// The conversation last loaded.
    private(set) var conversation = Conversation(id: "", events: [])
    var eventCount: Int { tables.eventCount }

    /// What matching has cost since this matcher was made: events looked at by `appendHits`,
    /// and PCRE2 searches run. Tests count them to hold cost to the prefilter's candidates.
    private(set) var eventsVisited = 0
    private(set) var patternRuns = 0

    /// Per branch (`CompiledRules.branches`), the number of the last confirmation that ran it,
    /// so that a branch reached through several of its literals runs once.
    private let branchTried: Buffer<UInt32>
    private var confirmation: UInt32 = 0
    /// The branches this matcher has run, compiled on first use; how many it has compiled.
    private let branchPatterns: Buffer<Pattern?>
    private let branchRefs: Buffer<Unmanaged<Pattern>?>
    private(set) var branchesCompiled = 0

    /// Hits known in advance, for the next `load` (see `Evaluator.evaluate(_:knownHits:except:)`).
    var seed: (hits: [UInt8], except: Int?)?

    init(compiled: CompiledRules, flows: FlowMachine, limits: EvaluationLimits) {
        self.compiled = compiled
        self.flows = flows
        scratch = MatchScratch(matchLimit: limits.matchLimit, budget: limits.matchBudget)
        // Buffers, not arrays: read and written per confirmation, with no exclusivity check.
        branchTried = Buffer([UInt32](repeating: 0, count: compiled.branches.count))
        branchPatterns = Buffer([Pattern?](repeating: nil, count: compiled.branches.count))
        branchRefs = Buffer([Unmanaged<Pattern>?](repeating: nil, count: compiled.branches.count))
    }

    /// The loaded conversation's events, while `borrowingEvents` runs: checks of function,
    /// intent, state and flow leaves read them in place instead of retaining the array around
    /// each check. nil outside it.
    private var borrowed: UnsafeBufferPointer<Event>?

    /// Runs `body` with the loaded conversation's events borrowed for every check it makes
    /// (the flow replay, or all of a conversation's metrics).
    func borrowingEvents<R>(_ body: () -> R) -> R {
        if borrowed != nil { return body() }
        return conversation.events.withUnsafeBufferPointer { events in
            borrowed = events
            defer { borrowed = nil }
            return body()
        }
    }

    /// Resets the tables for `conversation`: nothing is known of it yet but what `seed` gives.
    func load(_ conversation: Conversation) {
        precondition(borrowed == nil, "a conversation loaded while the last one's events are borrowed")
        self.conversation = conversation
        tables.load(conversation.events, compiled)
        if let seed, seed.hits.count == compiled.leafCount * eventCount {
            seed.hits.withUnsafeBufferPointer { tables.memo.base.update(from: $0.baseAddress!, count: $0.count) }
            if let id = seed.except, id >= 0, id < compiled.leafCount {
                (tables.memo.base + id * eventCount).update(repeating: LeafMemo.unknown.rawValue, count: eventCount)
            }
        }
        scratch.resetBudget()
    }

    /// Takes in the flow machine's entries once it has replayed the loaded conversation.
    func flowsReplayed() {
        tables.markFlowEntries(flows, compiled)
    }

    /// Indices in `from...to` that `leaf` hits (modifiers applied, `count` not).
    func hits(_ leaf: Leaf, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> [Int] {
        try hits(leaf.id, from: lower, to: upper)
    }

    func hits(_ id: Int, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> [Int] {
        var result: [Int] = []
        _ = try appendHits(id, from: lower, to: upper, into: &result)
        return result
    }

    /// Appends the hits of leaf `id` in `lower...upper` to `out`; returns how many.
    func appendHits(_ id: Int, from lower: Int, to upper: Int, into out: inout [Int]) throws(LocatedMatchLimit) -> Int {
        guard lower <= upper else { return 0 }
        // A text leaf whose pattern's literals occur nowhere in the conversation hits nowhere:
        // cost follows the candidates the prefilter finds, not leaves × events.
        let p = compiled.leafPrefilterPattern[id]
        if p != Program.absent && tables.patternAbsent[Int(p)] { return 0 }
        var n = 0
        let eventCount = tables.eventCount
        let row = tables.memo.base + id * eventCount
        let m = Int(compiled.leafMask[id])
        // A text leaf of a pattern with literals visits only the events of its kinds whose text
        // holds one (or that the prefilter was not used on): no other event can hit.
        if compiled.leafReadsByLiteral[id] && tables.literalsByEvent {
            let words = tables.eventWords, last = min(upper, eventCount - 1)
            guard lower <= last else { return 0 }
            let bits = tables.mayMatch.base + Int(compiled.leafTextPattern[id]) * words, unscanned = tables.unscanned.base
            let admitted = tables.candidateBits.base + m * words
            for w in (lower >> 6)...(last >> 6) {
                var b = (bits[w] | unscanned[w]) & admitted[w]
                if w == lower >> 6 { b &= ~0 << UInt64(lower & 63) }
                if w == last >> 6 && last & 63 != 63 { b &= (1 << UInt64(last & 63 + 1)) - 1 }
                while b != 0 {
                    let i = w << 6 | b.trailingZeroBitCount
                    b &= b &- 1
                    n += try visit(id, i, row, into: &out)
                }
            }
            return n
        }
        let list = tables.candidates.base + m * eventCount, count = tables.candidateCount[m]
        // The first candidate at or after `lower`: the list is sorted.
        var c = 0
        if lower > 0 {
            var high = count
            while c < high {
                let mid = (c + high) >> 1
                if Int(list[mid]) < lower { c = mid + 1 } else { high = mid }
            }
        }
        while c < count {
            let i = Int(list[c])
            if i > upper { break }
            c += 1
            n += try visit(id, i, row, into: &out)
        }
        return n
    }

    /// Leaf `id` at event `i`, remembered in its memo row or decided now: appends `i` to `out`
    /// and returns 1 on a hit, else 0.
    @inline(__always)
    private func visit(_ id: Int, _ i: Int, _ row: UnsafeMutablePointer<UInt8>, into out: inout [Int]) throws(LocatedMatchLimit) -> Int {
        eventsVisited &+= 1
        switch LeafMemo(rawValue: row[i]) {
        case .hit: break
        case .miss: return 0
        default: if try !hit(id, at: i) { return 0 }
        }
        out.append(i)
        return 1
    }

    /// Whether leaf `id` hits event `i`, matched once per conversation and then remembered.
    @inline(__always)
    func hit(_ id: Int, at i: Int) throws(LocatedMatchLimit) -> Bool {
        if compiled.leafKinds[id] & tables.eventKinds[i] == 0 { return false }
        let p = compiled.leafPrefilterPattern[id]
        if p != Program.absent && tables.patternAbsent[Int(p)] { return false }
        let slot = id * tables.eventCount + i
        switch LeafMemo(rawValue: tables.memo[slot]) {
        case .hit: return true
        case .miss: return false
        default:
            let hit: Bool
            do {
                let p = compiled.leafTextPattern[id]
                let leaf = UnsafePointer(compiled.leaves.base + id)
                if p != Program.absent {
                    hit = try matchText(Int(p), at: i)
                } else if let events = borrowed {
                    hit = try isHit(leaf, events, at: i)
                } else {
                    hit = try isHit(leaf, at: i)
                }
            } catch {
                throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: i)
            }
            tables.memo[slot] = (hit ? LeafMemo.hit : LeafMemo.miss).rawValue
            return hit
        }
    }

    /// Whether the conversation's metadata matches `metadata` condition `m`, decided once per
    /// conversation. Without `metadata` (or with null), every path is missing.
    func metadataHolds(_ m: Int) throws(LocatedMatchLimit) -> Bool {
        switch LeafMemo(rawValue: tables.metadataMemo[m]) {
        case .hit: return true
        case .miss: return false
        default:
            let holds: Bool
            do {
                let metadata: JSONValue? = conversation.metadata == .null ? nil : conversation.metadata
                holds = try compiled.metadataMatchers[m].matches(metadata, using: scratch)
            } catch {
                throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: nil)
            }
            tables.metadataMemo[m] = (holds ? LeafMemo.hit : LeafMemo.miss).rawValue
            return holds
        }
    }

    /// Matches text pattern `p` on event `i`'s text, unless the prefilter rules it out.
    @inline(__always)
    private func matchText(_ p: Int, at i: Int) throws(MatchLimitError) -> Bool {
        if compiled.branches.has(p) && tables.prefilterUsable[i] { return try matchBranches(p, at: i) }
        if !mayMatch(p, at: i) { return false }
        return try text(of: i, matchesPattern: p)
    }

    /// Matches text pattern `p`, which has branches, on event `i`'s text (which the prefilter
    /// may be used on): its branches without literals, then each branch one of whose literals
    /// the text holds, found from the text's literals rather than by trying every branch.
    private func matchBranches(_ p: Int, at i: Int) throws(MatchLimitError) -> Bool {
        // Not retained: `compiled` keeps it, and this runs per text of a conversation holding
        // one of the list's literals.
        unowned(unsafe) let table = compiled.branches
        let first = Int(table.start[p])
        for b in first..<(first + Int(table.free[p])) {
            guard let branch = branch(b) else { return try text(of: i, matchesPattern: p) }
            if try text(of: i, matches: branch) { return true }
        }
        // A text with none of the scanner's literals holds none of this pattern's branches'.
        let held = tables.heldWords[i]
        guard held != 0 else { return false }
        confirmation &+= 1
        if confirmation == 0 {
            branchTried.base.update(repeating: 0, count: compiled.branches.count)
            confirmation = 1
        }
        let words = compiled.literalWords
        let found = tables.foundLiterals.base + i * words
        let byLiteralStart = table.byLiteralStart.base, byLiteral = table.byLiteral.base, owner = table.owner.base
        let tried = branchTried.base
        for id in LiteralScanner.FoundIDs(held: held, found: found, words: words) {
            for k in Int(byLiteralStart[id])..<Int(byLiteralStart[id + 1]) {
                let b = Int(byLiteral[k])
                if owner[b] != p || tried[b] == confirmation { continue }
                tried[b] = confirmation
                if !holdsAlsoRequired(b, found) { continue }
                guard let branch = branch(b) else { return try text(of: i, matchesPattern: p) }
                if try text(of: i, matches: branch) { return true }
            }
        }
        return false
    }

    /// Whether `found` holds one literal of each further set branch `b` needs.
    @inline(__always)
    private func holdsAlsoRequired(_ b: Int, _ found: UnsafeMutablePointer<UInt64>) -> Bool {
        let also = compiled.branches.also.base
        var k = Int(compiled.branches.alsoStart[b])
        let end = Int(compiled.branches.alsoStart[b + 1])
        while k < end {
            let size = Int(also[k])
            if !LiteralScanner.holdsAny(UnsafeBufferPointer(start: also + k + 1, count: size), in: found) { return false }
            k += 1 + size
        }
        return true
    }

    /// Branch `b`'s pattern, compiled the first time this matcher needs it; nil if it will not
    /// compile (it does, as a part of an alternation that did; the whole pattern then serves).
    /// Unretained: `branchPatterns` owns it for as long as this matcher lives.
    private func branch(_ b: Int) -> Unmanaged<Pattern>? {
        if let known = branchRefs[b] { return known }
        guard let pattern = try? Pattern(compiled.branches.sources[b]) else { return nil }
        branchPatterns[b] = pattern
        branchRefs[b] = Unmanaged.passUnretained(pattern)
        branchesCompiled += 1
        return branchRefs[b]
    }

    /// Whether event `i`'s text holds one of text pattern `p`'s literals, or the prefilter
    /// cannot tell (no literals, or a text it may not be used on).
    @inline(__always)
    private func mayMatch(_ p: Int, at i: Int) -> Bool {
        let first = Int(compiled.literalStart[p]), end = Int(compiled.literalStart[p + 1])
        if first < end && tables.prefilterUsable[i] {
            if tables.heldWords[i] == 0 { return false }
            if !compiled.holdsLiteral(ofPattern: p, in: tables.foundLiterals.base + i * compiled.literalWords) { return false }
        }
        return true
    }

    /// Matches text pattern `p` on event `i`'s text, borrowing the pattern from the rules.
    @inline(__always)
    private func text(of i: Int, matchesPattern p: Int) throws(MatchLimitError) -> Bool {
        try text(of: i, matches: compiled.textPatternRefs[p])
    }

    /// Matches a pattern some owner keeps alive on event `i`'s text, without retaining it.
    @inline(__always)
    private func text(of i: Int, matches pattern: Unmanaged<Pattern>) throws(MatchLimitError) -> Bool {
        let result: Result<Bool, MatchLimitError> = pattern._withUnsafeGuaranteedRef { pattern in
            do throws(MatchLimitError) { return .success(try text(of: i, matches: pattern)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Matches `pattern` on event `i`'s text in the arena.
    @inline(__always)
    private func text(of i: Int, matches pattern: Pattern) throws(MatchLimitError) -> Bool {
        patternRuns &+= 1
        let start = tables.textStart[i]
        return try pattern.matches(tables.textBytes.base + start, count: tables.textStart[i + 1] - start, using: scratch)
    }

    /// Reads the leaf and the event in place: copying either would retain each of its fields.
    private func isHit(_ leaf: UnsafePointer<Leaf>, at i: Int) throws(MatchLimitError) -> Bool {
        let result: Result<Bool, MatchLimitError> = conversation.events.withUnsafeBufferPointer { events in
            do throws(MatchLimitError) { return .success(try isHit(leaf, events, at: i)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A field a hand-built event lacks reads as empty: it matches what "" matches.
    private func isHit(_ leaf: UnsafePointer<Leaf>, _ events: UnsafeBufferPointer<Event>, at i: Int) throws(MatchLimitError) -> Bool {
        // Cheap tests first: the kind of event (which `hit` has tested against the leaf's kind
        // mask), then the modifiers, then patterns and matchers. The leaf's kind is told by its
        // tag: a switch on the kind itself copies it, which counts a reference to each of its
        // patterns, matchers and names, shared by every scoring thread.
        let id = leaf.pointee.id
        let tag = compiled.leafTag[id]
        if let flow = leaf.pointee.inFlow {
            // Flow state is known only once the machine has replayed this conversation (a rule
            // set built by hand could put `in_flow` in an `enter_when`).
            guard flows.hasReplayed, let current = flows.currentFlow[i], current.isExactly(flow) else { return false }
        }
        if let t = leaf.pointee.turns {
            let turn = Double(conversation.turns[i]), total = conversation.spokenTurns
            if turn < Leaf.turn(t.lower, of: total) { return false }
            if let upper = t.upper, turn > Leaf.turn(upper, of: total) { return false }
        }
        if let s = leaf.pointee.seconds {
            guard let at = events[i].at, at >= s.lower else { return false }
            if let upper = s.upper, at > upper { return false }
        }
        // The leaf's payload is copied (each of its references retained) only where its
        // name, read from the rules' bytes, has matched: most checks end at the name.
        switch tag {
        case .user, .agent, .said:
            // A leaf with modifiers, which got past them: the prefilter still applies.
            let indexed = compiled.leafPrefilterPattern[id]
            if indexed != Program.absent { return try matchText(Int(indexed), at: i) }
            switch leaf.pointee.kind {
            case let .user(p), let .agent(p), let .said(p): return try text(of: i, matches: p)
            default: return false
            }
        case .intent:
            let name = compiled.leafName(id)
            return events[i].intents.contains { $0.isExactly(name) }
        case .function:
            guard (events[i].name ?? "").isExactly(compiled.leafName(id)) else { return false }
            guard let matchers = compiled.leafValueMatchers[id] else { return true }
            let outcome: Result<Bool, MatchLimitError> = matchers._withUnsafeGuaranteedRef { m in
                if let failed = m.failed, (events[i].error != nil) != failed { return .success(false) }
                do throws(MatchLimitError) {
                    if try m.args?.matches(events[i].args, using: scratch) == false { return .success(false) }
                    if try m.result?.matches(events[i].result, using: scratch) == false { return .success(false) }
                } catch {
                    return .failure(error)
                }
                return .success(true)
            }
            return try outcome.get()
        case .flow:
            guard flows.hasReplayed else { return false }
            if !compiled.leafHasStep[id] { return flows.enters(compiled.leafName(id), step: nil, at: i) }
            guard case let .flow(_, step) = leaf.pointee.kind else { return false }
            return flows.enters(compiled.leafName(id), step: step, at: i)
        case .metric, .state:
            guard (events[i].name ?? "").isExactly(compiled.leafName(id)) else { return false }
            guard let matchers = compiled.leafValueMatchers[id] else { return true }
            let outcome: Result<Bool, MatchLimitError> = matchers._withUnsafeGuaranteedRef { m in
                do throws(MatchLimitError) { return .success(try m.args?.matches(events[i].value, using: scratch) ?? true) } catch { return .failure(error) }
            }
            return try outcome.get()
        case .handoff:
            guard case let .handoff(pattern?) = leaf.pointee.kind else { return true }
            return try pattern.matches(events[i].destination ?? "", using: scratch)
        }
    }
}
