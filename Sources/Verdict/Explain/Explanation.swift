import Foundation

/// The evaluation of one conversation made visible (`verdict explain`, the review page's "why"
/// trees, `test --coverage`): the timeline with the current flow at every event, then for each
/// metric its trigger, its window and its condition tree with every node's hits and truth. It
/// is built from what the evaluator reports of its one walk (`ExplanationRecorder`), so it
/// cannot disagree with the score.
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
        /// The same in words, as reports say it ("the agent said a phrase of confirmation");
        /// `label` keeps the rule as written.
        public var words: String = ""
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

    /// The same with an evaluator that is reused from one conversation to the next: the
    /// conversation is evaluated once, with a recorder listening to the walk.
    static func build(_ conversation: Conversation, evaluator: Evaluator, only: [String] = []) -> Explanation {
        let recorder = ExplanationRecorder(rules: evaluator.rules, only: only, conversation: conversation)
        _ = evaluator.evaluate(conversation, observer: recorder)
        let flows = evaluator.flows
        var events: [Event] = []
        for (i, e) in conversation.events.enumerated() {
            events.append(Event(index: i, turn: conversation.turns[i], at: e.at, kind: Explanation.kindName(e), text: Explanation.describe(e),
                                flow: flows.currentFlow[i], entries: flows.entriesAt[i]))
        }
        return Explanation(id: conversation.id, events: events, metrics: recorder.metrics, flowProblem: flows.failure)
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

/// Builds an `Explanation`'s metrics from what the evaluator reports of its walk: the shape
/// of each tree and every node's verdict and hits come from the walk; the words come from the
/// rules, walked alongside.
final class ExplanationRecorder: EvaluationObserver {
    let rules: RuleSet
    private let watched: [Bool]
    private(set) var metrics: [Explanation.Metric] = []
    /// The metric being reported.
    private var current: Metric?

    /// The metric being reported, its trees so far, and the tree being built: one list of
    /// finished children per open combinator.
    private var trigger: Explanation.Node?
    private var body: [Explanation.Node] = []
    private var window: ClosedRange<Int>?
    private var problem: String?
    private var part: ObservedPart?
    private var open: [[Explanation.Node]] = []
    private var finishedTree: Explanation.Node?

    /// The conversation explained: what phrase leaves, metadata conditions and end-relative
    /// turns are told in terms of.
    let conversation: Conversation
    private let scratch = MatchScratch()
    private var phrasePatterns: [String: Pattern] = [:]

    init(rules: RuleSet, only: [String], conversation: Conversation) {
        self.rules = rules
        self.conversation = conversation
        watched = rules.metrics.map { metric in only.isEmpty || only.contains { $0.isExactly(metric.name) } }
    }

    func begin(metric m: Int) -> Bool {
        current = rules.metrics[m]
        return watched[m]
    }

    func beginTree(_ part: ObservedPart) {
        self.part = part
        open = []
        finishedTree = nil
    }

    func enter() { open.append([]) }

    func leaf(holds: Bool, hits: ArraySlice<Int>) {
        add(Explanation.Node(label: "", holds: holds, hits: Array(hits), children: []))
    }

    func leave(holds: Bool, hits: ArraySlice<Int>) {
        guard let children = open.popLast() else { return }
        add(Explanation.Node(label: "", holds: holds, hits: Array(hits), children: children))
    }

    private func add(_ node: Explanation.Node) {
        if open.isEmpty { finishedTree = node } else { open[open.count - 1].append(node) }
    }

    /// Keeps the tree just reported, labelled, unless the walk stopped inside it.
    func endTree() {
        defer { part = nil }
        guard let part, open.isEmpty, let tree = finishedTree else { return }
        switch part {
        case .appliesWhen:
            if let condition = current?.appliesWhen { trigger = labelled(tree, condition) }
        case .when:
            if case let .boolean(when)? = current?.body { body.append(labelled(tree, when)) }
        case let .label(j):
            if case let .categorical(labels, _)? = current?.body, j < labels.count {
                var node = labelled(tree, labels[j].when)
                node.label = "label '\(labels[j].label)': " + node.label
                node.words = "label '\(labels[j].label)': " + node.words
                body.append(node)
            }
        case .value:
            if case let .number(expression, _)? = current?.body {
                var node = tree
                for (c, leaf) in expression.leaves.enumerated() where c < node.children.count { node.children[c].label = label(leaf, hits: node.children[c].hits) }
                // Labelled once the value is known (`finished`).
                body.append(node)
            }
        }
    }

    func window(_ lower: Int, _ upper: Int) {
        window = lower <= upper ? lower...upper : nil
    }

    func problem(_ message: String) { problem = message }

    func finished(metric m: Int, _ result: MetricResult) {
        let metric = rules.metrics[m]
        if case let .number(expression, unit) = metric.body, !body.isEmpty {
            let unitText = unit.map { " \($0)" } ?? ""
            if body[0].holds, case let .number(value)? = result.value {
                body[0].label = "\(expression.summary) = \(JSONNumber.text(value))\(unitText)"
            } else {
                body[0].label = "\(expression.summary): no value (\(expression.missingReason))"
            }
        }
        metrics.append(Explanation.Metric(name: metric.name, result: result, trigger: trigger, window: window, body: body,
                                          problem: result.error ?? problem))
        trigger = nil
        body = []
        window = nil
        problem = nil
        part = nil
        open = []
        finishedTree = nil
        current = nil
    }

    /// `tree` with the words of `condition`, which has its shape.
    func labelled(_ tree: Explanation.Node, _ condition: Condition) -> Explanation.Node {
        var node = tree
        switch condition {
        case let .leaf(leaf):
            node.label = label(leaf, hits: node.hits)
            node.words = leaf.words + node.label.dropFirst(leaf.summary.count)
        case let .all(parts), let .any(parts):
            if case .all = condition { node.label = "all of" } else { node.label = "any of" }
            node.words = node.label == "all of" ? "all of these" : "one of these"
            for (c, part) in parts.enumerated() where c < node.children.count { node.children[c] = labelled(node.children[c], part) }
        case let .not(inner):
            node.label = "not"
            node.words = "not this"
            if !node.children.isEmpty { node.children[0] = labelled(node.children[0], inner) }
        case let .metadata(matcher):
            node.label = condition.summary + " (" + seen(matcher) + ")"
            node.words = condition.words + " (" + seen(matcher) + ")"
        case let .sequence(leaves, within):
            node.label = within.map { "sequence within \($0) turns" } ?? "sequence"
            node.words = within.map { "in this order, within \($0) turn\($0 == 1 ? "" : "s")" } ?? "in this order"
            for (c, leaf) in leaves.enumerated() where c < node.children.count {
                node.children[c].label = label(leaf, hits: node.children[c].hits)
                node.children[c].words = leaf.words + node.children[c].label.dropFirst(leaf.summary.count)
            }
        }
        return node
    }

    /// A leaf's summary, with what this conversation makes of it: turns counted from the end as
    /// the turn numbers they stand for here, and for a phrase leaf the phrase found at each hit
    /// (the first of its lists, in order, that occurs there) and the list it came from.
    func label(_ leaf: Leaf, hits: [Int]) -> String {
        var text = leaf.summary
        if let t = leaf.turns, t.lower < 0 || (t.upper ?? 0) < 0 {
            let total = conversation.spokenTurns
            let lower = Leaf.turn(t.lower, of: total), upper = t.upper.map { Leaf.turn($0, of: total) }
            let span = upper.map { "turns \(JSONNumber.text(lower))–\(JSONNumber.text($0))" } ?? "turn \(JSONNumber.text(lower)) on"
            text += " (here: \(span), of \(total) turns)"
        }
        if let phrases = leaf.phrases, !hits.isEmpty {
            let shown = hits.prefix(5).map { i -> String in
                guard let found = phrase(of: phrases, at: i) else { return "at \(i)" }
                return "“\(found.phrase.text)” (\(found.list)) at \(i)"
            }
            text += ": " + shown.joined(separator: ", ") + (hits.count > 5 ? ", …" : "")
        }
        return text
    }

    /// The first phrase of `reference` that occurs in event `i`'s text.
    private func phrase(of reference: PhraseReference, at i: Int) -> (list: String, phrase: Phrase)? {
        guard i < conversation.events.count, let text = conversation.events[i].text else { return nil }
        for (list, phrase) in reference.phrases {
            let source = phrase.patternSource
            if phrasePatterns[source] == nil { phrasePatterns[source] = try? Pattern(alternatives: [source]) }
            if let pattern = phrasePatterns[source], (try? pattern.matches(text, using: scratch)) == true { return (list, phrase) }
        }
        return nil
    }

    /// What a metadata condition saw: each path's value in this conversation, or that it is missing.
    private func seen(_ matcher: Matcher) -> String {
        guard case let .paths(entries) = matcher else { return "" }
        let metadata: JSONValue? = conversation.metadata == .null ? nil : conversation.metadata
        return entries.map { entry in
            let path = entry.path.joined(separator: ".")
            guard let value = Matcher.resolve(entry.path, in: metadata) else { return "\(path) is missing" }
            return "\(path) is " + Matcher.equals(value).summary
        }.joined(separator: "; ")
    }
}
