/// Fixtures read into memory, for the checks that need the conversations themselves or run
/// them more than once: coverage, agreement and mutation testing. (`verdict test` alone
/// streams its fixtures through the `Scorer` instead.)
public struct FixtureSet: Sendable {
    public struct Fixture: Sendable {
        /// `file`, `file:line` or `file:N`, as `verdict test` names it.
        public var source: String
        public var conversation: Conversation
        /// `expect`, `todo` and `equivalent_mutants`, when it carries any.
        public var annotations: JSONObject?
    }

    /// One expectation from an `expect` (never a `todo`) that names a metric of the rules and
    /// a value that can be compared.
    public struct Expected: Sendable {
        public var fixture: Int
        public var metric: Int
        public var value: JSONValue
        /// The value as written (`true`, a label, a status, a number).
        public var text: String
    }

    public var fixtures: [Fixture] = []
    /// Records that could not be read, as the scorer hands them on, each with the number of
    /// fixtures read before it.
    public var unreadable: [(position: Int, item: ScoredConversation)] = []

    public init() {}

    /// Reads every record of `source`, in order.
    public static func read(_ source: some RecordSource) -> FixtureSet {
        var set = FixtureSet()
        while let raw = source.next()?.resolved() {
            switch raw.decoded() {
            case nil:
                if case let .unreadable(message) = raw.payload {
                    set.unreadable.append((set.fixtures.count, ScoredConversation(source: raw.source, result: .failure(UnreadableConversation(id: nil, message: message)))))
                }
            case let .failure(problem)?:
                set.unreadable.append((set.fixtures.count, ScoredConversation(source: raw.source, result: .failure(problem))))
            case let .success((conversation, object))?:
                set.fixtures.append(Fixture(source: raw.source, conversation: conversation,
                                            annotations: ConversationDecoder.annotations(of: object)))
            }
        }
        return set
    }

    /// Every comparable expectation for a metric of `rules`, fixture by fixture in the order of
    /// the fixture's `expect`. (`verdict test` reports the others.)
    public func expectations(for rules: RuleSet) -> [Expected] {
        var index: [ExactKey: Int] = [:]
        for (m, metric) in rules.metrics.enumerated() { index[ExactKey(metric.name)] = m }
        var out: [Expected] = []
        for (f, fixture) in fixtures.enumerated() {
            for group in Expectation.groups(fixture.annotations) where !group.isTodo {
                guard case let .success(entries) = group.entries else { continue }
                for (name, value) in entries {
                    guard let m = index[ExactKey(name)], let text = Expectation.text(of: value) else { continue }
                    out.append(Expected(fixture: f, metric: m, value: value, text: text))
                }
            }
        }
        return out
    }

    /// Scores every fixture under `rules` (one result per fixture, in order) and hands each,
    /// with the unreadable records, to `check` as the scorer would.
    public func score(_ rules: RuleSet, limits: EvaluationLimits = EvaluationLimits(),
                      into check: inout FixtureCheck) -> [ConversationResult] {
        let evaluator = Evaluator(rules: rules, limits: limits)
        var results: [ConversationResult] = []
        var next = unreadable[...]
        for (f, fixture) in fixtures.enumerated() {
            while let first = next.first, first.position == f { check.write(first.item); next = next.dropFirst() }
            let result = evaluator.evaluate(fixture.conversation)
            results.append(result)
            check.write(ScoredConversation(source: fixture.source, result: .success(result), annotations: fixture.annotations))
        }
        for (_, item) in next { check.write(item) }
        return results
    }
}
