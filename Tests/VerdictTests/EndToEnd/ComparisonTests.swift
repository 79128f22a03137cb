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

@Suite("Cohorts and --where", .serialized)
struct CohortTests {
    /// Calls of three variants (in metadata), booked more often under v13.
    static func folder() throws -> URL {
        var lines: [String] = []
        for (variant, booked) in [("v12", 5), ("v13", 18), ("v14", 10)] {
            for i in 0..<20 {
                let channel = i % 2 == 0 ? "voice" : "chat"
                let agent = i < booked ? "booked" : "sorry"
                lines.append(#"{"id":"\#(variant)-\#(i)","metadata":{"variant":"\#(variant)","channel":"\#(channel)","n":\#(i % 3)},"events":[{"type":"user","text":"book"},{"type":"agent","text":"\#(agent)"}]}"#)
            }
        }
        lines.append(#"{"id":"none","events":[{"type":"user","text":"book"}]}"#)
        let rules = "metrics:\n  - {name: \"Booking: completed\", type: boolean, definition: d, applies_when: {user: book}, when: {agent: booked}}\n"
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": lines.joined(separator: "\n") + "\n"])
        try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl", "-o", "res.jsonl"], in: dir)
        return dir
    }

    @Test("a metadata path names a cohort: strings as they are, other values as compact JSON, (none) where missing")
    func cohortText() throws {
        let path = try #require(MetadataPath("metadata.a.0"))
        #expect(path.cohort(of: try JSONParser.parse(Array(#"{"a":["x"]}"#.utf8))) == "x")
        #expect(path.cohort(of: try JSONParser.parse(Array(#"{"a":[{"b":1.50}]}"#.utf8))) == #"{"b":1.50}"#)
        #expect(path.cohort(of: try JSONParser.parse(Array(#"{"a":[null]}"#.utf8))) == "(none)")
        #expect(path.cohort(of: nil) == "(none)")
        #expect(MetadataPath("channel") == nil && MetadataPath("metadata.") == nil && MetadataPath("metadata.a..b") == nil)
    }

    @Test("compare --by metadata.variant --baseline v12: every other cohort against it, in byte order")
    func cohortsAgainstBaseline() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["compare", "--rules", "rules.yaml", "--by", "metadata.variant", "--baseline", "v12", "--format", "json", "res.jsonl"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(ComparisonTests.plain(try JSONParser.parse(Array(run.stdout.utf8))) as? [String: Any])
        #expect(json["by"] as? String == "metadata.variant" && json["baseline"] as? String == "v12")
        let comparisons = try #require(json["comparisons"] as? [[String: Any]])
        #expect(comparisons.map { ($0["candidate"] as? [String: Any])?["name"] as? String }
                == ["metadata.variant=(none)", "metadata.variant=v13", "metadata.variant=v14"])
        let v13 = try #require((comparisons[1]["metrics"] as? [[String: Any]])?.first)
        #expect(v13["p"] as? Double == Statistics.fisherExact(18, 2, 5, 15))
        let missing = try CLI.run(["compare", "--by", "metadata.variant", "--baseline", "v11", "res.jsonl"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr == "verdict: no cohort 'v11' in metadata.variant (did you mean 'v12'?)\n")
    }

    @Test("--where keeps only the lines whose metadata matches, for compare, report, diff and sample")
    func whereFilter() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "--where", "metadata.variant=v13", "--where", "metadata.channel=voice", "res.jsonl"], in: dir)
        #expect(report.stdout.hasPrefix(#"{"conversations":10,"#))
        let numbers = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "--where", "metadata.n=2", "res.jsonl"], in: dir)
        #expect(numbers.stdout.hasPrefix(#"{"conversations":18,"#))
        let none = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "--where", "metadata.variant=(none)", "res.jsonl"], in: dir)
        #expect(none.stdout.hasPrefix(#"{"conversations":1,"#))
        let sample = try CLI.run(["sample", "--metric", "Booking: completed", "--value", "false", "-n", "50", "--where", "metadata.variant=v13", "res.jsonl"], in: dir)
        #expect(sample.stdout == "v13-18\nv13-19\n")
        let diff = try CLI.run(["diff", "--where", "metadata.variant=v14", "res.jsonl", "res.jsonl"], in: dir)
        #expect(diff.status == 0)
        let compare = try CLI.run(["compare", "--where", "metadata.channel=chat", "res.jsonl", "res.jsonl"], in: dir)
        #expect(compare.stdout.hasPrefix("Verdict compare: res.jsonl (30 conversations) → res.jsonl (30 conversations)\n"))
        let bad = try CLI.run(["report", "--where", "channel=voice", "res.jsonl"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("Error: --where takes metadata.PATH=VALUE (a dotted path into the metadata, then '=' and the value): 'channel=voice'\n"))
    }
}

@Suite("diff: paired tests", .serialized)
struct PairedTestTests {
    static func line(_ id: String, _ metrics: [(String, String)]) -> String {
        let body = metrics.map { #""\#($0.0)":{"status":"ok","value":\#($0.1),"triggered_at":0,"evidence":[]}"# }.joined(separator: ",")
        return #"{"id":"\#(id)","metrics":{\#(body)},"flows":[],"functions":[],"logged":{}}"#
    }

    @Test("McNemar for booleans, per label for categoricals, the sign test for numbers; Holm across metrics; --fail-on")
    func pairedTests() throws {
        var old: [String] = [], new: [String] = []
        for i in 0..<12 {
            // Booked: 7 calls go true → false, 1 false → true. Outcome: 'a' → 'b' in 6 calls. Turns: 9 up, 1 down, 2 equal.
            let bookedBefore = i < 8 ? "true" : "false", bookedAfter = i < 7 ? "false" : i == 8 ? "true" : bookedBefore
            let labelBefore = #""a""#, labelAfter = i < 6 ? #""b""# : #""a""#
            let turnsBefore = "\(i)", turnsAfter = i < 9 ? "\(i + 1)" : i == 9 ? "\(i - 1)" : "\(i)"
            old.append(Self.line("c\(i)", [("Booked", bookedBefore), ("Outcome", labelBefore), ("Turns", turnsBefore)]))
            new.append(Self.line("c\(i)", [("Booked", bookedAfter), ("Outcome", labelAfter), ("Turns", turnsAfter)]))
        }
        let dir = try CLI.folder(["old.jsonl": old.joined(separator: "\n") + "\n", "new.jsonl": new.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let diff = ResultDiff.compare(old: [dir.appendingPathComponent("old.jsonl").path], new: [dir.appendingPathComponent("new.jsonl").path])
        let byName = Dictionary(uniqueKeysWithValues: diff.metrics.map { ($0.metric, $0) })
        // 7 against 1 of 8: 2 × (1 + 8)/256.
        #expect(byName["Booked"]?.test == "mcnemar" && byName["Booked"]?.p == 18.0 / 256)
        // Label 'a' lost 6, gained 0 (p 2/64); label 'b' gained 6 (p 2/64): the smaller times 2 labels.
        #expect(byName["Outcome"]?.p == 4.0 / 64)
        // 9 up, 1 down: 2 × (1 + 10)/1024.
        #expect(byName["Turns"]?.test == "sign" && byName["Turns"]?.p == 22.0 / 1024)
        let adjusted = Statistics.holm([18.0 / 256, 4.0 / 64, 22.0 / 1024])
        #expect(diff.metrics.map(\.adjustedP) == adjusted)
        #expect(diff.metrics.map(\.significant) == adjusted.map { $0! < 0.05 })
        let json = try CLI.run(["diff", "--format", "json", "old.jsonl", "new.jsonl"], in: dir)
        #expect(json.stdout.contains(#""metric":"Booked","compared":12,"changed":8,"p":0.0703125,"adjusted_p":0.125,"significant":false,"#))
        #expect(try CLI.run(["diff", "old.jsonl", "new.jsonl"], in: dir).status == 1)
        // Holm: 3 × 22/1024 ≈ 0.064 is the smallest adjusted p.
        #expect(try CLI.run(["diff", "--fail-on", "significant", "old.jsonl", "new.jsonl"], in: dir).status == 0)
        #expect(try CLI.run(["diff", "--fail-on", "significant", "--alpha", "0.1", "old.jsonl", "new.jsonl"], in: dir).status == 1)
        #expect(try CLI.run(["diff", "--fail-on", "none", "old.jsonl", "new.jsonl"], in: dir).status == 0)
    }
}

@Suite("report --by metadata.PATH", .serialized)
struct ReportCohortTests {
    @Test("JSON: top-level by, and per metric its figures per cohort; (other) adds up the cohorts past --max-cohorts")
    func cohortsJSON() throws {
        let dir = try CohortTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "--by", "metadata.variant", "res.jsonl"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(ComparisonTests.plain(try JSONParser.parse(Array(run.stdout.utf8))) as? [String: Any])
        #expect(json["by"] as? String == "metadata.variant")
        let metric = try #require((json["metrics"] as? [[String: Any]])?.first)
        let cohorts = try #require(metric["cohorts"] as? [[String: Any]])
        #expect(cohorts.map { $0["cohort"] as? String } == ["(none)", "v12", "v13", "v14"])
        #expect(cohorts.map { $0["true"] as? Double } == [0, 5, 18, 10])
        #expect(cohorts.map { $0["conversations"] as? Double } == [1, 20, 20, 20])
        let v13 = cohorts[2]
        let ci = try #require(Statistics.wilson(18, 20))
        #expect(v13["rate"] as? Double == 0.9 && v13["interval"] as? [Double] == [ci.low, ci.high])
        #expect((v13["statuses"] as? [String: Double])?["ok"] == 20)
        // Two cohorts listed: the largest (by conversations, then in byte order); the others add up.
        let capped = try CLI.run(["report", "--rules", "rules.yaml", "--format", "json", "--by", "metadata.variant", "--max-cohorts", "2", "res.jsonl"], in: dir)
        let top = try #require(((ComparisonTests.plain(try JSONParser.parse(Array(capped.stdout.utf8))) as? [String: Any])?["metrics"] as? [[String: Any]])?.first?["cohorts"] as? [[String: Any]])
        #expect(top.map { $0["cohort"] as? String } == ["v12", "v13", "(other)"])
        #expect(top.map { $0["true"] as? Double } == [5, 18, 10])
        #expect(top.map { $0["conversations"] as? Double } == [20, 20, 21])
    }

    @Test("text and Markdown list each cohort under its metric; --by takes a period and a path once each")
    func cohortsText() throws {
        let dir = try CohortTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["report", "--rules", "rules.yaml", "--by", "week", "--by", "metadata.channel", "res.jsonl"], in: dir)
        #expect(run.stdout.contains("""
            by metadata.channel:
              (none)  true in 0 of 1: 0.0% (95% CI 0.0%–79.3%); applied in 1 of 1
              chat    true in 16 of 30: 53.3% (95% CI 36.1%–69.8%); applied in 30 of 30
              voice   true in 17 of 30: 56.7% (95% CI 39.2%–72.6%); applied in 30 of 30

        """), "\(run.stdout)")
        let markdown = try CLI.run(["report", "--rules", "rules.yaml", "-f", "markdown", "--by", "metadata.channel", "res.jsonl"], in: dir)
        #expect(markdown.stdout.contains("| chat | 30 of 30 | true in 16 of 30: 53.3% (95% CI 36.1%–69.8%) |\n"))
        let html = try CLI.run(["report", "--rules", "rules.yaml", "-f", "html", "--by", "metadata.channel", "res.jsonl"], in: dir)
        #expect(html.stdout.contains("<section id=\"cohorts\"><h2>By metadata.channel</h2>"))
        let twice = try CLI.run(["report", "--by", "metadata.a", "--by", "metadata.b", "res.jsonl"], in: dir)
        #expect(twice.status == 2)
        #expect(twice.stderr.hasPrefix("Error: --by may be given twice: once a period (day or week), once a metadata path\n"))
        let wrong = try CLI.run(["report", "--by", "channel", "res.jsonl"], in: dir)
        #expect(wrong.stderr.hasPrefix("Error: --by takes day, week or metadata.PATH (a dotted path into the metadata): 'channel'\n"))
    }
}

@Suite("compare --format html")
struct ComparisonHTMLTests {
    @Test("names from rules and results are escaped; one row per metric; a forest mark per boolean metric")
    func page() throws {
        var x = Comparison.Figures(), y = Comparison.Figures()
        x.conversations = 10; x.n = 10; x.trueCount = 2
        y.conversations = 10; y.n = 10; y.trueCount = 9
        var m = Comparison.compare(name: "<script>alert(1)</script>", rule: nil, base: x, candidate: y, kinds: ["boolean"])
        m.adjustedP = m.p
        m.significant = true
        let c = Comparison(base: .init(name: "a&b", conversations: 10), candidate: .init(name: "<i>", conversations: 10), alpha: 0.05, metrics: [m], problems: [])
        let html = c.rendered(.html)
        #expect(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("a&amp;b → &lt;i&gt;"))
        #expect(html.components(separatedBy: "<tr class=\"significant\" data-metric=").count == 2)
        #expect(html.components(separatedBy: "<circle").count == 2)
        #expect(!html.contains("<script"))
    }
}

@Suite("report --by: a trend per cohort")
struct ReportCohortTrendTests {
    @Test("each cohort carries its own trend, as the metric does, and the cohorts' trends add up to the metric's")
    func cohortTrends() throws {
        let run = try CLI.run(["report", "--rules", "rules", "--format", "json", "--by", "day", "--by", "metadata.channel", "Tests/Golden/inputs/before.jsonl"])
        #expect(run.status == 0)
        let json = try #require(ComparisonTests.plain(try JSONParser.parse(Array(run.stdout.utf8))) as? [String: Any])
        let metric = try #require((json["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "Booking: completed" })
        let trend = try #require(metric["trend"] as? [[String: Any]])
        let cohorts = try #require(metric["cohorts"] as? [[String: Any]])
        var sums: [String: Double] = [:]
        for c in cohorts {
            for p in try #require(c["trend"] as? [[String: Any]]) { sums[p["period"] as! String, default: 0] += p["true"] as! Double }
        }
        #expect(!trend.isEmpty)
        for p in trend { #expect(sums[p["period"] as! String] == p["true"] as? Double, "\(p)") }
    }
}
