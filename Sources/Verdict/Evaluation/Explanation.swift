import Foundation

/// The replay of one conversation made visible (`verdict explain`): the timeline with the
/// current flow at every event, then for each metric its trigger, its window and its
/// condition tree with every node's hits and truth.
public struct Explanation: Sendable {
    public struct Event: Sendable {
        public var index: Int
        public var turn: Int
        public var at: Double?
        public var kind: String
        /// What happened, in a few words ("user: I'd like to book").
        public var text: String
        /// The current flow after this event.
        public var flow: String?
        /// Flows entered at this event; derived ones come from `enter_when`.
        public var entries: [FlowEntry]
    }

    /// A node of a condition: its description, whether it holds, the hits that decide it.
    public struct Node: Sendable {
        public var label: String
        public var holds: Bool
        /// A leaf's hits in the window; a sequence's chain; a combinator's evidence.
        public var hits: [Int]
        public var children: [Node]
    }

    public struct Metric: Sendable {
        public var name: String
        public var result: MetricResult
        /// `applies_when` evaluated over events 0...trigger (or the whole conversation when it
        /// never held).
        public var trigger: Node?
        public var window: ClosedRange<Int>?
        /// Boolean: the `when`. Categorical: one node per label, in order.
        public var body: [Node]
        public var problem: String?
    }

    public var id: String
    public var events: [Event]
    public var metrics: [Metric]
    public var flowProblem: String?

    /// Explains `conversation` under `rules`, for the metrics named in `only` (all when empty).
    public static func build(_ conversation: Conversation, rules: RuleSet, only: [String] = []) -> Explanation {
        build(conversation, evaluator: Evaluator(rules: rules), only: only)
    }

    /// The same with an evaluator that is reused from one conversation to the next.
    static func build(_ conversation: Conversation, evaluator: Evaluator, only: [String] = []) -> Explanation {
        let rules = evaluator.rules
        let result = evaluator.evaluate(conversation)
        evaluator.load(conversation)
        let replay = evaluator.flowReplay
        var events: [Event] = []
        for (i, e) in conversation.events.enumerated() {
            events.append(Event(index: i, turn: conversation.turns[i], at: e.at, kind: Explanation.kindName(e), text: Explanation.describe(e),
                                flow: replay.currentFlow[i], entries: replay.entriesAt[i]))
        }
        var metrics: [Metric] = []
        for (m, metric) in rules.metrics.enumerated() where only.isEmpty || only.contains(where: { $0.isExactly(metric.name) }) {
            let r = result.metrics[m]
            var out = Metric(name: metric.name, result: r, trigger: nil, window: nil, body: [], problem: r.error)
            let last = conversation.events.count - 1
            do throws(LocatedMatchLimit) {
                if let applies = metric.appliesWhen {
                    out.trigger = try node(applies, evaluator, from: 0, to: r.triggeredAt ?? last, turns: conversation.turns)
                }
                if let k = r.triggeredAt, r.status != .inactive {
                    let lower = metric.scope == .conversation ? 0 : k
                    if lower <= last { out.window = lower...last }
                    let upper = last
                    switch metric.body {
                    case let .boolean(when):
                        out.body = [try node(when, evaluator, from: lower, to: upper, turns: conversation.turns)]
                    case let .categorical(labels, _):
                        for label in labels {
                            var n = try node(label.when, evaluator, from: lower, to: upper, turns: conversation.turns)
                            n.label = "label '\(label.label)': " + n.label
                            out.body.append(n)
                        }
                    case let .number(expression, unit):
                        out.body = [try numberNode(expression, unit: unit, evaluator, from: lower, to: upper, turns: conversation.turns)]
                    }
                }
            } catch {
                out.problem = "pattern '\(error.pattern)' stopped on \(error.eventDescription): \(error.message)"
            }
            metrics.append(out)
        }
        return Explanation(id: conversation.id, events: events, metrics: metrics, flowProblem: replay.failure)
    }

    static func node(_ c: Condition, _ e: Evaluator, from lower: Int, to upper: Int, turns: [Int]) throws(LocatedMatchLimit) -> Node {
        switch c {
        case let .leaf(leaf):
            let hits = try e.hits(leaf, from: lower, to: upper)
            let holds = leaf.count.map { $0.holds(hits.count) } ?? !hits.isEmpty
            return Node(label: leaf.summary, holds: holds, hits: hits, children: [])
        case let .all(parts), let .any(parts):
            var children: [Node] = []
            for p in parts { children.append(try node(p, e, from: lower, to: upper, turns: turns)) }
            let isAll: Bool = { if case .all = c { return true } else { return false } }()
            let holds = isAll ? children.allSatisfy(\.holds) : children.contains(where: \.holds)
            let evidence = holds ? Array(Set(children.filter(\.holds).flatMap(\.hits))).sorted() : []
            return Node(label: isAll ? "all of" : "any of", holds: holds, hits: evidence, children: children)
        case let .not(inner):
            let child = try node(inner, e, from: lower, to: upper, turns: turns)
            return Node(label: "not", holds: !child.holds, hits: [], children: [child])
        case let .sequence(leaves, within):
            var children: [Node] = []
            for leaf in leaves { children.append(try node(.leaf(leaf), e, from: lower, to: upper, turns: turns)) }
            let chain = Evaluator.firstChain(children.map(\.hits), turns: turns, within: within)
            let label = within.map { "sequence within \($0) turns" } ?? "sequence"
            return Node(label: label, holds: chain != nil, hits: chain ?? [], children: children)
        }
    }

    /// A number metric's expression: its value (or why there is none) and the hits it chose,
    /// over its leaves and the hits each has in the window.
    static func numberNode(_ expression: ValueExpression, unit: String?, _ e: Evaluator, from lower: Int, to upper: Int,
                           turns: [Int]) throws(LocatedMatchLimit) -> Node {
        var children: [Node] = []
        for leaf in expression.leaves { children.append(try node(.leaf(leaf), e, from: lower, to: upper, turns: turns)) }
        let computed = try e.value(of: expression, from: lower, to: upper)
        let unitText = unit.map { " \($0)" } ?? ""
        let label: String
        if let (value, _) = computed, value.isFinite {
            label = "\(expression.summary) = \(JSONNumber.text(value))\(unitText)"
        } else {
            label = "\(expression.summary): no value (\(expression.missingReason))"
        }
        let holds = computed.map { $0.0.isFinite } ?? false
        return Node(label: label, holds: holds, hits: holds ? computed!.1 : [], children: children)
    }

    static func kindName(_ e: Verdict.Event) -> String {
        switch e.kind {
        case .user: return "user"
        case .agent: return "agent"
        case .flow: return "flow"
        case .function: return "function"
        case .metric: return "metric"
        case .state: return "state"
        case .handoff: return "handoff"
        case .end: return "end"
        case .other: return "other"
        }
    }

    static func describe(_ e: Verdict.Event) -> String {
        func json(_ v: JSONValue?) -> String {
            guard let v else { return "" }
            var w = JSONWriter()
            w.value(v)
            let s = String(decoding: w.bytes, as: UTF8.self)
            return s.count > 80 ? String(s.prefix(79)) + "…" : s
        }
        switch e.kind {
        case .user:
            return "\"\(e.text ?? "")\"" + (e.intents.isEmpty ? "" : "  intents: " + e.intents.joined(separator: ", "))
        case .agent: return "\"\(e.text ?? "")\""
        case .flow: return (e.name ?? "") + (e.step.map { " / \($0)" } ?? "")
        case .function:
            var s = (e.name ?? "") + "(" + (e.args.map { json($0) } ?? "") + ")"
            if let r = e.result { s += " → " + json(r) }
            if let err = e.error { s += " failed: \(err)" }
            return s
        case .metric, .state: return (e.name ?? "") + " = " + (e.value.map { json($0) } ?? "null")
        case .handoff: return [e.destination, e.reason].compactMap { $0 }.joined(separator: ", ")
        case .end: return e.reason ?? ""
        case .other: return ""
        }
    }
}
