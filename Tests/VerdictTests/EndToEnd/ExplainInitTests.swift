import Foundation
import Testing
@testable import Verdict

@Suite("Explain", .serialized)
struct ExplainTests {
    /// The bundled fixtures; a missing folder gives an empty list, which `fixturesFound` fails.
    static let fixtures: [String] = {
        (try? FileManager.default.contentsOfDirectory(atPath: Support.root.appendingPathComponent("fixtures").path))?
            .filter { $0.hasSuffix(".json") }.sorted() ?? []
    }()

    @Test("the bundled fixtures are found, so the agreement test below runs on each")
    func fixturesFound() throws {
        let listed = try FileManager.default.contentsOfDirectory(atPath: Support.root.appendingPathComponent("fixtures").path)
        #expect(Self.fixtures.count >= 20)
        #expect(Self.fixtures.count == listed.filter { $0.hasSuffix(".json") }.count)
    }

    /// On every bundled fixture, the explanation agrees with `score`: the same trigger, the
    /// trigger's applies_when holds at it, the tree of a boolean metric holds exactly when its
    /// value is true, and a categorical metric's first holding label is its value.
    @Test("explain agrees with score on every bundled fixture", arguments: fixtures)
    func agrees(fixture: String) throws {
        let rules = try RuleLoader.load(paths: [Support.root.appendingPathComponent("rules").path])
        let data = try Data(contentsOf: Support.root.appendingPathComponent("fixtures/\(fixture)"))
        let conversation = try Array(data).withUnsafeBufferPointer { ConversationDecoder.decode($0) }.get().0
        let scored = Evaluator(rules: rules).evaluate(conversation)
        let explanation = Explanation.build(conversation, rules: rules)
        #expect(explanation.metrics.count == rules.metrics.count)
        #expect(explanation.events.count == conversation.events.count)
        for (m, e) in explanation.metrics.enumerated() {
            let r = scored.metrics[m]
            #expect(e.result == r)
            if let trigger = e.trigger, r.status != .inactive {
                #expect(trigger.holds == (r.status != .notApplicable), "\(fixture) \(e.name)")
            }
            guard r.status == .ok else { continue }
            switch r.value {
            case let .bool(b)?:
                #expect(e.body.count == 1 && e.body[0].holds == b, "\(fixture) \(e.name)")
                if b { #expect(e.body[0].hits == r.evidence, "\(fixture) \(e.name)") }
            case let .label(l)?:
                let first = e.body.firstIndex(where: \.holds)
                if let first { #expect(e.body[first].label.hasPrefix("label '\(l)':"), "\(fixture) \(e.name)") }
            case let .number(d)?:
                #expect(e.body.count == 1 && e.body[0].holds, "\(fixture) \(e.name)")
                #expect(e.body[0].label.hasSuffix("= \(JSONNumber.text(d))") || e.body[0].label.contains("= \(JSONNumber.text(d)) "), "\(fixture) \(e.name)")
                #expect(e.body[0].hits == r.evidence, "\(fixture) \(e.name)")
            case nil: Issue.record("ok without a value")
            }
        }
    }

    @Test("text shows the timeline, derived flow entries, the trigger and the deciding hits; JSON carries the same")
    func output() throws {
        let run = try CLI.run(["explain", "--rules", "rules", "--metric", "Booking: completed", "fixtures/booking-completed.json"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("→ enters Booking (derived from enter_when)"))
        #expect(run.stdout.contains("Booking: completed = true"))
        #expect(run.stdout.contains("applies from event "))
        #expect(run.stdout.contains("✓ function create_booking with result {status: \"confirmed\"}  (hits "))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when piped")
        let json = try CLI.run(["explain", "--rules", "rules", "--format", "json", "--metric", "Booking: completed", "fixtures/booking-completed.json"])
        guard case let .object(o) = try JSONParser.parse(json.stdout), case let .array(metrics)? = o["metrics"],
              case let .object(m)? = metrics.first, case let .array(conditions)? = m["conditions"],
              case let .object(root)? = conditions.first else { Issue.record("unexpected JSON"); return }
        #expect(metrics.count == 1)
        #expect(m["value"] == .bool(true))
        #expect(root["holds"] == .bool(true) && root["condition"] == .string("all of"))
        #expect(m["applies_when"] != nil && m["window"] != nil)
    }

    @Test("several conversations need --id; an unknown metric is a usage error")
    func choosing() throws {
        let dir = try CLI.folder(["c.jsonl": #"{"id":"a","events":[]}"# + "\n" + #"{"id":"b","events":[{"type":"agent","text":"Lumen Hotels"}]}"# + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = Support.root.appendingPathComponent("rules").path
        let many = try CLI.run(["explain", "--rules", rules, "c.jsonl"], in: dir)
        #expect(many.status == 2 && many.stderr.contains("holds 2 conversations; choose one with --id"))
        let one = try CLI.run(["explain", "--rules", rules, "--id", "b", "--metric", "Greeting: prompt", "c.jsonl"], in: dir)
        #expect(one.status == 0 && one.stdout.hasPrefix("Conversation b\n"))
        let bad = try CLI.run(["explain", "--rules", rules, "--metric", "Nope", "c.jsonl"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("no metric named 'Nope'"))
    }
}

@Suite("Init", .serialized)
struct InitTests {
    @Test("init writes a project whose fixtures pass and whose rules lint clean; it never overwrites")
    func starter() throws {
        let dir = try CLI.folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let project = dir.appendingPathComponent("x").path
        let run = try CLI.run(["init", project])
        #expect(run.status == 0)
        #expect(run.stdout.contains("verdict test --rules rules fixtures"))
        let test = try CLI.run(["test", "--rules", "rules", "fixtures"], in: URL(fileURLWithPath: project))
        #expect(test.status == 0)
        #expect(test.stdout == "8 passed, 0 failed\n")
        let lint = try CLI.run(["lint", "--rules", "rules", "--fixtures", "fixtures", "--strict"], in: URL(fileURLWithPath: project))
        #expect(lint.status == 0 && lint.stdout.hasPrefix("0 warnings in "))
        let again = try CLI.run(["init", project])
        #expect(again.status == 1 && again.stderr.contains("nothing was written"))
    }
}
