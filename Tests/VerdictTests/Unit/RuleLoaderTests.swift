import Foundation
import Testing
@testable import Verdict

@Suite("Rule loading")
struct RuleLoaderTests {
    /// Rule text and the one error it must produce, as `file:line:column: error: message`.
    static let errors: [(String, String)] = [
        ("metrics:\n  - name: m\n    type: boolean\n    when: {said: hi}\n",
         "test.yaml:2:5: error: metric 'm' needs a 'definition' that says what it measures"),
        ("metrics:\n  - name: m\n    type: numeric\n    definition: d\n    when: {said: a}\n",
         "test.yaml:3:11: error: metric 'm': 'type' must be 'boolean', 'categorical' or 'number', not 'numeric'"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {says: a}\n",
         "test.yaml:5:12: error: metric 'm': unknown key 'says' (did you mean 'said'?)"),
        ("metrics:\n  - name: m\n    type: boolean\n    definiton: d\n    when: {said: a}\n",
         "test.yaml:4:5: error: unknown key 'definiton' (did you mean 'definition'?)"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: '(a'}\n",
         "test.yaml:5:18: error: metric 'm': pattern '(a' does not compile: missing closing parenthesis at offset 2"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {user: a, result: {x: 1}}\n",
         "test.yaml:5:21: error: metric 'm': 'result' does not apply to 'user'; it belongs to 'function' leaves"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {user: a, agent: b}\n",
         "test.yaml:5:21: error: metric 'm': a condition has exactly one kind, this one has 'user' and 'agent'; combine them with 'all' or 'any'"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {all: [{said: a}], count: 2}\n",
         "test.yaml:5:30: error: metric 'm': 'count' does not apply to 'all'; modifiers belong on leaves"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {sequence: [{said: a, count: 2}]}\n",
         "test.yaml:5:33: error: metric 'm': 'count' is not allowed on a leaf inside 'sequence'"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {sequence: [{not: {said: a}}]}\n",
         "test.yaml:5:24: error: metric 'm': 'not' is not allowed inside 'sequence'; only leaves may stand in a sequence"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {function: 12}\n",
         "test.yaml:5:22: error: 'function' must be a string, found int '12' (quote it)"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: a, count: -1}\n",
         "test.yaml:5:28: error: metric 'm': 'count' must be a whole number, 0 or more"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: a, turns: 3}\n",
         "test.yaml:5:28: error: metric 'm': 'turns' must be a list [A, B] or [A]"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {function: f, result: {regex: a, x: 1}}\n",
         "test.yaml:5:33: error: metric 'm': a matcher mixes operators (regex) with paths (x); nest the operators under their path"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {metric: X, value: {gt: '3'}}\n",
         "test.yaml:5:35: error: metric 'm': 'gt' must be a number"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {handoff: false}\n",
         "test.yaml:5:21: error: metric 'm': 'handoff' takes true or a pattern for the destination, not false; use 'not'"),
        ("metrics:\n  - name: m\n    type: categorical\n    definition: d\n    when: {said: a}\n",
         "test.yaml:5:5: error: metric 'm' is categorical: use 'labels' (and 'otherwise'), not 'when'"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    active_from: soon\n    when: {said: a}\n",
         "test.yaml:5:18: error: metric 'm': 'active_from' must be a date (2026-03-15) or an RFC 3339 time"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    scope: always\n    when: {said: a}\n",
         "test.yaml:5:12: error: metric 'm': 'scope' must be 'after_trigger' or 'conversation', not 'always'"),
        ("flows:\n  A:\n    enter_when: {agent: hi, in_flow: B}\n",
         "test.yaml:3:29: error: flow 'A': 'in_flow' is not allowed in 'enter_when'"),
        ("flows:\n  A:\n    enter_when: {flow: B}\n",
         "test.yaml:3:18: error: flow 'A': 'flow' leaves are not allowed in 'enter_when'"),
        ("flows:\n  A:\n    enter_when: {all: [{said: a}]}\n",
         "test.yaml:3:18: error: flow 'A': 'all' is not allowed in 'enter_when'; only a leaf or an 'any' of leaves may stand there"),
        ("flows:\n  A: {}\n",
         "test.yaml:2:3: error: flow 'A' has no 'enter_when'"),
        ("version: 2\n",
         "test.yaml:1:10: error: unsupported 'version': 2; this Verdict reads version 1"),
        ("metric:\n  - name: m\n",
         "test.yaml:1:1: error: unknown key 'metric' (did you mean 'metrics'?)"),
        ("metrics:\n  - name: m\n    name: n\n",
         "test.yaml:2:5: error: duplicate key 'name' in a mapping"),
        ("metrics: [\n",
         "test.yaml:2:1: error: invalid YAML: did not find expected node content (while parsing a flow node)"),
        ("metrics:\n\t- name: m\n",
         "test.yaml:2:1: error: invalid YAML: a tab in the indentation (YAML indents with spaces only); found character that cannot start any token (while scanning for the next token)"),
        ("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: a}\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: b}\n",
         "test.yaml:6:11: error: metric 'm' is defined twice (first at test.yaml:2:11)"),
        ("metrics:\n  - name: m\n    type: categorical\n    definition: d\n    labels:\n      - {label: null, when: {said: a}}\n",
         "test.yaml:6:9: error: metric 'm': each label needs 'label'"),
        ("metrics:\n  - name: m\n    type: categorical\n    definition: d\n    labels:\n      - {label: x}\n",
         "test.yaml:6:9: error: metric 'm': label 'x' needs 'when'"),
        ("metrics:\n  - name: yes\n    type: boolean\n    definition: d\n    when: {said: a}\n",
         "test.yaml:2:11: error: 'name' must be a string, found bool 'yes' (quote it)"),
    ]

    @Test(arguments: errors)
    func ruleError(yaml: String, message: String) {
        #expect(Support.ruleErrors(yaml).contains(message), "\(Support.ruleErrors(yaml))")
    }

    @Test("errors are reported in file order, then by position")
    func order() {
        let yaml = "metrics:\n  - name: m\n    type: categorical\n    definition: d\n    when: {said: a}\n"
        #expect(Support.ruleErrors(yaml) == [
            "test.yaml:2:5: error: metric 'm' is categorical and needs 'labels'",
            "test.yaml:5:5: error: metric 'm' is categorical: use 'labels' (and 'otherwise'), not 'when'",
        ])
    }

    @Test("every error in a file is reported, not just the first")
    func allErrors() {
        let yaml = """
        metrics:
          - {name: a, type: boolean, definition: d, when: {sayd: x}}
          - {name: b, type: boolean, when: {said: x}}
        """
        #expect(Support.ruleErrors(yaml).count == 2)
    }

    @Test("YAML merge keys share fields between metrics; what a metric writes itself wins")
    func mergeKeys() throws {
        let rules = try Support.rules("""
        metrics:
          - &booking
            name: A
            type: boolean
            definition: d
            applies_when: {flow: Booking}
            when: {said: hi}
          - <<: *booking
            name: B
          - <<: [{name: C, scope: conversation}, *booking]
        """)
        #expect(rules.metrics.map(\.name) == ["A", "B", "C"])
        #expect(rules.metrics.map(\.scope) == [.afterTrigger, .afterTrigger, .conversation])
        #expect(rules.metrics.allSatisfy { $0.appliesWhen != nil })
        #expect(Support.ruleErrors("metrics:\n  - <<: 5\n    name: D\n").contains(
            "test.yaml:2:9: error: a merge key ('<<') takes a mapping or a list of mappings"))
    }

    @Test("an empty file declares nothing; version and nulls are optional")
    func empty() throws {
        #expect(try Support.rules("").metrics.isEmpty)
        #expect(try Support.rules("# only a comment\n").metrics.isEmpty)
        let rules = try Support.rules("""
        version: 1
        flows: ~
        metrics:
          - name: m
            type: categorical
            definition: d
            applies_when: null
            scope: ~
            labels: [{label: a, when: {said: a}}]
            otherwise: null
        """)
        #expect(rules.metrics.count == 1)
        #expect(rules.metrics[0].appliesWhen == nil)
        #expect(rules.metrics[0].scope == .afterTrigger)
    }

    @Test("files and folders merge in sorted order; duplicates across files are errors")
    func folders() throws {
        let dir = try CLI.folder([
            "rules/b/2.yaml": "metrics: [{name: second, type: boolean, definition: d, when: {said: b}}]",
            "rules/a.yml": "metrics: [{name: first, type: boolean, definition: d, when: {said: a}}]",
            "rules/notes.txt": "not rules",
            "dup/x.yaml": "flows: {F: {enter_when: {said: a}}}",
            "dup/y.yaml": "flows: {F: {enter_when: {said: b}}}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try RuleLoader.load(paths: [dir.appendingPathComponent("rules").path])
        #expect(rules.metrics.map(\.name) == ["first", "second"])
        #expect(throws: RuleErrors.self) { try RuleLoader.load(paths: [dir.appendingPathComponent("dup").path]) }
        #expect(throws: RuleErrors.self) { try RuleLoader.load(paths: [dir.appendingPathComponent("missing").path]) }
    }
}

@Suite("Messages a newcomer meets")
struct NewcomerMessageTests {
    @Test("a condition key beside an empty when is asked about its indentation")
    func misIndented() {
        let yaml = "metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when:\n    agent: hello\n"
        #expect(Support.ruleErrors(yaml) == [
            "test.yaml:2:5: error: metric 'm' is boolean and needs 'when'",
            "test.yaml:6:5: error: 'agent' is not a metric key: is it meant to be indented under 'when', which is empty?",
        ])
    }

    @Test("a boolean metric with labels and no when is asked whether it is categorical")
    func labelsOnBoolean() {
        let yaml = "metrics:\n  - name: m\n    type: boolean\n    definition: d\n    labels:\n      - {label: a, when: {said: x}}\n"
        #expect(Support.ruleErrors(yaml) == ["test.yaml:5:5: error: metric 'm' is boolean: 'labels' belongs to categorical metrics; is it meant to be 'type: categorical'?"])
    }

    @Test("YAML layout mistakes are named in plain words before the parser's text")
    func yamlLayout() {
        #expect(Support.ruleErrors("metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when:\n      agent: hello\n     said: x\n")
                == ["test.yaml:7:6: error: invalid YAML: a key is probably indented differently from the keys beside it; did not find expected key (while parsing a block mapping)"])
        #expect(Support.ruleErrors("metrics:\n  - name: m\n    definition: a: b\n")
                == ["test.yaml:3:18: error: invalid YAML: a value holds ': ' (quote it), or a key is indented under a value; mapping values are not allowed in this context"])
    }

    @Test("repeated ids: the first ten named, then one line with the total")
    func duplicateWarnings() {
        var summary = Scorer.Summary()
        summary.duplicateIDs = (1...25).map { "c\($0)" }
        let lines = summary.duplicateWarnings
        #expect(lines.count == 11)
        #expect(lines[0] == "warning: conversation id 'c1' occurs more than once; every occurrence was scored")
        #expect(lines[10] == "warning: 25 conversation ids occur more than once in all (the first 10 are named above); every occurrence was scored")
        summary.duplicateIDs = ["a"]
        #expect(summary.duplicateWarnings.count == 1)
    }
}

@Suite("Report wording")
struct ReportWordingTests {
    @Test("whole-number values get whole bins: one per value when few, else a whole width")
    func wholeBins() {
        var few = NumberDistribution(exactLimit: 100)
        for v in [0.0, 0, 1, 3] { few.add(v) }
        #expect(few.histogram().map(\.lower) == [0, 1, 2, 3])
        #expect(few.histogram().map(\.count) == [2, 1, 0, 1])
        #expect(few.wholeBinWidth() == 1)
        var many = NumberDistribution(exactLimit: 100)
        for v in 1...29 { many.add(Double(v)) }
        #expect(many.wholeBinWidth() == 3)
        #expect(many.histogram().map(\.count) == [3, 3, 3, 3, 3, 3, 3, 3, 3, 2])
        var fractional = NumberDistribution(exactLimit: 100)
        for v in [0.5, 2.0] { fractional.add(v) }
        #expect(fractional.wholeBinWidth() == nil && fractional.histogram().count == 10)
    }

    @Test("counts in a report are grouped by thousands, one conversation in the singular")
    func grouped() throws {
        let line = #"{"id":"ID","metrics":{"m":{"status":"ok","value":true,"triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#
        let many = (0..<1_234).map { line.replacingOccurrences(of: "ID", with: "c\($0)") }.joined(separator: "\n") + "\n"
        let dir = try CLI.folder(["many.jsonl": many, "one.jsonl": line.replacingOccurrences(of: "ID", with: "x") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try CLI.run(["report", "many.jsonl"], in: dir)
        #expect(report.stdout.hasPrefix("Verdict report: 1,234 conversations\n"))
        #expect(report.stdout.contains("applied in 1,234 of 1,234 (100.0%); ok 1,234\n"))
        #expect(report.stdout.contains("true in 1,234 of 1,234: 100.0%"))
        let one = try CLI.run(["report", "one.jsonl"], in: dir)
        #expect(one.stdout.hasPrefix("Verdict report: 1 conversation\n"))
    }
}
