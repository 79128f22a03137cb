/// Scores conversations against compiled rules (SPEC §4, §5). One evaluator per thread: it
/// owns the PCRE2 scratch space and the per-conversation tables it reuses from one
/// conversation to the next; the compiled rules are shared.
///
/// The walks live beside this file: `Evaluator+Triggers.swift` finds where `applies_when`
/// first holds, `Evaluator+Conditions.swift` decides conditions over a window, and
/// `NumberValues.swift` computes value expressions. All of them ask `hit` whether a leaf hits
/// an event, which matches each (leaf, event) pair at most once per conversation.
public final class Evaluator {
    public let compiled: CompiledRules
    public var rules: RuleSet { compiled.rules }
    let scratch: MatchScratch
    let tables = ConversationTables()

    /// The conversation last loaded.
    private(set) var conversation = Conversation(id: "", events: [])
    private var replay: FlowReplay?
    var eventCount: Int { tables.eventCount }
    /// The `sequence`s of the `applies_when` being searched (see `trigger`).
    var sequences: [SequenceProgress] = []

    /// An evaluator for `rules`, compiled for it alone. To score on several threads, compile
    /// once and give each thread `init(compiled:limits:)`.
    public convenience init(rules: RuleSet, limits: EvaluationLimits = EvaluationLimits()) {
        self.init(compiled: CompiledRules(rules), limits: limits)
    }

    public init(compiled: CompiledRules, limits: EvaluationLimits = EvaluationLimits()) {
        self.compiled = compiled
        scratch = MatchScratch(matchLimit: limits.matchLimit, budget: limits.matchBudget)
    }

    /// Scores one conversation against every metric, in rule order.
    public func evaluate(_ conversation: Conversation) -> ConversationResult {
        load(conversation)
        let replay = self.replay!
        let metricCount = compiled.metricCount
        var results: [MetricResult] = []
        results.reserveCapacity(metricCount)
        for m in 0..<metricCount {
            results.append(evaluate(metricAt: m, flowFailure: compiled.plans[m].usesFlows ? replay.failure : nil))
        }
        var logged: [(name: String, values: [JSONValue])] = []
        var position: [String: Int] = [:]
        // By index: copying an Event would retain each of its fields.
        let events = conversation.events
        for i in events.indices where events[i].kind == .metric {
            let name = events[i].name ?? ""
            if let p = position[name] {
                logged[p].values.append(events[i].value ?? .null)
            } else {
                position[name] = logged.count
                logged.append((name, [events[i].value ?? .null]))
            }
        }
        return ConversationResult(id: conversation.id, startedAt: conversation.startedAt, metadata: conversation.metadata, metrics: results,
                                  flows: replay.flowsEntered, functions: replay.functionsCalled, logged: logged)
    }

    /// Every leaf's hits on `conversation`, all matched now, as `evaluate(_:knownHits:except:)`
    /// takes them; nil when a pattern stops at its match limit.
    func knownHits(_ conversation: Conversation) -> [UInt8]? {
        load(conversation)
        let last = eventCount - 1
        do {
            for leaf in compiled.rules.allLeaves where last >= 0 { _ = try hits(leaf.id, from: 0, to: last) }
        } catch {
            return nil
        }
        return Array(UnsafeBufferPointer(start: tables.memo.base, count: compiled.leafCount * eventCount))
    }

    /// Scores `conversation` with the hits of every leaf but `except` taken from `known`, found
    /// by `knownHits` on the same conversation with leaves of the same ids and definitions
    /// (`verdict mutate` runs thousands of mutants of one metric that differ in one leaf at most).
    func evaluate(_ conversation: Conversation, knownHits known: [UInt8], except: Int?) -> ConversationResult {
        seed = (known, except)
        defer { seed = nil }
        return evaluate(conversation)
    }

    private var seed: (hits: [UInt8], except: Int?)?

    /// Replays `conversation` through the flow state machine and resets the tables.
    func load(_ conversation: Conversation) {
        self.conversation = conversation
        tables.load(conversation.events, compiled)
        if let seed, seed.hits.count == compiled.leafCount * eventCount {
            seed.hits.withUnsafeBufferPointer { tables.memo.base.update(from: $0.baseAddress!, count: $0.count) }
            if let id = seed.except, id >= 0, id < compiled.leafCount {
                (tables.memo.base + id * eventCount).update(repeating: 0, count: eventCount)
            }
        }
        let last = eventCount - 1
        scratch.resetBudget()
        replay = nil
        let flows = compiled.rules.flows
        replay = FlowReplay(conversation: conversation, rules: compiled.rules) { (f) throws(LocatedMatchLimit) -> [Int] in
            var hits: [Int] = []
            for leaf in flows[f].enterWhen where last >= 0 {
                _ = try self.appendHits(leaf.id, from: 0, to: last, into: &hits)
            }
            Evaluator.sortUnique(&hits, from: 0)
            return hits
        }
        // Flow leaves (not allowed in `enter_when`, so never read above) hit only where a
        // flow is entered.
        tables.markFlowEntries(replay!.entriesAt, compiled)
    }

    /// The flow record of the conversation last loaded.
    var flowReplay: FlowReplay { replay! }

    /// `flowFailure`: why the flow state this metric reads could not be computed, if so.
    func evaluate(metricAt m: Int, flowFailure: String? = nil) -> MetricResult {
        let plan = compiled.plans[m]
        if plan.hasActiveFrom, let from = compiled.metricInfo[m].activeFrom, let started = conversation.startedAt, from > started {
            return MetricResult(status: .inactive)
        }
        if let flowFailure { return MetricResult(status: .error, error: flowFailure) }
        scratch.resetBudget()
        let program = ProgramView(compiled)
        let body = compiled.bodyRoots.base + Int(plan.bodyFirst)
        var triggeredAt: Int?
        do {
            let k: Int
            if plan.applies >= 0 {
                guard let found = try trigger(node: plan.applies, metric: m, in: program) else {
                    return MetricResult(status: .notApplicable)
                }
                k = found
            } else {
                k = 0
            }
            triggeredAt = k
            let lower = plan.conversationScope ? 0 : k
            if plan.isNumber, let expression = compiled.metricInfo[m].expression {
                return try number(expression, from: lower, to: eventCount - 1, triggeredAt: k)
            }
            let upper = eventCount - 1
            var evidence: [Int] = []
            if !plan.isCategorical {
                let root = program.nodes[Int(body[0])]
                if root.kind == .all {
                    // The same walk as `holds` on the `all`, keeping which items failed.
                    var failed: [Int] = []
                    for c in 0..<Int(root.count) {
                        let child = program.children[Int(root.first) + c]
                        if try !holds(node: child, from: lower, to: upper, into: &evidence, in: program) { failed.append(c) }
                    }
                    if failed.isEmpty {
                        Evaluator.sortUnique(&evidence, from: 0)
                        return MetricResult(status: .ok, value: .bool(true), triggeredAt: k, evidence: evidence)
                    }
                    return MetricResult(status: .ok, value: .bool(false), triggeredAt: k, failedItems: failed)
                }
                let holds = try self.holds(node: body[0], from: lower, to: upper, into: &evidence, in: program)
                return MetricResult(status: .ok, value: .bool(holds), triggeredAt: k, evidence: evidence)
            }
            for j in 0..<Int(plan.bodyCount) {
                if try holds(node: body[j], from: lower, to: upper, into: &evidence, in: program) {
                    return MetricResult(status: .ok, value: .label(compiled.metricInfo[m].labels![j]), triggeredAt: k, evidence: evidence)
                }
            }
            if let otherwise = compiled.metricInfo[m].otherwise { return MetricResult(status: .ok, value: .label(otherwise), triggeredAt: k) }
            return MetricResult(status: .unmatched, triggeredAt: k)
        } catch {
            return MetricResult(status: .error, triggeredAt: triggeredAt,
                                error: "pattern '\(error.pattern)' stopped on \(error.eventDescription): \(error.message)")
        }
    }

    // MARK: Leaves

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
        var n = 0
        let eventCount = tables.eventCount
        let row = tables.memo.base + id * eventCount
        let m = Int(compiled.leafMask[id])
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
            switch row[i] {
            case 1:
                out.append(i)
                n += 1
            case 2: break
            default:
                if try hit(id, at: i) {
                    out.append(i)
                    n += 1
                }
            }
        }
        return n
    }

    /// Whether leaf `id` hits event `i`, matched once per conversation and then remembered.
    @inline(__always)
    func hit(_ id: Int, at i: Int) throws(LocatedMatchLimit) -> Bool {
        if compiled.leafKinds[id] & tables.eventKinds[i] == 0 { return false }
        let slot = id * tables.eventCount + i
        switch tables.memo[slot] {
        case 1: return true
        case 2: return false
        default:
            let hit: Bool
            do {
                let p = compiled.leafTextPattern[id]
                hit = p >= 0 ? try matchText(Int(p), at: i) : try isHit(compiled.leaves[id], at: i)
            } catch {
                throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: i)
            }
            tables.memo[slot] = hit ? 1 : 2
            return hit
        }
    }

    /// Matches text pattern `p` on event `i`'s text, unless the prefilter rules it out.
    @inline(__always)
    private func matchText(_ p: Int, at i: Int) throws(MatchLimitError) -> Bool {
        let first = Int(compiled.literalStart[p]), end = Int(compiled.literalStart[p + 1])
        if first < end && tables.prefilterUsable[i] {
            let found = tables.foundLiterals.base + i * compiled.scanner.words
            var any = false
            for k in first..<end {
                let id = Int(compiled.literalIDs[k])
                if found[id >> 6] & (1 << UInt64(id & 63)) != 0 {
                    any = true
                    break
                }
            }
            if !any { return false }
        }
        return try text(of: i, matches: compiled.textPatterns[p])
    }

    /// Matches `pattern` on event `i`'s text in the arena.
    @inline(__always)
    private func text(of i: Int, matches pattern: Pattern) throws(MatchLimitError) -> Bool {
        let start = tables.textStart[i]
        return try pattern.matches(tables.textBytes.base + start, count: tables.textStart[i + 1] - start, using: scratch)
    }

    private func isHit(_ leaf: borrowing Leaf, at i: Int) throws(MatchLimitError) -> Bool {
        // Read the event in place: copying an Event would retain each of its fields.
        let result: Result<Bool, MatchLimitError> = conversation.events.withUnsafeBufferPointer { events in
            do throws(MatchLimitError) { return .success(try isHit(leaf, events, at: i)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A field a hand-built event lacks reads as empty: it matches what "" matches.
    private func isHit(_ leaf: borrowing Leaf, _ events: UnsafeBufferPointer<Event>, at i: Int) throws(MatchLimitError) -> Bool {
        // Cheap tests first: the kind of event, then the modifiers, then patterns and matchers.
        switch leaf.kind {
        case .user, .intent: if events[i].kind != .user { return false }
        case .agent: if events[i].kind != .agent { return false }
        case .said: if !events[i].isSpoken { return false }
        case .function: if events[i].kind != .function { return false }
        case .metric: if events[i].kind != .metric { return false }
        case .state: if events[i].kind != .state { return false }
        case .handoff: if events[i].kind != .handoff { return false }
        case .flow: break
        }
        if let flow = leaf.inFlow {
            guard let current = replay?.currentFlow[i], current.isExactly(flow) else { return false }
        }
        if let t = leaf.turns {
            let turn = Double(conversation.turns[i])
            if turn < t.lower { return false }
            if let upper = t.upper, turn > upper { return false }
        }
        if let s = leaf.seconds {
            guard let at = events[i].at, at >= s.lower else { return false }
            if let upper = s.upper, at > upper { return false }
        }
        switch leaf.kind {
        case let .user(p), let .agent(p), let .said(p):
            return try text(of: i, matches: p)
        case let .intent(name):
            return events[i].intents.contains { $0.isExactly(name) }
        case let .function(name, args, result, failed):
            guard (events[i].name ?? "").isExactly(name) else { return false }
            if let failed, (events[i].error != nil) != failed { return false }
            if let args, try !args.matches(events[i].args, using: scratch) { return false }
            if let result, try !result.matches(events[i].result, using: scratch) { return false }
            return true
        case let .flow(name, step):
            guard let entries = replay?.entriesAt[i] else { return false }
            return entries.contains { entry in
                guard entry.flow.isExactly(name) else { return false }
                guard let step else { return true }
                return !entry.derived && (entry.step?.isExactly(step) ?? false)
            }
        case let .metric(name, value), let .state(name, value):
            guard (events[i].name ?? "").isExactly(name) else { return false }
            if let value { return try value.matches(events[i].value, using: scratch) }
            return true
        case let .handoff(pattern):
            guard let pattern else { return true }
            return try pattern.matches(events[i].destination ?? "", using: scratch)
        }
    }
}
