import Foundation
import Testing
@testable import Verdict

/// `verdict compare`: figures, tests and adjusted p on small result files whose answers are
/// worked out by hand (the tests themselves are checked against SciPy in StatisticsTests).
@Suite("Comparison", .serialized)
struct ComparisonTests {
    static let rules = """
    metrics:
      - {name: "Booking: completed", type: boolean, definition: d, applies_when: {user: book}, when: {agent: booked}}
      - {name: "Call: outcome", type: categorical, definition: d, labels: [{label: solved, when: {agent: solved}}], otherwise: open}
      - {name: "Call: turns", type: number, definition: d, value: {hits: {user: '.'}}}
    """

    /// `count` calls: booking asked in `applied` of them and booked in `booked`; solved in `solved`; `turns` user turns each.
    static func calls(prefix: String, count: Int, applied: Int, booked: Int, solved: Int, turns: (Int) -> Int) -> String {
        (0..<count).map { i in
            var events: [String] = []
            events.append(#"{"type":"user","text":"\#(i < applied ? "book" : "hello")"}"#)
            for _ in 1..<max(1, turns(i)) { events.append(#"{"type":"user","text":"more"}"#) }
            if i < booked { events.append(#"{"type":"agent","text":"booked"}"#) }
            if i < solved { events.append(#"{"type":"agent","text":"solved"}"#) }
            return #"{"id":"\#(prefix)\#(i)","events":[\#(events.joined(separator: ","))]}"#
        }.joined(separator: "\n") + "\n"
    }

    /// A parsed value as Foundation types, numbers as the exact doubles written.
    static func plain(_ v: JSONValue) -> Any {
        switch v {
        case .null: return NSNull()
        case let .bool(b): return b
        case let .number(d, _): return d
        case let .string(s): return s
        case let .array(a): return a.map(plain)
        case let .object(o): return Dictionary(o.pairs.map { ($0.key, plain($0.value)) }, uniquingKeysWith: { $1 })
        }
    }

    static func folder() throws -> URL {
        let dir = try CLI.folder([
            "rules.yaml": rules,
            "base.jsonl": calls(prefix: "b", count: 40, applied: 30, booked: 10, solved: 20, turns: { $0 % 3 + 1 }),
            "candidate.jsonl": calls(prefix: "c", count: 40, applied: 20, booked: 18, solved: 20, turns: { $0 % 3 + 2 }),
        ])
        try CLI.run(["score", "--rules", "rules.yaml", "base.jsonl", "-o", "b.jsonl"], in: dir)
        try CLI.run(["score", "--rules", "rules.yaml", "candidate.jsonl", "-o", "c.jsonl"], in: dir)
        return dir
    }

    @Test("each metric's figures and test; Holm over the family; JSON with exactly the documented keys")
    func figures() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["compare", "--rules", "rules.yaml", "--format", "json", "b.jsonl", "c.jsonl"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        // Read with Verdict's own parser: Foundation's may round the last digit of a double.
        let json = try #require(Self.plain(try JSONParser.parse(Array(run.stdout.utf8))) as? [String: Any])
        #expect(Array((json.keys).sorted()) == ["alpha", "base", "candidate", "metrics"])
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        #expect(metrics.map { $0["name"] as? String } == ["Booking: completed", "Call: outcome", "Call: turns"])
        let booking = metrics[0]
        #expect(Set(booking.keys) == ["name", "type", "test", "base", "candidate", "difference", "ci", "p", "adjusted_p", "significant", "applied_p"])
        #expect(booking["test"] as? String == "fisher")
        // 10 of 30 booked against 18 of 20.
        #expect((booking["base"] as? [String: Any])?["rate"] as? Double == 10.0 / 30)
        #expect(abs((booking["difference"] as! Double) - (18.0 / 20 - 10.0 / 30)) < 1e-15)
        let p = Statistics.fisherExact(18, 2, 10, 20)
        #expect(booking["p"] as? Double == p)
        let ci = try #require(Statistics.newcombe(18, 20, 10, 30))
        #expect(booking["ci"] as? [Double] == [ci.low, ci.high])
        // Applied in 30 of 40 against 20 of 40.
        #expect(booking["applied_p"] as? Double == Statistics.fisherExact(20, 20, 30, 10))
        let outcome = metrics[1]
        #expect(outcome["test"] as? String == "chi2")
        #expect(outcome["p"] as? Double == Statistics.chiSquare([20, 20], [20, 20])?.p)
        #expect((outcome["difference"] as? [String: Double]) == ["solved": 0, "open": 0])
        let turns = metrics[2]
        #expect(turns["test"] as? String == "mann-whitney")
        let baseTurns = (0..<40).map { Double($0 % 3 + 1) }, candidateTurns = (0..<40).map { Double($0 % 3 + 2) }
        #expect(turns["p"] as? Double == Statistics.mannWhitney(baseTurns, candidateTurns)?.p)
        #expect(abs((turns["difference"] as! Double) - 1) < 1e-12)
        let adjusted = Statistics.holm([p, Statistics.chiSquare([20, 20], [20, 20])?.p, Statistics.mannWhitney(baseTurns, candidateTurns)?.p])
        #expect(metrics.map { $0["adjusted_p"] as? Double } == adjusted)
        #expect(metrics.map { $0["significant"] as? Bool } == adjusted.map { $0! < 0.05 })
    }

    @Test("text lists significant metrics first; --fail-on significant exits 1; --alpha out of range is a usage error")
    func textAndExit() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try CLI.run(["compare", "--rules", "rules.yaml", "b.jsonl", "c.jsonl"], in: dir)
        #expect(text.status == 0)
        let order = text.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("    ") }.map { String($0.dropFirst(2)) }
        #expect(order.first?.hasSuffix("SIGNIFICANT") == true)
        #expect(order.last == "Call: outcome (categorical)")
        #expect(text.stdout.contains("    base       33.3% of 30\n    candidate  90.0% of 20\n"))
        let gate = try CLI.run(["compare", "--rules", "rules.yaml", "--fail-on", "significant", "b.jsonl", "c.jsonl"], in: dir)
        #expect(gate.status == 1)
        let same = try CLI.run(["compare", "--rules", "rules.yaml", "--fail-on", "significant", "b.jsonl", "b.jsonl"], in: dir)
        #expect(same.status == 0)
        let alpha = try CLI.run(["compare", "--alpha", "1.5", "b.jsonl", "c.jsonl"], in: dir)
        #expect(alpha.status == 2)
        #expect(alpha.stderr.hasPrefix("Error: --alpha must be between 0 and 1, not 1.5\n"))
    }

    @Test("a side with no ok result gives no p, and stays out of the family")
    func noOkResult() throws {
        var x = Comparison.Figures(), y = Comparison.Figures()
        x.conversations = 3
        y.conversations = 3
        y.n = 2
        y.trueCount = 1
        let m = Comparison.compare(name: "m", rule: nil, base: x, candidate: y, kinds: ["boolean"])
        #expect(m.p == nil && m.difference == nil && m.interval == nil)
        #expect(Statistics.holm([m.p, 0.01]) == [nil, 0.01])
    }
}
