/// Scores conversations against a rule set (SPEC §4, §5). One evaluator per thread: it owns the
/// PCRE2 scratch space and per-conversation caches it reuses from one conversation to the next.
public final class Evaluator {
    public let rules: RuleSet
    private let scratch: MatchScratch
    /// Whether each metric reads flow state (a `flow` leaf or `in_flow`).
    private let metricUsesFlows: [Bool]

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
    }

    /// Scores one conversation against every metric, in rule order.
    public func evaluate(_ conversation: Conversation) -> ConversationResult {
        load(conversation)
        let replay = self.replay!
        var results: [MetricResult] = []
        results.reserveCapacity(rules.metrics.count)
        for (m, metric) in rules.metrics.enumerated() {
            if metricUsesFlows[m], let failure = replay.failure {
                results.append(MetricResult(status: .error, error: failure))
                continue
            }
            results.append(evaluate(metric))
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

    func evaluate(_ metric: Metric) -> MetricResult {
        if let from = metric.activeFrom, let started = conversation.startedAt, from > started {
            return MetricResult(status: .inactive)
        }
        var trigger: Int?
        do {
            let k: Int
            if let applies = metric.appliesWhen {
                var found: Int?
                for end in 0..<eventCount where try holds(applies, from: 0, to: end).holds {
                    found = end
                    break
                }
                guard let found else { return MetricResult(status: .notApplicable) }
                k = found
            } else {
                k = 0
            }
            trigger = k
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
            return MetricResult(status: .error, triggeredAt: trigger,
                                error: "pattern '\(error.pattern)' stopped on \(error.eventDescription): \(error.message)")
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
        let base = leaf.id * eventCount
        for i in lower...upper {
            switch memo[base + i] {
            case 1: result.append(i)
            case 2: break
            default:
                let hit: Bool
                do {
                    hit = try isHit(leaf, at: i)
                } catch {
                    throw LocatedMatchLimit(pattern: error.pattern, message: error.message, event: i)
                }
                memo[base + i] = hit ? 1 : 2
                if hit { result.append(i) }
            }
        }
        return result
    }

    private func isHit(_ leaf: Leaf, at i: Int) throws(MatchLimitError) -> Bool {
        let e = conversation.events[i]
        // Cheap tests first: the kind of event, then the modifiers, then patterns and matchers.
        switch leaf.kind {
        case .user, .intent: if e.kind != .user { return false }
        case .agent: if e.kind != .agent { return false }
        case .said: if !e.isSpoken { return false }
        case .function: if e.kind != .function { return false }
        case .metric: if e.kind != .metric { return false }
        case .state: if e.kind != .state { return false }
        case .handoff: if e.kind != .handoff { return false }
        case .flow: break
        }
        if let flow = leaf.inFlow {
            guard let current = replay?.currentFlow[i], current.utf8.elementsEqual(flow.utf8) else { return false }
        }
        if let t = leaf.turns {
            let turn = Double(conversation.turns[i])
            if turn < t.lower { return false }
            if let upper = t.upper, turn > upper { return false }
        }
        if let s = leaf.seconds {
            guard let at = e.at, at >= s.lower else { return false }
            if let upper = s.upper, at > upper { return false }
        }
        switch leaf.kind {
        case let .user(p), let .agent(p), let .said(p):
            return try p.matches(e.text!, using: scratch)
        case let .intent(name):
            return e.intents.contains { $0.utf8.elementsEqual(name.utf8) }
        case let .function(name, args, result, failed):
            guard e.name!.utf8.elementsEqual(name.utf8) else { return false }
            if let failed, (e.error != nil) != failed { return false }
            if let args, try !args.matches(e.args, using: scratch) { return false }
            if let result, try !result.matches(e.result, using: scratch) { return false }
            return true
        case let .flow(name, step):
            guard let entries = replay?.entriesAt[i] else { return false }
            return entries.contains { entry in
                guard entry.flow.utf8.elementsEqual(name.utf8) else { return false }
                guard let step else { return true }
                return !entry.derived && (entry.step.map { $0.utf8.elementsEqual(step.utf8) } ?? false)
            }
        case let .metric(name, value), let .state(name, value):
            guard e.name!.utf8.elementsEqual(name.utf8) else { return false }
            if let value { return try value.matches(e.value, using: scratch) }
            return true
        case let .handoff(pattern):
            guard let pattern else { return true }
            return try pattern.matches(e.destination ?? "", using: scratch)
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
