import Foundation
import Testing
@testable import Verdict

@Suite("Coverage and agreement")
struct QualityTests {
    @Test("coverage: unreached outcomes, items never failing alone, branches, steps and leaves never seen, with locations")
    func coverage() throws {
        let rules = try Support.rules("""
        metrics:
          - name: M
            type: categorical
            definition: A metric under test.
            applies_when: {agent: start}
            labels:
              - label: done
                when:
                  all:
                    - agent: alpha
                    - any: [{user: beta}, {user: gamma}]
              - label: asked
                when: {sequence: [{user: ask}, {agent: answer}]}
            otherwise: open
        """)
        // Only "done" is reached, with beta; gamma never holds, alpha never fails alone.
        let set = try fixtureSet([
            fixture("a", [("agent", "start"), ("agent", "alpha"), ("user", "beta")], expect: #""done""#),
            fixture("b", [("agent", "start"), ("agent", "alpha")], expect: #""open""#),
            #"{"id":"c","todo":{"M":"asked"},"events":[{"type":"user","text":"ask"}]}"#,
        ])
        let coverage = RuleCoverage.measure(set, rules: rules)
        let m = try #require(coverage.metrics.first)
        #expect(m.expectations == 2)
        #expect(m.reached == ["done", "open"])
        let missing = m.items.filter { !$0.covered }.map { "\($0.location): \($0.description)" }
        #expect(missing == [
            "test.yaml:12:9: outcome 'asked'",
            "test.yaml:5:5: outcome 'not_applicable'",
            "test.yaml:10:15: 'all' item 1 in label 'done' failing alone: agent says 'alpha'",
            "test.yaml:11:35: 'any' branch 2 in label 'done' holding: user says 'gamma'",
            "test.yaml:11:35: leaf in label 'done' hitting: user says 'gamma'",
            "test.yaml:13:27: 'sequence' step 1 in label 'asked' holding: user says 'ask'",
            "test.yaml:13:27: leaf in label 'asked' hitting: user says 'ask'",
            "test.yaml:13:40: 'sequence' step 2 in label 'asked' holding: agent says 'answer'",
            "test.yaml:13:40: leaf in label 'asked' hitting: agent says 'answer'",
        ])
        #expect(coverage.covered == m.items.count - missing.count)
        #expect(coverage.text().contains("test.yaml:11:35: never seen: 'any' branch 2 in label 'done' holding: user says 'gamma'\n"))
        #expect(coverage.json().hasPrefix(#"{"coverage":"#))

        // Add fixtures where gamma holds, alpha fails alone, the metric does not apply and the caller asks: all covered.
        let more = try fixtureSet([
            fixture("a", [("agent", "start"), ("agent", "alpha"), ("user", "beta")], expect: #""done""#),
            fixture("b", [("agent", "start"), ("user", "gamma")], expect: #""open""#),
            fixture("c", [("agent", "start"), ("agent", "alpha"), ("user", "gamma")], expect: #""done""#),
            fixture("d", [("user", "beta")], expect: #""not_applicable""#),
            fixture("e", [("agent", "start"), ("user", "ask"), ("agent", "answer")], expect: #""asked""#),
            fixture("f", [("agent", "start"), ("agent", "alpha")], expect: #""open""#),
        ])
        let full = RuleCoverage.measure(more, rules: rules)
        #expect(full.metrics[0].items.filter { !$0.covered }.map(\.description) == [])
        #expect(full.ratio == 1)
    }

    @Test("agreement: accuracy, confusion, precision, recall, F1 and kappa as computed by hand")
    func agreement() throws {
        let rules = try metricRules("boolean", "when: {agent: 'yes'}")
        // Expected × actual: true×true 4, true×false 1, false×true 2, false×false 3.
        var lines: [String] = []
        let cells = [("true", "yes", 4), ("true", "no", 1), ("false", "yes", 2), ("false", "no", 3)]
        for (expected, said, n) in cells {
            for i in 0..<n { lines.append(fixture("\(expected)-\(said)-\(i)", [("agent", said)], expect: expected)) }
        }
        let set = try fixtureSet(lines)
        var check = FixtureCheck(rules: rules, report: nil)
        let results = set.score(rules, into: &check)
        let a = try #require(Agreement.measure(set, rules: rules, results: results).metrics.first)
        #expect(a.n == 10)
        #expect(a.accuracy == 0.7)
        #expect(a.classes == ["true", "false"])
        #expect(a.confusion == [[4, 1], [2, 3]])
        // Chance agreement: 0.5 × 0.6 + 0.5 × 0.4 = 0.5, so kappa = (0.7 − 0.5) / 0.5 = 0.4.
        #expect(abs(a.kappa! - 0.4) < 1e-12)
        let yes = a.labels[0]
        #expect(abs(yes.precision! - 4.0 / 6) < 1e-12)
        #expect(abs(yes.recall! - 0.8) < 1e-12)
        #expect(abs(yes.f1! - 2 * (4.0 / 6) * 0.8 / (4.0 / 6 + 0.8)) < 1e-12)
        #expect(a.disagreements.map { "\($0.expected)>\($0.actual) \($0.ids.joined(separator: " "))" } == [
            "false>true false-yes-0 false-yes-1", "true>false true-no-0",
        ])
        let json = Agreement(metrics: [a]).json()
        #expect(json.hasPrefix(#"{"M":{"n":10,"accuracy":0.7,"kappa":0.4,"confusion":{"true":{"true":4,"false":1},"false":{"true":2,"false":3}}"#))
    }

    @Test("agreement on numbers: kinds in the matrix, numbers in accuracy, mean absolute error; kappa undefined for one class")
    func numbers() throws {
        let rules = try metricRules("number", "value: {hits: {agent: x}}")
        let set = try fixtureSet([
            fixture("a", [("agent", "x")], expect: "1"),
            fixture("b", [("agent", "x"), ("agent", "x")], expect: "3"),
        ])
        var check = FixtureCheck(rules: rules, report: nil)
        let a = try #require(Agreement.measure(set, rules: rules, results: set.score(rules, into: &check)).metrics.first)
        #expect(a.classes == ["a value"])
        #expect(a.confusion == [[2]])
        #expect(a.agreed == 1)
        #expect(a.kappa == nil)
        #expect(a.meanAbsoluteError == 0.5)
        #expect(a.disagreements.map { "\($0.expected)>\($0.actual)" } == ["3>2"])
    }
}
