/// Scores conversations against a rule set (SPEC §4, §5). One evaluator per thread: it owns the
/// PCRE2 scratch space and per-conversation caches it reuses from one conversation to the next.
public final class Evaluator {
    public let rules: RuleSet
    private let scratch: MatchScratch
    /// Whether each metric reads flow state (a `flow` leaf or `in_flow`).
    private let metricUsesFlows: [Bool]
    /// The leaves of each metric's `applies_when`, gathered once.
    private let triggerLeaves: [[Leaf]]

    // Per-conversation state.
    private var conversation = Conversation(id: "", events: [])
    private var replay: FlowReplay?
    /// leafCount × events: 0 not yet known, 1 hit, 2 no hit.
    private var memo: [UInt8] = []
    private var eventCount = 0

    public init(rules: RuleSet, matchLimit: UInt32 = MatchScratch.defaultMatchLimit) {
        self.rules = rules
        scratch = MatchScratch(matchLimit: matchLimit)
        metricUsesFlows = rules.metrics.map { m in m.conditions.contains { $0.leaves.contains(where: \.usesFlows) } }
        triggerLeaves = rules.metrics.map { $0.appliesWhen?.leaves ?? [] }
    }

    /// Scores one conversation against every metric, in rule order.
    public func evaluate(_ conversation: Conversation) -> ConversationResult {
        load(conversation)
        let replay = self.replay!
        var results: [MetricResult] = []
        results.reserveCapacity(rules.metrics.count)
        for (m, metric) in rules.metrics.enumerated() {
            results.append(evaluate(metric, triggerLeaves: triggerLeaves[m], flowFailure: metricUsesFlows[m] ? replay.failure : nil))
        }
        var logged: [(name: String, values: [JSONValue])] = []
        var position: [String: Int] = [:]
        for e in conversation.events where e.kind == .metric {
            let name = e.name!
            if let p = position[name] {
                logged[p].values.append(e.value ?? .null)
            } else {
                position[name] = logged.count
                logged.append((name, [e.value ?? .null]))
            }
        }
        return ConversationResult(id: conversation.id, startedAt: conversation.startedAt, metrics: results,
                                  flows: replay.flowsEntered, functions: replay.functionsCalled, logged: logged)
    }

    /// Replays `conversation` through the flow state machine and resets the caches.
    func load(_ conversation: Conversation) {
        self.conversation = conversation
        eventCount = conversation.events.count
        let size = rules.leafCount * eventCount
        if memo.count < size { memo = Array(repeating: 0, count: size) } else {
            memo.withUnsafeMutableBufferPointer { buffer in
                for i in 0..<size { buffer[i] = 0 }
            }
        }
        let last = eventCount - 1
        replay = nil
        replay = FlowReplay(conversation: conversation, rules: rules) { (f) throws(LocatedMatchLimit) -> [Int] in
            var hits: [Int] = []
            for leaf in rules.flows[f].enterWhen where last >= 0 {
                hits += try self.hits(leaf, from: 0, to: last)
            }
            return Array(Set(hits)).sorted()
        }
    }

    /// The flow record of the conversation last loaded.
    var flowReplay: FlowReplay { replay! }

    /// `flowFailure`: why the flow state this metric reads could not be computed, if so.
    func evaluate(_ metric: Metric, triggerLeaves: [Leaf]? = nil, flowFailure: String? = nil) -> MetricResult {
        if let from = metric.activeFrom, let started = conversation.startedAt, from > started {
            return MetricResult(status: .inactive)
        }
        if let flowFailure { return MetricResult(status: .error, error: flowFailure) }
        var triggeredAt: Int?
        do {
            let k: Int
            if let applies = metric.appliesWhen {
                guard let found = try trigger(applies, leaves: triggerLeaves ?? applies.leaves) else {
                    return MetricResult(status: .notApplicable)
                }
                k = found
            } else {
                k = 0
            }
            triggeredAt = k
            let lower = metric.scope == .conversation ? 0 : k
            let upper = eventCount - 1
            switch metric.body {
            case let .boolean(condition):
                let outcome = try holds(condition, from: lower, to: upper)
                return MetricResult(status: .ok, value: .bool(outcome.holds), triggeredAt: k, evidence: outcome.evidence)
            case let .categorical(labels, otherwise):
                for label in labels {
                    let outcome = try holds(label.when, from: lower, to: upper)
                    if outcome.holds {
                        return MetricResult(status: .ok, value: .label(label.label), triggeredAt: k, evidence: outcome.evidence)
                    }
                }
                if let otherwise { return MetricResult(status: .ok, value: .label(otherwise), triggeredAt: k) }
                return MetricResult(status: .unmatched, triggeredAt: k)
            }
        } catch {
            return MetricResult(status: .error, triggeredAt: triggeredAt,
                                error: "pattern '\(error.pattern)' stopped on \(error.eventDescription): \(error.message)")
        }
    }

    // MARK: Triggers

    /// Hits of each leaf in events 0...k while `trigger` walks k upwards, indexed by leaf id.
    private var prefixCounts: [Int] = []

    /// The smallest k such that `condition`, seeing only events 0...k, holds. Each step matches
    /// every leaf on event k (so the same events are examined as when evaluating every prefix
    /// in turn), keeps running hit counts, and decides the prefix from them.
    func trigger(_ condition: Condition, leaves: [Leaf]? = nil) throws(LocatedMatchLimit) -> Int? {
        let leaves = leaves ?? condition.leaves
        if prefixCounts.count < rules.leafCount { prefixCounts = Array(repeating: 0, count: rules.leafCount) }
        for leaf in leaves { prefixCounts[leaf.id] = 0 }
        for k in 0..<eventCount {
            for leaf in leaves where try hit(leaf, at: k) { prefixCounts[leaf.id] += 1 }
            if try prefixHolds(condition, through: k) { return k }
        }
        return nil
    }

    private func prefixHolds(_ condition: Condition, through k: Int) throws(LocatedMatchLimit) -> Bool {
        switch condition {
        case let .leaf(leaf):
            let n = prefixCounts[leaf.id]
            return leaf.count.map { $0.holds(n) } ?? (n > 0)
        case let .all(parts):
            for part in parts where try !prefixHolds(part, through: k) { return false }
            return true
        case let .any(parts):
            for part in parts where try prefixHolds(part, through: k) { return true }
            return false
        case let .not(inner):
            return try !prefixHolds(inner, through: k)
        case let .sequence(leaves, within):
            guard leaves.allSatisfy({ prefixCounts[$0.id] > 0 }) else { return false }
            var lists: [[Int]] = []
            for leaf in leaves { lists.append(try hits(leaf, from: 0, to: k)) }
            return Evaluator.firstChain(lists, turns: conversation.turns, within: within) != nil
        }
    }

    // MARK: Conditions

    struct Outcome {
        var holds: Bool
        var evidence: [Int]
    }

    /// Evaluates a condition with leaves restricted to events `from...to` (empty when to < from).
    func holds(_ condition: Condition, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> Outcome {
        switch condition {
        case let .leaf(leaf):
            let hits = try self.hits(leaf, from: lower, to: upper)
            let ok = leaf.count.map { $0.holds(hits.count) } ?? !hits.isEmpty
            return Outcome(holds: ok, evidence: ok ? hits : [])
        case let .all(parts):
            var ok = true
            var evidence: [Int] = []
            for part in parts {
                let o = try holds(part, from: lower, to: upper)
                ok = ok && o.holds
                evidence += o.evidence
            }
            return Outcome(holds: ok, evidence: ok ? Evaluator.sortedUnique(evidence) : [])
        case let .any(parts):
            var ok = false
            var evidence: [Int] = []
            for part in parts {
                let o = try holds(part, from: lower, to: upper)
                if o.holds {
                    ok = true
                    evidence += o.evidence
                }
            }
            return Outcome(holds: ok, evidence: Evaluator.sortedUnique(evidence))
        case let .not(inner):
            return Outcome(holds: try !holds(inner, from: lower, to: upper).holds, evidence: [])
        case let .sequence(leaves, within):
            var lists: [[Int]] = []
            for leaf in leaves { lists.append(try hits(leaf, from: lower, to: upper)) }
            if let chain = Evaluator.firstChain(lists, turns: conversation.turns, within: within) {
                return Outcome(holds: true, evidence: chain)
            }
            return Outcome(holds: false, evidence: [])
        }
    }

    /// The first chain h1 < h2 < ... (hk from lists[k]) whose turn span is within the bound.
    /// For a given h1, taking the earliest later hit at each step ends the chain as early as
    /// possible, so trying each h1 in order finds a chain whenever one exists.
    static func firstChain(_ lists: [[Int]], turns: [Int], within: Int?) -> [Int]? {
        guard let first = lists.first else { return nil }
        for start in first {
            var chain = [start]
            var previous = start
            for list in lists.dropFirst() {
                guard let next = list.first(where: { $0 > previous }) else { return nil }
                chain.append(next)
                previous = next
            }
            if let within, turns[previous] - turns[start] > within { continue }
            return chain
        }
        return nil
    }

    static func sortedUnique(_ a: [Int]) -> [Int] {
        if a.count < 2 { return a }
        let s = a.sorted()
        var out: [Int] = [s[0]]
        for x in s.dropFirst() where x != out.last! { out.append(x) }
        return out
    }

    /// Indices in `from...to` that `leaf` hits (modifiers applied, `count` not).
    func hits(_ leaf: Leaf, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> [Int] {
        guard lower <= upper else { return [] }
        var result: [Int] = []
        for i in lower...upper where try hit(leaf, at: i) { result.append(i) }
        return result
    }

    /// Whether `leaf` hits event `i`, matched once per conversation and then remembered.
    @inline(__always)
    private func hit(_ leaf: Leaf, at i: Int) throws(LocatedMatchLimit) -> Bool {
        let slot = leaf.id * eventCount + i
        switch memo[slot] {
        case 1: return true
        case 2: return false
        default:
            let hit: Bool
            do {
                hit = try isHit(leaf, at: i)
            } catch {
                throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: i)
            }
            memo[slot] = hit ? 1 : 2
            return hit
        }
    }

    private func isHit(_ leaf: Leaf, at i: Int) throws(MatchLimitError) -> Bool {
        // Read the event in place: copying an Event would retain each of its fields.
        let result: Result<Bool, MatchLimitError> = conversation.events.withUnsafeBufferPointer { events in
            do throws(MatchLimitError) { return .success(try isHit(leaf, events, at: i)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func isHit(_ leaf: Leaf, _ events: UnsafeBufferPointer<Event>, at i: Int) throws(MatchLimitError) -> Bool {
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
            return try p.matches(events[i].text!, using: scratch)
        case let .intent(name):
            return events[i].intents.contains { $0.isExactly(name) }
        case let .function(name, args, result, failed):
            guard events[i].name!.isExactly(name) else { return false }
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
            guard events[i].name!.isExactly(name) else { return false }
            if let value { return try value.matches(events[i].value, using: scratch) }
            return true
        case let .handoff(pattern):
            guard let pattern else { return true }
            return try pattern.matches(events[i].destination ?? "", using: scratch)
        }
    }
}

/// A match limit hit, with the event it happened on.
struct LocatedMatchLimit: Error {
    let pattern: String
    let message: String
    let event: Int

    var eventDescription: String { "event \(event)" }
}
