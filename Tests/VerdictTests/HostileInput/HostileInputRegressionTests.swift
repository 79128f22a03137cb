import Foundation
import Testing
@testable import Verdict

/// Regression tests for issue 11, part 3: no input hangs, crashes or silently misleads. Each
/// test is named after what it guards.
private let rules = Support.greetedRules
private let good = Support.greeting

private func user(_ text: String) -> Event {
    var e = Event(kind: .user)
    e.text = text
    return e
}

@Suite("Hostile input: regressions", .serialized)
struct HostileInputRegressionTests {
    // MARK: Quadratic time

    /// See: README "Bad input, case by case": a `sequence` in `applies_when` over a million events.
    @Test("a sequence in applies_when over a million events: trigger found, and in linear time")
    func sequenceTriggerOnMillionEvents() throws {
        let rules = try Support.rules("""
        metrics:
          - name: m
            type: boolean
            definition: d
            applies_when: {sequence: [{user: '^start$'}, {user: '^middle$'}, {user: '^end$'}], within_turns: 3}
            when: {user: never}
        """)
        // "start middle x x x end" never fits in three turns; the last three events do.
        var events: [Event] = []
        for _ in 0..<166_666 { events += ["start", "middle", "x", "x", "x", "end"].map(user) }
        events += ["start", "middle", "end", "x"].map(user)
        #expect(events.count == 1_000_000)
        let evaluator = Evaluator(rules: rules)
        let result = evaluator.evaluate(Conversation(id: "big", events: events))
        #expect(result.metrics[0].triggeredAt == 999_998)
        #expect(result.metrics[0].value == .bool(false))
        // Linear: per event, 3 leaves looked at, 3 sequence steps, 1 node decided. Evaluating
        // every prefix afresh would take about half a million times as many.
        #expect(evaluator.triggerSteps == 7 * 999_999)
        let half = Evaluator(rules: rules)
        _ = half.evaluate(Conversation(id: "half", events: Array(events.suffix(500_000))))
        #expect(half.triggerSteps == 7 * 499_999)
    }

    /// See: README "Bad input, case by case": a `sequence` in `applies_when` over a million events.
    @Test("a sequence with within_turns finds the first chain that fits, walking each hit list once")
    func firstChainWithinTurns() {
        let turns = Array(0..<10)
        #expect(Evaluator.firstChain([[0, 7], [5, 8], [6, 9]], turns: turns, within: 2) == [7, 8, 9])
        #expect(Evaluator.firstChain([[0, 4, 7], [5, 8], [6, 9]], turns: turns, within: 2) == [4, 5, 6])
        #expect(Evaluator.firstChain([[0, 4], [5], [6]], turns: turns, within: 2) == [4, 5, 6])
        #expect(Evaluator.firstChain([[0, 4], [5], [6]], turns: turns, within: 1) == nil)
        #expect(Evaluator.firstChain([[3], [1, 2]], turns: turns, within: nil) == nil)
        #expect(Evaluator.firstChain([[1, 2]], turns: turns, within: 0) == [1])
    }

    // MARK: Regex amplification

    /// See: README "Bad input, case by case": thousands of events each just under the match limit.
    @Test("thousands of events each costly for a pattern: the metric errs once its budget is spent")
    func matchBudgetPerConversation() throws {
        let rules = try Support.rules("""
        metrics:
          - {name: slow, type: boolean, definition: d, when: {user: '(a+)+$'}}
          - {name: cheap, type: boolean, definition: d, when: {user: 'b$'}}
        """)
        let events = Array(repeating: user(String(repeating: "a", count: 15) + "b"), count: 2_000)
        let conversation = Conversation(id: "c", events: events)
        let limited = Evaluator(rules: rules, limits: EvaluationLimits(matchBudget: 1_000_000)).evaluate(conversation)
        #expect(limited.metrics[0].status == .error)
        #expect(limited.metrics[0].error?.hasSuffix("pattern budget of 1000000 steps used up") == true)
        #expect(limited.metrics[1].value == .bool(true))
        let roomy = Evaluator(rules: rules, limits: EvaluationLimits(matchBudget: .max)).evaluate(Conversation(id: "c", events: Array(events.prefix(50))))
        #expect(roomy.metrics[0].value == .bool(false))
    }

    /// See: README "Bad input, case by case": thousands of events each just under the match limit.
    @Test("--match-budget is taken from the command line")
    func matchBudgetOption() throws {
        let events = (0..<200).map { _ in #"{"type":"user","text":"aaaaaaaaaaaaaaab"}"# }.joined(separator: ",")
        let dir = try CLI.folder(["rules.yaml": "metrics:\n  - {name: slow, type: boolean, definition: d, when: {user: '(a+)+$'}}\n",
                                  "c.jsonl": #"{"id":"c","events":["# + events + "]}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let tight = try CLI.run(["score", "--rules", "rules.yaml", "--match-budget", "500000", "c.jsonl"], in: dir)
        #expect(tight.stdout.contains(#""status":"error""#))
        #expect(tight.stdout.contains("pattern budget of 500000 steps used up"))
        let roomy = try CLI.run(["score", "--rules", "rules.yaml", "--match-budget", "100000000000", "c.jsonl"], in: dir)
        #expect(roomy.stdout.contains(#""value":false"#))
    }

    // MARK: JSON objects with many keys

    /// See: README "Bad input, case by case": JSON objects with 40,000 keys.
    @Test("an object with 40,000 keys parses with the last duplicate winning, keys compared by their bytes")
    func manyKeysLinear() throws {
        var text = "{"
        for i in 0..<40_000 { text += "\"k\(i)\":\(i)," }
        text += #""k7":"again","caf\u00e9":1,"cafe\u0301":2,"k39999":"last"}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == 40_002)
        #expect(object["k7"] == .string("again"))
        #expect(object["k39999"] == .string("last"))
        #expect(object["café"] != object["cafe\u{301}"])
        // Linear: finding duplicates looks at fewer than 8 keys per key, not at every key before it.
        let bytes = Array(text.utf8)
        let lookups = try bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            _ = try parser.parseValue()
            return parser.keyLookups
        }
        #expect(lookups == 28 + (40_004 - 8))
    }

    // MARK: Unbounded lines

    /// See: README "Bad input, case by case": a line longer than `--max-line-bytes`, `score /dev/zero`.
    @Test("a line over --max-line-bytes is one error line; the lines around it are scored")
    func lineCap() throws {
        let long = #"{"id":"long","events":[{"type":"agent","text":""# + String(repeating: "x", count: 5_000) + #""}]}"#
        let dir = try CLI.folder(["rules.yaml": rules, "c.jsonl": [good, long, good.replacingOccurrences(of: "\"a\"", with: "\"b\"")].joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "--max-line-bytes", "1000", "c.jsonl"], in: dir)
        #expect(run.status == 3)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1] == #"{"source":"c.jsonl:2","id":null,"error":"line longer than 1000 bytes (see --max-line-bytes); skipped"}"#)
        #expect(lines[2].hasPrefix(#"{"id":"b","#))
    }

    /// See: README "Bad input, case by case": a line longer than `--max-line-bytes`, `score /dev/zero`.
    @Test("a .json file, read whole, larger than --max-line-bytes is one error line; the next input is scored")
    func wholeJSONFileCap() throws {
        let big = #"{"id":"big","events":[{"type":"agent","text":""# + String(repeating: "x", count: 5_000) + #""}]}"#
        let dir = try CLI.folder(["rules.yaml": rules, "in/a.json": big, "in/b.jsonl": good + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "--max-line-bytes", "1000", "in"], in: dir)
        #expect(run.status == 3)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"source":"in/a.json","id":null,"error":"a .json file is read whole, and this one has 5050 bytes, more than 1000 (see --max-line-bytes); skipped"}"#)
        #expect(lines[1].hasPrefix(#"{"id":"a","#))
    }

    /// See: README "Bad input, case by case": a line longer than `--max-line-bytes`, `score /dev/zero`.
    @Test("endless bytes without a line feed: one error line, flat memory, no crash")
    func zerosOnStandardInput() throws {
        let dir = try CLI.folder(["rules.yaml": rules])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.shell(#"head -c 20000000 /dev/zero | "$VERDICT" score --rules rules.yaml --max-line-bytes 1000000 -"#, in: dir)
        #expect(run.status == 3)
        #expect(run.stdout == #"{"source":"-:1","id":null,"error":"line longer than 1000000 bytes (see --max-line-bytes); skipped"}"# + "\n")
        // Flat: the line reader holds the same bytes for 20 MB of zeros as for 40 MB, under
        // twice --max-line-bytes.
        var held: [Int] = []
        for megabytes in [20, 40] {
            let zeros = try #require(popen("head -c \(megabytes)000000 /dev/zero", "r"))
            defer { pclose(zeros) }
            let reader = LineReader(file: zeros, closeWhenDone: false, maxLineBytes: 1_000_000)
            var lines = 0
            while let (_, line) = reader.nextLine() {
                if case .tooLong = line { lines += 1 }
            }
            #expect(lines == 1 && reader.consumed == megabytes * 1_000_000)
            held.append(reader.bufferBytes)
        }
        #expect(held[0] == held[1] && held[0] <= 2 * 1_000_001)
    }

    // MARK: Crashes

    /// See: README "Errors and exit codes": `verdict report` / `sample`: result lines that are not score output (including `failed_items` that are not positions from 0).
    @Test("report --rules on a negative failed item: an error line, no trap")
    func negativeFailedItem() throws {
        let line = #"{"id":"a","metrics":{"Greeted":{"status":"ok","value":false,"triggered_at":0,"evidence":[],"failed_items":[-1]}},"flows":[],"functions":[],"logged":{}}"#
        let dir = try CLI.folder(["rules.yaml": rules, "r.jsonl": line + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["report", "--rules", "rules.yaml", "r.jsonl"], in: dir)
        #expect(run.status == 3)
        #expect(run.stderr == "verdict: r.jsonl:1: metric 'Greeted': `failed_items` must hold item positions (whole numbers from 0)\n")
    }

    // MARK: Silent wrong answers

    /// See: README "Errors and exit codes": an id seen twice.
    @Test("diff compares a repeated id occurrence by occurrence: a change in the second is found")
    func diffDuplicateIDs() throws {
        func line(_ value: Bool) -> String {
            #"{"id":"dup","metrics":{"Greeted":{"status":"ok","value":\#(value),"triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#
        }
        let dir = try CLI.folder(["old.jsonl": line(true) + "\n" + line(true) + "\n", "new.jsonl": line(true) + "\n" + line(false) + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["diff", "old.jsonl", "new.jsonl"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("dup (occurrence 2)  Greeted: true → false"))
        let same = try CLI.run(["diff", "old.jsonl", "old.jsonl"], in: dir)
        #expect(same.status == 0)
    }

    /// See: README "Bad input, case by case": `at` or a logged value of `1e400`.
    @Test("report and explain write valid JSON when a number is out of range (1e400)")
    func infiniteNumbersStayJSON() throws {
        let conversation = #"{"id":"c","started_at":"2026-03-01T00:00:00Z","events":[{"type":"metric","name":"N","value":1e400,"at":1e400}]}"#
        let dir = try CLI.folder(["rules.yaml": rules, "c.jsonl": conversation + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let scored = try CLI.run(["score", "--rules", "rules.yaml", "c.jsonl"], in: dir)
        try Data(scored.stdout.utf8).write(to: dir.appendingPathComponent("r.jsonl"))
        let report = try CLI.run(["report", "--format", "json", "r.jsonl"], in: dir)
        #expect(report.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) is [String: Any])
        #expect(report.stdout.contains(#""mean":null"#))
        let explain = try CLI.run(["explain", "--rules", "rules.yaml", "--format", "json", "c.jsonl"], in: dir)
        #expect(explain.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) is [String: Any])
        #expect(explain.stdout.contains(#""at":null"#))
    }

    /// See: README "Errors and exit codes": `verdict test`: no fixture carries `expect` or `todo`.
    @Test("test on a folder with no fixtures fails with a message instead of passing empty")
    func testWithoutFixtures() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "empty/README.md": "nothing here"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["test", "--rules", "rules.yaml", "empty"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == "verdict: no fixture was checked: empty holds no conversation with \"expect\" or \"todo\"\n")
    }

    /// See: README "Errors and exit codes": `verdict sample --metric` names no metric of the results.
    @Test("sample --metric with a misspelt name: exit 2 with a suggestion")
    func sampleUnknownMetric() throws {
        let line = #"{"id":"a","metrics":{"Greeted":{"status":"ok","value":true,"triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#
        let dir = try CLI.folder(["r.jsonl": line + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["sample", "--metric", "Greted", "r.jsonl"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr == "verdict: no metric named 'Greted' in the results (did you mean 'Greeted'?)\n")
    }

    /// See: README "Fixtures and `verdict test`": the string `"true"` expected of a boolean metric.
    @Test("expecting the string \"true\" of a boolean metric says so, not 'expected true, got true'")
    func quotedBooleanExpectation() throws {
        let fixture = #"{"id":"f","expect":{"Greeted":"true"},"events":[{"type":"agent","text":"Hello"}]}"#
        let dir = try CLI.folder(["rules.yaml": rules, "f.jsonl": fixture + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["test", "--rules", "rules.yaml", "f.jsonl"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout == "FAIL f.jsonl:1 id 'f' metric 'Greeted': expected the string \"true\", got the boolean true; write true without quotes\n0 passed, 1 failed\n")
    }

    // MARK: Injection

    static let hostileID = "x<img src=x onerror=alert(1)>\n# Heading\u{1B}]0;owned\u{07}\u{1B}[2J"

    /// See: README "Bad input, case by case": ids, names and labels holding HTML, Markdown or newlines.
    @Test("Markdown report and diff show hostile ids and labels as text, not markup or headings")
    func markdownEscaped() throws {
        let label = "<script>alert(1)</script>|x"
        let yaml = "metrics:\n  - {name: Tone, type: categorical, definition: d, labels: [{label: '\(label)', when: {agent: hello}}], otherwise: other}\n"
        let id = Self.hostileID
        var w = JSONWriter()
        w.value(.object(JSONObject([("id", .string(id)), ("events", .array([.object(JSONObject([("type", .string("agent")), ("text", .string("Hello"))]))]))])))
        let dir = try CLI.folder(["rules.yaml": yaml, "c.jsonl": String(decoding: w.bytes, as: UTF8.self) + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let scored = try CLI.run(["score", "--rules", "rules.yaml", "--output", "r.jsonl", "c.jsonl"], in: dir)
        #expect(scored.status == 0)
        let report = try CLI.run(["report", "--format", "markdown", "r.jsonl"], in: dir)
        #expect(!report.stdout.contains("<script>"))
        #expect(report.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\|x"))
        let emptied = try CLI.run(["score", "--rules", "rules.yaml", "/dev/null"], in: dir)
        try Data(emptied.stdout.utf8).write(to: dir.appendingPathComponent("none.jsonl"))
        let diff = try CLI.run(["diff", "--format", "markdown", "r.jsonl", "none.jsonl"], in: dir)
        #expect(diff.status == 1)
        #expect(!diff.stdout.contains("<img"))
        #expect(!diff.stdout.contains("\n# Heading"))
        #expect(!diff.stdout.contains("\u{1B}"))
    }

    /// See: README "Bad input, case by case": terminal escape sequences (screen clear, window title, OSC 52) and bidi overrides in transcripts.
    @Test("explain, report and diff show terminal escape sequences from transcripts escaped")
    func terminalEscapesShown() throws {
        let id = Self.hostileID
        var w = JSONWriter()
        let events: [JSONValue] = [
            .object(JSONObject([("type", .string("agent")), ("text", .string("Hello \u{1B}]52;c;cGF5bG9hZA==\u{07} \u{9B}31m"))])),
            .object(JSONObject([("type", .string("function")), ("name", .string("lookup\u{1B}[2J"))])),
        ]
        w.value(.object(JSONObject([("id", .string(id)), ("events", .array(events))])))
        let dir = try CLI.folder(["rules.yaml": rules, "c.jsonl": String(decoding: w.bytes, as: UTF8.self) + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let explain = try CLI.run(["explain", "--rules", "rules.yaml", "c.jsonl"], in: dir)
        #expect(explain.status == 0)
        #expect(!explain.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{9B}" || $0 == "\u{07}" })
        #expect(explain.stdout.contains("Hello \\u{1B}]52;c;cGF5bG9hZA==\\u{7} \\u{9B}31m"))
        let scored = try CLI.run(["score", "--rules", "rules.yaml", "--output", "r.jsonl", "c.jsonl"], in: dir)
        #expect(scored.status == 0)
        let emptied = try CLI.run(["score", "--rules", "rules.yaml", "/dev/null"], in: dir)
        try Data(emptied.stdout.utf8).write(to: dir.appendingPathComponent("none.jsonl"))
        for arguments in [["report", "r.jsonl"], ["diff", "r.jsonl", "none.jsonl"]] {
            let run = try CLI.run(arguments, in: dir)
            #expect(!run.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" }, "\(arguments)")
            #expect(run.stdout.contains("\\u{1B}[2J"), "\(arguments)")
        }
    }

    /// See: README "Bad input, case by case": U+FFFE, U+FFFF or control characters in fixture ids; spaces or `#` in rule file paths.
    @Test("JUnit XML replaces what XML 1.0 cannot hold; SARIF uris are percent-encoded")
    func xmlAndSarifEncoded() throws {
        let fixture = #"{"id":"f\uFFFE\uFFFF\u0001","expect":{"Greeted":false},"events":[{"type":"agent","text":"Hello"}]}"#
        let dir = try CLI.folder(["rules dir/r #1.yaml": rules + "\n  - {name: bad_name, type: boolean, definition: d, when: {agent: x}}\n", "f.jsonl": fixture + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["test", "--rules", "rules dir", "--junit", "junit.xml", "f.jsonl"], in: dir)
        #expect(run.status == 1)
        let xml = try Data(contentsOf: dir.appendingPathComponent("junit.xml"))
        let text = String(decoding: xml, as: UTF8.self)
        #expect(!text.unicodeScalars.contains { $0.value == 0xFFFE || $0.value == 0xFFFF || $0.value == 1 })
        #expect(text.contains("f\u{FFFD}\u{FFFD}\u{FFFD}"))
        let sarif = try CLI.run(["lint", "--rules", "rules dir", "--format", "sarif"], in: dir)
        #expect(sarif.stdout.contains(#""uri":"rules%20dir/r%20%231.yaml""#))
    }
}

extension Evaluator {
    /// `appendFirstChain` over one list of hits per step: the chain, or nil.
    static func firstChain(_ lists: [[Int]], turns: [Int], within: Int?) -> [Int]? {
        var starts = [0], cursors: [Int] = [], chain: [Int] = []
        for list in lists { starts.append(starts[starts.count - 1] + list.count) }
        let hits = lists.flatMap { $0 }
        let found = hits.withUnsafeBufferPointer { h in
            starts.withUnsafeBufferPointer { s in appendFirstChain(h, starts: s, turns: turns, within: within, cursors: &cursors, to: &chain) }
        }
        return found ? chain : nil
    }
}
