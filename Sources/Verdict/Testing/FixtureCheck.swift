/// `verdict test`: compares each fixture's `"expect": {"Metric": value}` with what the rules
/// give, prints every mismatch, and keeps one test case per fixture and metric for JUnit.
public struct FixtureCheck: ResultSink {
    public struct TestCase: Sendable, Equatable {
        /// The fixture's source (`file`, `file:line` or `file:N`).
        public var source: String
        public var id: String?
        /// The metric, or nil when the fixture itself could not be checked.
        public var metric: String?
        /// nil when the case passed.
        public var failure: String?
    }

    private let rules: RuleSet
    private let report: ByteOutput
    public private(set) var cases: [TestCase] = []
    /// Fixtures that carried no `expect`.
    public private(set) var withoutExpectations: [String] = []

    public init(rules: RuleSet, report: ByteOutput) {
        self.rules = rules
        self.report = report
    }

    public var passed: Int { cases.filter { $0.failure == nil }.count }
    public var failed: Int { cases.count - passed }

    public mutating func write(_ item: ScoredConversation) {
        switch item.record {
        case let .unreadable(source, id, message):
            fail(TestCase(source: source, id: id, metric: nil, failure: "cannot read fixture: \(message)"))
        case let .scored(result):
            guard let expect = item.expect, expect != .null else {
                withoutExpectations.append(item.source)
                return
            }
            guard case let .object(expectations) = expect else {
                fail(TestCase(source: item.source, id: result.id, metric: nil,
                              failure: "`expect` must be an object from metric names to expected values"))
                return
            }
            for (name, expected) in expectations.pairs {
                check(name: name, expected: expected, result: result, source: item.source)
            }
        }
    }

    private mutating func check(name: String, expected: JSONValue, result: ConversationResult, source: String) {
        var testCase = TestCase(source: source, id: result.id, metric: name, failure: nil)
        guard let m = rules.metrics.firstIndex(where: { $0.name.isExactly(name) }) else {
            let names = rules.metrics.map(\.name)
            let hint = Suggestion.closest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            testCase.failure = "expects metric '\(name)', which no rule file defines\(hint)"
            fail(testCase)
            return
        }
        let actual = result.metrics[m]
        let matches: Bool
        let wanted: String
        switch expected {
        case let .bool(b):
            wanted = b ? "true" : "false"
            matches = actual.status == .ok && actual.value == .bool(b)
        case let .string(s):
            wanted = s
            let isStatus = MetricResult.Status(rawValue: s).map { $0 == actual.status } ?? false
            let isLabel = actual.status == .ok && actual.value == .label(s)
            matches = isStatus || isLabel
        default:
            testCase.failure = "expected value for '\(name)' must be true, false, a label or a status name"
            fail(testCase)
            return
        }
        if matches {
            cases.append(testCase)
            return
        }
        var got = actual.display
        if actual.status == .ok { got += " (status ok)" }
        var detail = "expected \(wanted), got \(got)"
        detail += "; triggered at " + (actual.triggeredAt.map(String.init) ?? "-")
        detail += ", evidence [" + actual.evidence.map(String.init).joined(separator: ", ") + "]"
        if let e = actual.error { detail += ", error: \(e)" }
        testCase.failure = detail
        fail(testCase)
    }

    private mutating func fail(_ testCase: TestCase) {
        cases.append(testCase)
        var line = "FAIL \(testCase.source)"
        if let id = testCase.id { line += " id '\(id)'" }
        if let metric = testCase.metric { line += " metric '\(metric)'" }
        line += ": \(testCase.failure ?? "")\n"
        report.write(line)
    }

    public mutating func finish() throws {
        report.write("\(passed) passed, \(failed) failed\n")
        try report.flush()
    }

    /// JUnit XML with one test case per fixture and metric.
    public func junit() -> String {
        func escape(_ s: String) -> String {
            var out = ""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
                default:
                    // XML 1.0 has no place for other control characters.
                    if scalar.value < 0x20 { out += "?" } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites tests=\"\(cases.count)\" failures=\"\(failed)\">\n"
        xml += "  <testsuite name=\"verdict test\" tests=\"\(cases.count)\" failures=\"\(failed)\">\n"
        for c in cases {
            let name = [c.id, c.metric].compactMap { $0 }.joined(separator: " / ")
            xml += "    <testcase classname=\"\(escape(c.source))\" name=\"\(escape(name.isEmpty ? c.source : name))\""
            if let failure = c.failure {
                xml += ">\n      <failure message=\"\(escape(failure))\"/>\n    </testcase>\n"
            } else {
                xml += "/>\n"
            }
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
