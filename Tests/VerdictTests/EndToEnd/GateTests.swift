import Foundation
import Testing
@testable import Verdict

/// `--require`: release gates for report, compare and diff.
@Suite("Release gates", .serialized)
struct GateTests {
    static let results = "Tests/Golden/inputs/before.jsonl"

    @Test("expressions: figures, labels after the last ' = ', percentages, delta and not significant")
    func parse() throws {
        let share = try Gate.parse("share(Call: outcome = a = b) >= 80%").get()
        guard case let .figure(figure, metric, label, delta, comparison, threshold, percent) = share.kind else { Issue.record("not a figure"); return }
        #expect(figure == .share && metric == "Call: outcome = a" && label == "b" && !delta && comparison == .atLeast && threshold == 0.8 && percent)
        let d = try Gate.parse(" delta(rate(Booking: completed)) < -2.5% ").get()
        guard case let .figure(_, name, _, isDelta, op, t, _) = d.kind else { Issue.record("not a figure"); return }
        #expect(name == "Booking: completed" && isDelta && op == .less && t == -0.025)
        guard case let .notSignificant(m) = try Gate.parse("not significant(Auth: outcome)").get().kind else { Issue.record("not 'not significant'"); return }
        #expect(m == "Auth: outcome")
        let errors = ["rate(x) => 1", "ratio(x) > 1", "rate(x) > much", "share(x) > 1", "rate() > 1", "x"].map { text -> String in
            if case let .failure(e) = Gate.parse(text) { return e.message }
            return "parsed"
        }
        #expect(errors == [
            "--require 'rate(x) => 1': expected one of >=, >, <=, <, == after 'rate(x)'",
            "--require 'ratio(x) > 1': unknown figure in 'ratio(x)'; one of rate(NAME), share(NAME), applied(NAME), n(NAME), mean(NAME), median(NAME), p90(NAME), and delta(...) of them",
            "--require 'rate(x) > much': 'much' is not a number or a percentage",
            "--require 'share(x) > 1': share takes NAME = LABEL",
            "--require 'rate() > 1': name a metric",
            "--require 'x': expected FIGURE(NAME) OP THRESHOLD, such as 'rate(Booking: completed) >= 80%', or 'not significant(NAME)'",
        ])
    }

    @Test("report: each gate's outcome on stderr with the value found; exit 1 when one fails; unknown names exit 2")
    func report() throws {
        let run = try CLI.run(["report", "--rules", "rules", "--require", "rate(Booking: completed) >= 80%", "--require", "share(Auth: outcome = verified) > 0.3",
                               "--require", "mean(Call: duration) < 10", "--require", "n(Booking: completed) == 17", Self.results])
        #expect(run.status == 1)
        #expect(run.stderr == """
        verdict: gate FAILED: rate(Booking: completed) >= 80% (found 29.41% [13.28%, 53.13%])
        verdict: gate passed: share(Auth: outcome = verified) > 0.3 (found 0.4)
        verdict: gate passed: mean(Call: duration) < 10 (found 7.6403)
        verdict: gate passed: n(Booking: completed) == 17 (found 17)

        """)
        #expect(run.stdout.hasPrefix("Verdict report"))
        let pass = try CLI.run(["report", "--rules", "rules", "--require", "applied(Booking: completed) >= 20%", Self.results])
        #expect(pass.status == 0)
        for (gate, message) in [
            ("rate(Booking: complete) >= 80%", "verdict: --require 'rate(Booking: complete) >= 80%': no metric named 'Booking: complete' in the results (did you mean 'Booking: completed'?)\n"),
            ("share(Auth: outcome = verifed) > 0", "verdict: --require 'share(Auth: outcome = verifed) > 0': no label 'verifed' in 'Auth: outcome' (did you mean 'verified'?)\n"),
            ("mean(Booking: completed) > 0", "verdict: --require 'mean(Booking: completed) > 0': mean is for number metrics; 'Booking: completed' is boolean\n"),
            ("delta(rate(Booking: completed)) > 0", "verdict: --require 'delta(rate(Booking: completed)) > 0': 'delta' needs two sides (compare or diff)\n"),
        ] {
            let run = try CLI.run(["report", "--rules", "rules", "--require", gate, Self.results])
            #expect(run.status == 2, "\(gate)")
            #expect(run.stderr == message)
        }
    }

    @Test("compare and diff: delta is candidate − base, not significant reads the test; the interval shown is compare's")
    func twoSides() throws {
        let dir = try CLI.folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: Support.root.appendingPathComponent("rules"), to: dir.appendingPathComponent("rules"))
        let booking = dir.appendingPathComponent("rules/booking.yaml")
        try Data(try String(contentsOf: booking, encoding: .utf8).replacingOccurrences(of: "within_turns: 2", with: "within_turns: 0").utf8).write(to: booking)
        let changed = try CLI.run(["score", "--rules", dir.appendingPathComponent("rules").path, "fixtures", "-o", dir.appendingPathComponent("changed.jsonl").path])
        #expect(changed.status == 0)
        let new = dir.appendingPathComponent("changed.jsonl").path
        let compare = try CLI.run(["compare", "--rules", "rules", "--require", "delta(rate(Booking: completed)) >= -2%", "--require", "not significant(Booking: completed)", Self.results, new])
        #expect(compare.status == 1)
        let ci = try #require(Statistics.newcombe(0, 17, 5, 17))
        #expect(compare.stderr == """
        verdict: gate FAILED: delta(rate(Booking: completed)) >= -2% (found -29.41% [\(NumberText.decimal(ci.low * 100, places: 2))%, \(NumberText.decimal(ci.high * 100, places: 2))%])
        verdict: gate passed: not significant(Booking: completed) (found not significant)

        """)
        let diff = try CLI.run(["diff", "--fail-on", "none", "--require", "delta(rate(Booking: completed)) >= -30%", Self.results, new])
        #expect(diff.status == 0)
        #expect(diff.stderr == "verdict: gate passed: delta(rate(Booking: completed)) >= -30% (found -29.41%)\n")
    }
}
