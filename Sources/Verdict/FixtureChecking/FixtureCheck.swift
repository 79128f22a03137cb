/// `verdict test`: compares each fixture's `"expect": {"Metric": value}` with what the rules
/// give, prints every mismatch, and keeps one test case per fixture and metric for JUnit.
/// `"todo": {"Metric": value}` records a known gap: the value the metric should get once the
/// rules handle the case. A todo is reported but neither passes nor fails.
public struct FixtureCheck: ResultSink {
    public struct TestCase: Sendable, Equatable {
        /// The fixture's source (`file`, `file:line` or `file:N`).
        public var source: String
        public var id: String?
        /// The metric, or nil when the fixture itself could not be checked.
        public var metric: String?
        /// Why the case failed (for a todo: how far the rules are from it); nil when it holds.
        public var failure: String?
        /// A known gap from `todo`, not an expectation.
        public var isTodo = false
    }

    private let rules: RuleSet
    /// Where mismatches and the summary go; nil keeps them quiet (the counts remain).
    private let report: ByteOutput?
    public private(set) var cases: [TestCase] = []
    /// Fixtures that carried neither `expect` nor `todo`.
    public private(set) var withoutExpectations: [String] = []

    public init(rules: RuleSet, report: ByteOutput?) {
        self.rules = rules
        self.report = report
    }

    /// How a fixture that cannot be read is told, by `verdict test` and `verdict mutate`.
    public static func unreadable(_ problem: UnreadableConversation) -> String { "cannot read fixture: \(problem.message)" }

    public var passed: Int { cases.filter { !$0.isTodo && $0.failure == nil }.count }
    public var failed: Int { cases.filter { !$0.isTodo && $0.failure != nil }.count }
    public var todos: Int { cases.filter(\.isTodo).count }

    public mutating func write(_ item: ScoredConversation) {
        switch item.result {
        case let .failure(unreadable):
            record(TestCase(source: item.source, id: unreadable.id, metric: nil, failure: FixtureCheck.unreadable(unreadable)))
        case let .success(result):
            let groups = Expectation.groups(item.annotations)
            if groups.isEmpty { withoutExpectations.append(item.source) }
            for group in groups {
                switch group.entries {
                case let .failure(problem):
                    record(TestCase(source: item.source, id: result.id, metric: nil, failure: problem.message))
                case let .success(entries):
                    for (name, expected) in entries {
                        var testCase = TestCase(source: item.source, id: result.id, metric: name, isTodo: group.isTodo)
                        testCase.failure = mismatch(name: name, expected: expected, result: result)
                        record(testCase)
                    }
                }
            }
        }
    }

    /// Why `expected` does not hold for metric `name`, or nil when it does.
    private func mismatch(name: String, expected: JSONValue, result: ConversationResult) -> String? {
        guard let m = rules.metrics.firstIndex(where: { $0.name.isExactly(name) }) else {
            let hint = Suggestion.closest(to: name, in: rules.metrics.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
            return "expects metric '\(name)', which no rule file defines\(hint)"
        }
        let actual = result.metrics[m]
        guard let wanted = Expectation.text(of: expected) else {
            return "expected value for '\(name)' must be true, false, a number, a label or a status name"
        }
        if Expectation.holds(expected, actual) { return nil }
        if case .string = expected, actual.status == .ok, case let .bool(b)? = actual.value, wanted == (b ? "true" : "false") {
            return "expected the string \"\(wanted)\", got the boolean \(wanted); write \(wanted) without quotes"
        }
        var detail = "expected \(wanted), got \(actual.display)"
        if actual.status == .ok { detail += " (status ok)" }
        detail += "; triggered at " + (actual.triggeredAt.map(String.init) ?? "-")
        detail += ", evidence [" + actual.evidence.map(String.init).joined(separator: ", ") + "]"
        if let e = actual.error { detail += ", error: \(e)" }
        return detail
    }

    private mutating func record(_ testCase: TestCase) {
        cases.append(testCase)
        let label: String
        if testCase.isTodo {
            label = testCase.failure == nil ? "TODO PASSES" : "TODO"
        } else {
            guard testCase.failure != nil else { return }
            label = "FAIL"
        }
        var line = "\(label) \(testCase.source)"
        if let id = testCase.id { line += " id '\(id)'" }
        if let metric = testCase.metric { line += " metric '\(metric)'" }
        line += ": " + (testCase.failure ?? "now holds; move it from todo to expect") + "\n"
        report?.write(TerminalText.escape(line))
    }

    public mutating func finish() throws {
        if todos > 0 { report?.write("\(todos) todo\n") }
        report?.write("\(passed) passed, \(failed) failed\n")
        try report?.flush()
    }

    /// JUnit XML with one test case per fixture and metric; todos are reported as skipped.
    public func junit() -> String {
        let escape = Markup.escape
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let counts = "tests=\"\(cases.count)\" failures=\"\(failed)\" skipped=\"\(todos)\""
        xml += "<testsuites \(counts)>\n"
        xml += "  <testsuite name=\"verdict test\" \(counts)>\n"
        for c in cases {
            let name = [c.id, c.metric].compactMap { $0 }.joined(separator: " / ")
            xml += "    <testcase classname=\"\(escape(c.source))\" name=\"\(escape(name.isEmpty ? c.source : name))\""
            if c.isTodo {
                xml += ">\n      <skipped message=\"todo: \(escape(c.failure ?? "now holds"))\"/>\n    </testcase>\n"
            } else if let failure = c.failure {
                xml += ">\n      <failure message=\"\(escape(failure))\"/>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
