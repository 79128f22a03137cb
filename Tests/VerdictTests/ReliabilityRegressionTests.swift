import Foundation
import Testing
@testable import Verdict

/// Regression tests for the third reliability round: crashes, silent wrong answers and output
/// paths. Each test is named after the bug it guards; each one failed before its fix.
@Suite("Reliability: crashes", .serialized)
struct ReliabilityCrashTests {
    static let scoreRules = """
    metrics:
      - name: "Score: value"
        type: number
        definition: The logged score in points.
        applies_when: {state: score}
        value: {value_of: {state: score}}
    """

    @Test("report traps on number results near the ends of the double range (every format)")
    func reportNearDoubleRange() throws {
        let calls = [#"{"id":"a","events":[{"type":"state","key":"score","value":1e308}]}"#,
                     #"{"id":"b","events":[{"type":"state","key":"score","value":-1e308}]}"#,
                     #"{"id":"c","events":[{"type":"state","key":"score","value":1.7976931348623157e308}]}"#,
                     #"{"id":"d","events":[{"type":"state","key":"score","value":5}]}"#]
        let dir = try CLI.folder(["rules.yaml": Self.scoreRules, "calls.jsonl": calls.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let scored = try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl", "-o", "res.jsonl"], in: dir)
        #expect(scored.status == 0)
        for format in ["text", "json", "markdown", "html"] {
            let run = try CLI.run(["report", "--format", format, "--rules", "rules.yaml", "res.jsonl"], in: dir)
            #expect(run.status == 0, "\(format): \(run.stderr)")
            #expect(!run.stdout.contains("inf") && !run.stdout.contains("nan") && !run.stdout.contains("NaN"), "\(format)")
        }
        let json = try CLI.run(["report", "--format", "json", "--rules", "rules.yaml", "res.jsonl"], in: dir).stdout
        // The mean of 1e308, -1e308, the largest double and 5 overflows a plain running sum.
        #expect(json.contains(#""n":4,"mean":4.4942328371557893e+307,"median":5,"p90":1.7976931348623157e+308,"min":-1e+308,"max":1.7976931348623157e+308"#))
        let text = try CLI.run(["report", "--rules", "rules.yaml", "res.jsonl"], in: dir).stdout
        #expect(text.contains("n 4 · mean 4.49423e+307 · median 5 · p90 1.79769e+308 · min -1e+308 · max 1.79769e+308"))
    }

    @Test("a mean whose running sum overflows is still the mean")
    func overflowSafeMean() {
        var d = NumberDistribution(exactLimit: 10)
        for _ in 0..<4 { d.add(1.5e308) }
        #expect(d.mean == 1.5e308)
        var mixed = NumberDistribution(exactLimit: 10)
        for x in [1e308, 1e308, -1e308, 3.0] { mixed.add(x) }
        #expect(mixed.mean! > 2.4e307 && mixed.mean! < 2.6e307)
        let bins = mixed.histogram()
        #expect(bins.count == 10 && bins.allSatisfy { $0.lower.isFinite })
        #expect(bins.map(\.count).reduce(0, +) == 4)
        #expect(bins.first!.count == 1 && bins.last!.count == 2)
    }

    @Test("JSON report carries full precision; text rounds")
    func reportJSONFullPrecision() throws {
        let calls = [1, 2, 2].enumerated().map { i, v in #"{"id":"c\#(i)","events":[{"type":"state","key":"score","value":\#(v)}]}"# }
        let dir = try CLI.folder(["rules.yaml": Self.scoreRules, "calls.jsonl": calls.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl", "-o", "res.jsonl"], in: dir)
        let json = try CLI.run(["report", "--format", "json", "--rules", "rules.yaml", "res.jsonl"], in: dir).stdout
        #expect(json.contains(#""mean":1.6666666666666667"#))
        let text = try CLI.run(["report", "--rules", "rules.yaml", "res.jsonl"], in: dir).stdout
        #expect(text.contains("mean 1.67"))
    }
}
