import Foundation
import Testing
@testable import Verdict

@Suite("Lint")
struct LintTests {
    /// Every check's own examples: the snippets that must warn do, with that check's id; the
    /// others give no warning of that check.
    @Test("each check's examples", arguments: Linter.examples.indices)
    func example(index: Int) throws {
        let (id, example) = Linter.examples[index]
        // A failure is reported where the example is written, as SwiftLint does.
        let written = Testing.SourceLocation(fileID: example.fileID, filePath: example.filePath, line: example.line, column: 9)
        let rules = try RuleLoader.load(yaml: example.yaml, file: "example.yaml")
        let warnings = Linter.run(rules, known: example.known, only: id)
        if example.warns {
            #expect(!warnings.isEmpty, "\(id.rawValue) example should warn", sourceLocation: written)
            // On exactly the lines marked ↓.
            #expect(!example.marked.isEmpty, "\(id.rawValue) example that warns marks no line with ↓", sourceLocation: written)
            #expect(Set(warnings.map(\.location.line)) == Set(example.marked),
                    "\(id.rawValue) warns on lines \(warnings.map(\.location.line)), marked \(example.marked)", sourceLocation: written)
        } else {
            #expect(example.marked.isEmpty, "\(id.rawValue) example that does not warn marks a line", sourceLocation: written)
            #expect(warnings == [], "\(id.rawValue) example should not warn", sourceLocation: written)
        }
        #expect(warnings.allSatisfy { $0.check == id }, sourceLocation: written)
    }

    @Test("every check has examples that warn and examples that do not")
    func examplesBothWays() {
        for id in LintCheckID.allCases {
            let own = Linter.examples.filter { $0.id == id }
            #expect(own.contains { $0.example.warns } && own.contains { !$0.example.warns }, "\(id.rawValue)")
        }
    }

    @Test("the bundled rules and the SGD example lint clean, with and without fixtures")
    func bundledClean() throws {
        let run = try CLI.run(["lint", "--rules", "rules", "--fixtures", "fixtures", "--strict"])
        #expect(run.status == 0 && run.stdout == "0 warnings in 15 metrics\n" && run.stderr == "")
        let sgd = try CLI.run(["lint", "--rules", "examples/sgd/rules", "--strict"])
        #expect(sgd.status == 0 && sgd.stdout == "0 warnings in 5 metrics\n")
    }

    static let careless = """
    metrics:
      - name: booking_completed
        type: boolean
        definition: "Booking went well."
        when: {function: create_bookin}
      - name: "Booking: dates read back"
        type: boolean
        applies_when: {function: create_booking}
        definition: "True when the agent reads the check-in date back to the caller as a month and a day."
        when: {agent: '\\b(march|april) \\d+'}
      - name: "Transfer: requested"
        type: boolean
        definition: "True when the caller asks for a person; false when the caller never asks for one."
        when: {user: 'human|person'}
      - name: "Handoff: destination"
        type: categorical
        definition: "Where the call was handed: front desk or billing; other when the destination is anything else."
        labels:
          - {label: front desk, when: {handoff: front}}
          - {label: billing, when: {handoff: front}}
        otherwise: other
    """

    @Test("a rule file that breaks the guide gets the warnings a reviewer would give, in file order")
    func careless() throws {
        let dir = try CLI.folder(["rules/r.yaml": Self.careless, "fixtures/a.json": #"{"id": "a", "events": [{"type": "function", "name": "create_booking"}]}"#])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["lint", "--rules", "rules", "--fixtures", "fixtures"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout == """
        rules/r.yaml:2:5: warning: metric 'booking_completed' is written in snake_case, but 3 of 4 names use Sentence case [naming-casing]
        rules/r.yaml:2:5: warning: metric 'booking_completed': the definition has 3 words; say what is observed, when it counts as success and when as failure [definition]
        rules/r.yaml:2:5: warning: metric 'booking_completed' names function 'create_bookin', declared nowhere and in no transcript of --fixtures (did you mean 'create_booking'?) [references]
        rules/r.yaml:6:5: warning: metric 'Booking: dates read back': the definition never says what counts as failure (when the metric is false) [definition]
        rules/r.yaml:6:5: warning: metric 'Booking: dates read back': the metric has applies_when, but its definition does not say when it applies (name the flow or function, or say 'once', 'after', 'only when') [definition]
        rules/r.yaml:11:5: warning: metric 'Transfer: requested' says 'transfer' where 1 other metric says 'handoff' (synonyms: handoff, transfer, escalation, handover); use one word for one idea [naming-synonyms]
        rules/r.yaml:15:5: warning: metric 'Handoff: destination': label 'billing' is never reached: its condition repeats that of label 'front desk' [dead-rules]
        7 warnings in 4 metrics

        """)
        let strict = try CLI.run(["lint", "--rules", "rules", "--strict"], in: dir)
        #expect(strict.status == 1)
    }

    @Test("a lint: section turns checks off and adds synonyms; an unknown check id is a rule error")
    func settings() throws {
        let off = try Support.rules("lint: {disable: [naming-casing, definition]}\n" + Self.careless)
        #expect(Linter.run(off).allSatisfy { $0.check != .namingCasing && $0.check != .definition })
        #expect(off.lint.disabled == ["naming-casing", "definition"])
        #expect(Support.ruleErrors("lint: {disable: [naming-casng]}\n") == ["test.yaml:1:18: error: unknown lint check 'naming-casng' (did you mean 'naming-casing'?)"])
        #expect(Support.ruleErrors("lint: {disabled: []}\n") == ["test.yaml:1:8: error: unknown key 'disabled' (did you mean 'disable'?)"])
    }

    @Test("JSON and SARIF 2.1.0 carry the same warnings")
    func formats() throws {
        let rules = try Support.rules(Self.careless)
        let warnings = Linter.run(rules)
        let json = try JSONParser.parse(Linter.render(warnings, format: .json))
        guard case let .array(items) = json else { Issue.record("not an array"); return }
        #expect(items.count == warnings.count)
        let sarif = try JSONParser.parse(Linter.render(warnings, format: .sarif))
        guard case let .object(root) = sarif, case let .array(runs)? = root["runs"], case let .object(run)? = runs.first,
              case let .array(results)? = run["results"] else { Issue.record("not SARIF"); return }
        #expect(root["version"] == .string("2.1.0"))
        #expect(results.count == warnings.count)
        guard case let .object(first)? = results.first, case let .array(locations)? = first["locations"],
              case let .object(location)? = locations.first, case let .object(physical)? = location["physicalLocation"],
              case let .object(region)? = physical["region"] else { Issue.record("no region"); return }
        #expect(first["ruleId"] == .string(warnings[0].check?.rawValue ?? "none"))
        #expect(region["startLine"] == .number(Double(warnings[0].location.line)))
    }

    @Test("--list names every check")
    func list() throws {
        let run = try CLI.run(["lint", "--list"])
        #expect(run.status == 0)
        for id in LintCheckID.allCases { #expect(run.stdout.contains(id.rawValue + " ")) }
    }
}
