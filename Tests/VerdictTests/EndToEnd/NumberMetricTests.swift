import Foundation
import Testing
@testable import Verdict

/// Number metrics (SPEC 1.1 §5.1) beyond the conformance cases: rule errors, fixtures with a
/// tolerance, explain, report, diff and CSV.
@Suite("Number metrics", .serialized)
struct NumberMetricTests {
    static let rules = """
    metrics:
      - name: "Card: requests"
        type: number
        unit: requests
        definition: How many times the agent asked for the card number.
        value: {hits: {agent: card number}}
      - name: "Call: length"
        type: number
        unit: seconds
        definition: Seconds from the first to the last timed event.
        value: {duration: true}
    """

    static func conversation(_ id: String, asks: Int, end: Double) -> String {
        var events = [#"{"type": "agent", "text": "hello", "at": 0}"#]
        for i in 0..<asks { events.append(#"{"type": "agent", "text": "your card number please", "at": \#(Double(i) + 1)}"#) }
        events.append(#"{"type": "end", "at": \#(end)}"#)
        return #"{"id": "\#(id)", "started_at": "2026-03-0\#(asks % 9 + 1)T10:00:00Z", "events": [\#(events.joined(separator: ", "))]}"#
    }

    @Test("rule errors of value expressions, each located", arguments: [
        ("{name: m, type: boolean, definition: d, when: {agent: x}, value: {duration: true}}", "test.yaml:2:63: error: metric 'm' is boolean: 'value' belongs to number metrics"),
        ("{name: m, type: number, definition: d, value: {value_of: {user: x}}}", "test.yaml:2:62: error: metric 'm': 'value_of' takes a 'metric', 'state' or 'function' leaf, not 'user'"),
        ("{name: m, type: number, definition: d, value: {hits: {agent: x, count: 2}}}", "test.yaml:2:69: error: metric 'm': 'count' is not allowed on a leaf in a value expression"),
        ("{name: m, type: number, definition: d, value: {hits: {agent: x}, path: a}}", "test.yaml:2:70: error: metric 'm': 'path' goes with 'value_of' only"),
        ("{name: m, type: number, definition: d, value: {duration: false}}", "test.yaml:2:62: error: metric 'm': 'duration' takes only true"),
        ("{name: m, type: number, definition: d, value: {turns_between: [{agent: x}]}}", "test.yaml:2:67: error: metric 'm': 'turns_between' takes a list of two leaves [A, B]"),
        ("{name: m, type: number, definition: d, value: {value_of: {function: f}}}", "test.yaml:2:52: error: metric 'm': 'value_of' a function needs a 'path' that starts with 'args' or 'result' (result.total)"),
        ("{name: m, type: number, definition: d, value: {hit: {agent: x}}}", "test.yaml:2:52: error: metric 'm': unknown key 'hit' (did you mean 'hits'?)"),
        ("{name: m, type: number, definition: d, when: {agent: x}}", "test.yaml:2:44: error: metric 'm' is a number: 'when' belongs to boolean metrics; use 'value'"),
    ])
    func ruleErrors(metric: String, error: String) {
        #expect(Support.ruleErrors("metrics:\n  - \(metric)\n").contains(error), "\(Support.ruleErrors("metrics:\n  - \(metric)\n"))")
    }

    @Test("test compares numbers within 1e-9 × max(1, |expected|) and shows both numbers when they differ")
    func fixtureTolerance() throws {
        let fixture = { (expected: String) in
            #"{"id": "f", "expect": {"Call: length": \#(expected)}, "events": [{"type": "agent", "text": "a", "at": 8.2}, {"type": "end", "at": 25.8}]}"#
        }
        let dir = try CLI.folder(["rules.yaml": Self.rules, "near.jsonl": fixture("17.6") + "\n", "far.jsonl": fixture("17.61") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let near = try CLI.run(["test", "--rules", "rules.yaml", "near.jsonl"], in: dir)
        #expect(near.status == 0)
        #expect(near.stdout == "1 passed, 0 failed\n")
        let far = try CLI.run(["test", "--rules", "rules.yaml", "far.jsonl"], in: dir)
        #expect(far.status == 1)
        #expect(far.stdout.hasPrefix("FAIL far.jsonl:1 id 'f' metric 'Call: length': expected 17.61, got 17.6 (status ok); triggered at 0, evidence [0, 1]\n"))
    }

    @Test("score writes numbers as SPEC §6 says, in JSON Lines and CSV")
    func numberOutput() throws {
        #expect(JSONNumber.text(3.0) == "3")
        #expect(JSONNumber.text(-0.0) == "0")
        #expect(JSONNumber.text(0.1 + 0.2) == "0.30000000000000004")
        #expect(JSONNumber.text(-0.5) == "-0.5")
        #expect(JSONNumber.text(1.2345678901234567e19) == "1.2345678901234567e+19")
        let dir = try CLI.folder(["rules.yaml": Self.rules, "c.jsonl": Self.conversation("a", asks: 2, end: 9.5) + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let jsonl = try CLI.run(["score", "--rules", "rules.yaml", "c.jsonl"], in: dir)
        #expect(jsonl.stdout.contains(#""Card: requests":{"status":"ok","value":2,"triggered_at":0,"evidence":[1,2]}"#))
        #expect(jsonl.stdout.contains(#""Call: length":{"status":"ok","value":9.5,"triggered_at":0,"evidence":[0,3]}"#))
        let csv = try CLI.run(["score", "--rules", "rules.yaml", "--format", "csv", "c.jsonl"], in: dir)
        #expect(csv.stdout == "id,Card: requests,Call: length,error\na,2,9.5,\n")
    }

    @Test("explain shows the expression, the hits it chose and the value, or why there is none")
    func explainNumbers() throws {
        let dir = try CLI.folder(["rules.yaml": Self.rules, "c.json": Self.conversation("a", asks: 1, end: 4),
                                  "untimed.json": #"{"id": "u", "events": [{"type": "agent", "text": "hi"}]}"#])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["explain", "--rules", "rules.yaml", "c.json"], in: dir)
        #expect(run.stdout.contains("Card: requests = 1\n"))
        #expect(run.stdout.contains("✓ hits of agent says 'card number' = 1 requests  (hits 1)"))
        #expect(run.stdout.contains("✓ duration = 4 seconds  (hits 0, 2)"))
        let untimed = try CLI.run(["explain", "--rules", "rules.yaml", "untimed.json"], in: dir)
        #expect(untimed.stdout.contains("✗ duration: no value (no event of the window has 'at')  (no hits)"))
    }

    @Test("report: n, mean, nearest-rank median and p90, min, max, histogram and median trends")
    func reportNumbers() throws {
        // Ten conversations asking 1...10 times: median 5 (rank 5), p90 9 (rank 9), mean 5.5.
        let conversations = (1...10).map { Self.conversation("c\($0)", asks: $0, end: 20) }.joined(separator: "\n")
        let dir = try CLI.folder(["rules.yaml": Self.rules, "c.jsonl": conversations + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["score", "--rules", "rules.yaml", "--output", "r.jsonl", "c.jsonl"], in: dir).status == 0)
        let json = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "r.jsonl"], in: dir)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let metric = try #require((report["metrics"] as? [[String: Any]])?.first)
        #expect(metric["type"] as? String == "number")
        #expect(metric["n"] as? Int == 10)
        #expect(metric["mean"] as? Double == 5.5)
        #expect(metric["median"] as? Double == 5)
        #expect(metric["p90"] as? Double == 9)
        #expect(metric["min"] as? Double == 1 && metric["max"] as? Double == 10)
        #expect(metric["exact"] as? Bool == true)
        let bins = try #require(metric["histogram"] as? [[String: Any]])
        #expect(bins.count == 10 && bins.compactMap { $0["count"] as? Int }.reduce(0, +) == 10)
        let trend = try #require(metric["trend"] as? [[String: Any]])
        #expect(trend.contains { $0["period"] as? String == "2026-03-02" && $0["median"] as? Double == 1 })
        let text = try CLI.run(["report", "--rules", "rules.yaml", "r.jsonl"], in: dir)
        #expect(text.stdout.contains("n 10 · mean 5.5 · median 5 · p90 9 · min 1 · max 10 (requests)"))
    }

    @Test("past the exact limit, percentiles come from the sketch within 1% of the exact ones")
    func sketchAccuracy() {
        var exact = NumberDistribution(exactLimit: 1_000_000), sketched = NumberDistribution(exactLimit: 100)
        var rng = SeededGenerator(state: 42)
        for _ in 0..<20_000 {
            let x = Double(Int.random(in: 1...100_000, using: &rng)) / 10 * (Bool.random(using: &rng) ? 1 : -1)
            exact.add(x)
            sketched.add(x)
        }
        #expect(exact.isExact && !sketched.isExact)
        #expect(sketched.count == exact.count && sketched.min == exact.min && sketched.max == exact.max)
        for p in [1.0, 10, 25, 50, 75, 90, 99] {
            let e = exact.percentile(p)!, s = sketched.percentile(p)!
            #expect(abs(s - e) <= 0.01 * abs(e) + 1e-9, "p\(p): exact \(e), sketch \(s)")
        }
    }

    @Test("diff: changed numbers per conversation, and the shift of the mean")
    func diffNumbers() throws {
        let dir = try CLI.folder(["rules.yaml": Self.rules,
                                  "old.jsonl": Self.conversation("a", asks: 1, end: 10) + "\n" + Self.conversation("b", asks: 3, end: 10) + "\n",
                                  "new.jsonl": Self.conversation("a", asks: 2, end: 10) + "\n" + Self.conversation("b", asks: 3, end: 10) + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try CLI.run(["score", "--rules", "rules.yaml", "--output", "o.jsonl", "old.jsonl"], in: dir)
        _ = try CLI.run(["score", "--rules", "rules.yaml", "--output", "n.jsonl", "new.jsonl"], in: dir)
        let run = try CLI.run(["diff", "o.jsonl", "n.jsonl"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.contains("Card: requests: 1 of 2 changed; mean 2 → 2.5 (+0.5); sign p 1, adjusted 1\n"))
        #expect(run.stdout.contains("  a  Card: requests: 1 → 2\n"))
    }
}
