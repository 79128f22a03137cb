/// `verdict test --coverage`: which parts of each metric the fixtures exercise. Only what a
/// fixture's `expect` checks counts (a `todo`, or a metric the fixture does not name, tests
/// nothing). Measured per metric:
/// - the outcomes reached: `true` and `false`, each label and `otherwise` (or `unmatched`
///   without one), a value and `unmatched` for numbers, `not_applicable` when the metric has
///   `applies_when`, `inactive` when it has `active_from`;
/// - each item of an `all` seen failing while every other item holds (the item alone decides);
/// - each branch of an `any` and each step of a `sequence` seen holding;
/// - each leaf seen hitting at least one event;
/// - each phrase of a phrase leaf's lists seen occurring at one of its hits.
/// Conditions are looked at where evaluation looks at them: `applies_when` over the events up
/// to the trigger, the body over the window, and a categorical metric's labels up to the one
/// chosen.
public struct RuleCoverage: Sendable {
    public struct Item: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case outcome
            case allItem = "all_item"
            case anyBranch = "any_branch"
            case sequenceStep = "sequence_step"
            case leaf
            case phrase
        }

        public var kind: Kind
        public var location: SourceLocation
        /// What must be seen, in words.
        public var description: String
        public var covered: Bool
    }

    public struct MetricCoverage: Sendable {
        public var metric: String
        /// How many fixtures expect a value for it.
        public var expectations: Int
        /// Outcomes seen, as the output writes them (a number metric's value as "a value"), in
        /// the order of `items`, then any others (such as `error`).
        public var reached: [String]
        public var items: [Item]

        public var covered: Int { items.filter(\.covered).count }
    }

    public var metrics: [MetricCoverage]
    /// Fixtures read, and those that expect anything.
    public var fixtures: Int

    public var covered: Int { metrics.reduce(0) { $0 + $1.covered } }
    public var total: Int { metrics.reduce(0) { $0 + $1.items.count } }
    /// From 0 to 1; 1 when there is nothing to cover.
    public var ratio: Double { total == 0 ? 1 : Double(covered) / Double(total) }

    /// Measures how well `fixtures` cover `rules`.
    public static func measure(_ fixtures: FixtureSet, rules: RuleSet) -> RuleCoverage {
        let expectations = fixtures.expectations(for: rules)
        var accumulators = rules.metrics.map { MetricAccumulator(metric: $0) }
        var byFixture: [Int: [Int]] = [:]
        for e in expectations { byFixture[e.fixture, default: []].append(e.metric) }
        let evaluator = Evaluator(rules: rules)
        for f in byFixture.keys.sorted() {
            let metrics = Array(Set(byFixture[f]!)).sorted()
            let explanation = Explanation.build(fixtures.fixtures[f].conversation, evaluator: evaluator,
                                                only: metrics.map { rules.metrics[$0].name })
            for explained in explanation.metrics {
                guard let m = metrics.first(where: { rules.metrics[$0].name.isExactly(explained.name) }) else { continue }
                accumulators[m].add(explained, conversation: fixtures.fixtures[f].conversation)
            }
        }
        return RuleCoverage(metrics: accumulators.map { $0.finish() }, fixtures: fixtures.fixtures.count)
    }
}

/// What the fixtures showed of one metric so far.
private struct MetricAccumulator {
    let metric: Metric
    let layout: ConditionLayout
    var expectations = 0
    var outcomes: [String] = []
    var leafHit: [Bool]
    var seenAlone: [Bool]
    var seenHolding: [Bool]
    /// Per slot of a phrase leaf, whether each of its phrases occurred at one of its hits.
    var phraseHit: [Int: [Bool]] = [:]
    /// The conversation being added, and each phrase's own pattern.
    private var conversation: Conversation?
    private var phrasePatterns: [String: Pattern] = [:]
    private let scratch = MatchScratch()

    init(metric: Metric) {
        self.metric = metric
        layout = ConditionLayout(metric)
        leafHit = Array(repeating: false, count: layout.slots.count)
        seenAlone = leafHit
        seenHolding = leafHit
        for (s, slot) in layout.slots.enumerated() {
            if let phrases = slot.phrases { phraseHit[s] = Array(repeating: false, count: phrases.phrases.count) }
        }
    }

    /// The outcome as coverage names it: the value (a number metric's as "a value") or the status.
    static func outcome(_ r: MetricResult) -> String {
        if r.status == .ok, let value = r.value {
            if case .number = value { return "a value" }
            return value.description
        }
        return r.status.rawValue
    }

    mutating func add(_ explained: Explanation.Metric, conversation: Conversation) {
        self.conversation = conversation
        expectations += 1
        let outcome = Self.outcome(explained.result)
        if !outcomes.contains(outcome) { outcomes.append(outcome) }
        let status = explained.result.status
        guard status != .inactive, status != .error else { return }
        var r = 0
        if metric.appliesWhen != nil, let trigger = explained.trigger {
            var p = layout.roots[0].first
            visit(trigger, &p)
            r = 1
        }
        guard explained.window != nil || explained.result.triggeredAt != nil else { return }
        var nodes = explained.body
        if case .number = metric.body { nodes = explained.body.first?.children ?? [] }
        if case .categorical = metric.body, status == .ok, case let .label(chosen)? = explained.result.value,
           case let .categorical(labels, _) = metric.body, let j = labels.firstIndex(where: { $0.label.isExactly(chosen) }) {
            // Labels after the chosen one are never looked at.
            nodes = Array(nodes.prefix(j + 1))
        }
        for node in nodes where r < layout.roots.count {
            var p = layout.roots[r].first
            visit(node, &p)
            r += 1
        }
    }

    private mutating func visit(_ node: Explanation.Node, _ p: inout Int) {
        let here = p
        p += 1
        if layout.slots[here].isLeaf {
            if !node.hits.isEmpty { leafHit[here] = true }
            if let phrases = layout.slots[here].phrases { notePhrases(phrases, at: node.hits, slot: here) }
            // A sequence node lists its steps as children; a leaf has none.
            return
        }
        var positions: [Int] = []
        for child in node.children {
            positions.append(p)
            visit(child, &p)
        }
        let holding = node.children.map(\.holds)
        for (i, position) in positions.enumerated() {
            switch layout.slots[position].role {
            case .allItem:
                if !holding[i] && holding.enumerated().allSatisfy({ $0.offset == i || $0.element }) { seenAlone[position] = true }
            case .anyItem, .sequenceStep:
                if holding[i] { seenHolding[position] = true }
            case .root, .negated:
                break
            }
        }
    }

    /// Marks the phrases of `phrases` that occur in the texts of `hits`.
    private mutating func notePhrases(_ phrases: PhraseReference, at hits: [Int], slot: Int) {
        guard let events = conversation?.events, var seen = phraseHit[slot] else { return }
        for (p, (_, phrase)) in phrases.phrases.enumerated() where !seen[p] {
            let source = phrase.patternSource
            if phrasePatterns[source] == nil { phrasePatterns[source] = try? Pattern(alternatives: [source]) }
            guard let pattern = phrasePatterns[source] else { continue }
            seen[p] = hits.contains { i in
                guard i < events.count, let text = events[i].text else { return false }
                return (try? pattern.matches(text, using: scratch)) == true
            }
        }
        phraseHit[slot] = seen
    }

    func finish() -> RuleCoverage.MetricCoverage {
        typealias Item = RuleCoverage.Item
        var items: [Item] = []
        var possible: [(String, SourceLocation)] = []
        switch metric.body {
        case .boolean:
            possible = [("true", metric.location), ("false", metric.location)]
        case let .categorical(labels, otherwise):
            for (i, label) in labels.enumerated() {
                let at = i < metric.locations.labels.count ? metric.locations.labels[i] : metric.location
                possible.append((label.label, at))
            }
            if let otherwise {
                possible.append((otherwise, metric.locations.otherwise ?? metric.location))
            } else {
                possible.append(("unmatched", metric.location))
            }
        case let .number(expression, _):
            possible = [("a value", metric.location)]
            // A count always has a value (0 when nothing hits).
            if case .hits = expression {} else { possible.append(("unmatched", metric.location)) }
        }
        if metric.appliesWhen != nil { possible.append(("not_applicable", metric.locations.appliesWhen ?? metric.location)) }
        if metric.activeFrom != nil { possible.append(("inactive", metric.location)) }
        var seen: Set<String> = []
        for (name, at) in possible where seen.insert(name).inserted {
            items.append(Item(kind: .outcome, location: at, description: "outcome '\(name)'",
                              covered: outcomes.contains { $0.isExactly(name) }))
        }
        for (s, slot) in layout.slots.enumerated() {
            let part = "in \(slot.part)"
            switch slot.role {
            case let .allItem(i):
                items.append(Item(kind: .allItem, location: slot.location,
                                  description: "'all' item \(i + 1) \(part) failing alone: \(slot.summary)", covered: seenAlone[s]))
            case let .anyItem(i):
                items.append(Item(kind: .anyBranch, location: slot.location,
                                  description: "'any' branch \(i + 1) \(part) holding: \(slot.summary)", covered: seenHolding[s]))
            case let .sequenceStep(i):
                items.append(Item(kind: .sequenceStep, location: slot.location,
                                  description: "'sequence' step \(i + 1) \(part) holding: \(slot.summary)", covered: seenHolding[s]))
            case .root, .negated:
                break
            }
            if slot.isLeaf {
                items.append(Item(kind: .leaf, location: slot.location, description: "leaf \(part) hitting: \(slot.summary)",
                                  covered: leafHit[s]))
            }
            if let phrases = slot.phrases, let seen = phraseHit[s] {
                for (p, (list, phrase)) in phrases.phrases.enumerated() {
                    items.append(Item(kind: .phrase, location: phrase.location, description: "phrase '\(phrase.text)' of \(list) \(part) occurring",
                                      covered: seen[p]))
                }
            }
        }
        let ordered = possible.map(\.0).filter { name in outcomes.contains { $0.isExactly(name) } }
        let others = outcomes.filter { name in !possible.contains { $0.0.isExactly(name) } }.sorted()
        return RuleCoverage.MetricCoverage(metric: metric.name, expectations: expectations, reached: ordered + others, items: items)
    }
}
