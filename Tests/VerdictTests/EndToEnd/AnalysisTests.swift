import Foundation
import Testing
@testable import Verdict

private func golden(_ name: String) throws -> String {
    try String(contentsOf: Support.root.appendingPathComponent("Tests/Golden/\(name)"), encoding: .utf8)
}

/// `report`, `diff` and `sample` on the bundled example, against golden files
/// (scripts/update-golden.sh rewrites them after a deliberate change).
@Suite("Analysis commands", .serialized)
struct AnalysisCommandTests {
    static let results = "Tests/Golden/inputs/before.jsonl"

    @Test("report: every format matches its golden file", arguments: ["text", "markdown", "html", "json"])
    func report(format: String) throws {
        let run = try CLI.run(["report", "--rules", "rules", "--format", format, Self.results])
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout == (try golden("report-bundled.\(format)")))
    }

    @Test("report: the HTML is self-contained (no scripts, no external resources)")
    func htmlSelfContained() throws {
        let html = try golden("report-bundled.html")
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
    }

    @Test("the HTML report's trend charts label a date between the first and the last")
    func trendDates() throws {
        let html = try golden("report-bundled.html")
        let middle = html.components(separatedBy: "text-anchor=\"middle\">2026-").count - 1
        #expect(middle >= 1, "no trend chart labels a date in the middle")
    }

    /// `inputs/after.jsonl` is the bundled example scored with `within_turns: 0` instead of 2 in
    /// booking.yaml (see scripts/update-golden.sh): a fixed input, so that a scoring change
    /// does not rewrite this golden file.
    @Test("diff: the bundled results against those of a copy with one rule changed; exit 1", arguments: ["text", "markdown", "json"])
    func diff(format: String) throws {
        let run = try CLI.run(["diff", "--format", format, Self.results, "Tests/Golden/inputs/after.jsonl"])
        #expect(run.status == 1)
        #expect(run.stdout == (try golden("diff-bundled.\(format)")))
    }

    @Test("diff: a line that is not score output is reported and left out, the rest compared; exit 3, as report and sample")
    func diffUnreadableLine() throws {
        let lines = try golden("inputs/before.jsonl")
        let dir = try CLI.folder(["new.jsonl": lines + "not a result line\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["diff", Self.results, dir.appendingPathComponent("new.jsonl").path])
        #expect(run.status == 3)
        #expect(run.stdout == "No changes.\n")
        #expect(run.stderr.contains(":\(lines.split(separator: "\n").count + 1): invalid JSON"))
        let sample = try CLI.run(["sample", "--metric", "Booking: completed", "--value", "false", "--count", "2", Self.results])
        #expect(sample.status == 0 && sample.stdout.split(separator: "\n").count == 2)
    }

    @Test("diff: identical results exit 0; --metric narrows; ids on one side are listed")
    func diffSameAndOneSided() throws {
        let same = try CLI.run(["diff", Self.results, Self.results])
        #expect(same.status == 0 && same.stdout == "No changes.\n")
        let lines = try golden("inputs/before.jsonl").split(separator: "\n")
        let dir = try CLI.folder(["head.jsonl": lines.prefix(27).joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["diff", "--format", "json", "--metric", "Greeting: prompt", Self.results, dir.appendingPathComponent("head.jsonl").path])
        #expect(run.status == 1)
        #expect(run.stdout.contains(#""metrics":[{"metric":"Greeting: prompt","compared":27,"changed":0,"p":1,"adjusted_p":1,"significant":false,"transitions":[]}]"#))
        // The result lines left out of head.jsonl are the ones only OLD has, in OLD's order.
        let leftOut = try lines.dropFirst(27).map { line -> String in
            let id = try #require(JSONParser.parse(String(line)).objectValue?["id"]?.stringValue)
            return "\"\(id)\""
        }
        #expect(leftOut.count >= 2)
        #expect(run.stdout.contains(#""only_old":["# + leftOut.joined(separator: ",") + "]"))
        #expect(run.stdout.contains(#""only_new":[]"#))
    }

    @Test("sample --conversations INPUT RESULTS, the README's order, prints the same transcripts as results first")
    func sampleConversationsOrder() throws {
        let base = ["sample", "--metric", "Booking: completed", "--value", "false", "-n", "2", "--seed", "7"]
        let readmeOrder = try CLI.run(base + ["--conversations", "fixtures", Self.results])
        let resultsFirst = try CLI.run(base + [Self.results, "--conversations", "fixtures"])
        #expect(readmeOrder.status == 0, "\(readmeOrder.stderr)")
        #expect(readmeOrder.stdout == resultsFirst.stdout)
        let printed = readmeOrder.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)).objectValue?["id"]?.stringValue }
        let sampled = try CLI.run(base + [Self.results]).stdout.split(separator: "\n").map(String.init)
        #expect(printed.count == 2)
        #expect(Set(printed) == Set(sampled))
    }

    @Test("sample: the golden draw; the same seed gives the same sample, another seed may not")
    func sample() throws {
        let arguments = ["sample", "--metric", "Booking: completed", "--value", "false", "-n", "3", "--seed", "7", Self.results]
        let run = try CLI.run(arguments)
        #expect(run.status == 0)
        #expect(run.stdout == (try golden("sample-bundled.txt")))
        #expect(try CLI.run(arguments).stdout == run.stdout)
        // A sample as large as the population lists every conversation with Booking: completed false.
        let lines = try String(contentsOf: Support.root.appendingPathComponent(Self.results), encoding: .utf8).split(separator: "\n")
        let falseCount = lines.filter { $0.contains(#""Booking: completed":{"status":"ok","value":false"#) }.count
        #expect(falseCount > 3)
        let all = try CLI.run(["sample", "--metric", "Booking: completed", "--value", "false", "-n", "1000", Self.results])
        #expect(all.stdout.split(separator: "\n").count == falseCount)
        let seeds = try (1...8).map { try CLI.run(["sample", "--metric", "Booking: completed", "--value", "false", "-n", "3", "--seed", "\($0)", Self.results]).stdout }
        #expect(Set(seeds).count > 1)
    }

    @Test("sample: --status, and --conversations prints the transcripts as JSON Lines")
    func sampleTranscripts() throws {
        let run = try CLI.run(["sample", "--metric", "Handoff: destination", "--status", "unmatched", "-n", "1", "--conversations", "fixtures", "--", Self.results])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let value = try JSONParser.parse(String(lines[0]))
        guard case let .object(o) = value else { Issue.record("not an object"); return }
        #expect(o["events"] != nil)
        let ids = try CLI.run(["sample", "--metric", "Handoff: destination", "--status", "unmatched", "-n", "1", Self.results]).stdout
        #expect(o["id"] == .string(String(ids.dropLast())))
    }
}

@Suite("Analysis")
struct AnalysisTests {
    @Test("Wilson interval: known values")
    func wilson() throws {
        let ci = try #require(Report.wilson(4, 5))
        #expect(abs(ci.low - 0.3755) < 0.0001 && abs(ci.high - 0.9638) < 0.0001)
        let none = try #require(Report.wilson(0, 10))
        #expect(none.low == 0 && abs(none.high - 0.2775) < 0.0001)
        #expect(Report.wilson(0, 0) == nil)
    }

    @Test("periods: UTC days and ISO weeks, across year ends", arguments: [
        ("2026-03-12T23:59:59Z", "2026-03-12", "2026-W11"),
        ("2026-03-12T23:30:00-01:00", "2026-03-13", "2026-W11"),
        ("2026-01-01T00:00:00Z", "2026-01-01", "2026-W01"),
        ("2027-01-01T12:00:00Z", "2027-01-01", "2026-W53"),
        ("2024-12-30T08:00:00Z", "2024-12-30", "2025-W01"),
        ("1969-12-31T23:00:00Z", "1969-12-31", "1970-W01"),
    ])
    func periods(time: String, day: String, week: String) throws {
        let t = try #require(Timestamp.parseDateTime(time))
        #expect(ReportBuilder.periodKey(t, .day) == day)
        #expect(ReportBuilder.periodKey(t, .week) == week)
    }

    @Test("score marks the failed items of a top-level all when false, and only then")
    func failedItems() throws {
        let yaml = Support.booleanMetric("{all: [{agent: hello}, {user: sure}, {agent: bye}]}")
        let no = try Support.score(yaml, Support.events(#"{"type":"agent","text":"hello"},{"type":"user","text":"no"}"#))
        #expect(no.metrics[0].value == .bool(false))
        #expect(no.metrics[0].failedItems == [1, 2])
        #expect(no.metrics[0].evidence == [])
        let yes = try Support.score(yaml, Support.events(#"{"type":"agent","text":"hello"},{"type":"user","text":"sure"},{"type":"agent","text":"bye"}"#))
        #expect(yes.metrics[0].value == .bool(true) && yes.metrics[0].failedItems == nil)
        #expect(yes.metrics[0].evidence == [0, 1, 2])
        let plain = try Support.score(Support.booleanMetric("{agent: bye}"), Support.events(#"{"type":"agent","text":"hello"}"#))
        #expect(plain.metrics[0].failedItems == nil)
    }

    @Test("report: statuses, rates, labels, failing items and unreadable lines, from lines")
    func aggregation() throws {
        let lines = [
            #"{"id":"a","started_at":"2026-03-01T10:00:00Z","metrics":{"B":{"status":"ok","value":false,"triggered_at":0,"evidence":[],"failed_items":[1]},"C":{"status":"ok","value":"x","triggered_at":0,"evidence":[]}},"flows":["F","G"],"functions":["f","f"],"logged":{"N":[1,3]}}"#,
            #"{"id":"b","started_at":"2026-03-02T10:00:00Z","metrics":{"B":{"status":"ok","value":true,"triggered_at":0,"evidence":[1]},"C":{"status":"not_applicable","value":null,"triggered_at":null,"evidence":[]}},"flows":["G"],"functions":[],"logged":{}}"#,
            #"{"id":"c","metrics":{"B":{"status":"ok","value":false,"triggered_at":0,"evidence":[],"failed_items":[0,1]},"C":{"status":"unmatched","value":null,"triggered_at":0,"evidence":[]}},"flows":[],"functions":["f"],"logged":{"N":2}}"#,
            #"{"source":"x.jsonl:4","id":null,"error":"invalid JSON"}"#,
        ]
        let builder = ReportBuilder(rules: nil, period: .day)
        for line in lines {
            let bytes = Array(line.utf8)
            builder.add(try bytes.withUnsafeBufferPointer { ResultLine.parse($0, source: "t") }.get())
        }
        let r = builder.finish()
        #expect(r.conversations == 3 && r.unreadable == 1)
        let b = r.metrics[0], c = r.metrics[1]
        #expect(b.name == "B" && b.type == "boolean" && b.trueCount == 1 && b.falseCount == 2)
        #expect(b.failing.map(\.item) == [1, 0] && b.failing.map(\.count) == [2, 1])
        #expect(b.trend.map(\.period) == ["2026-03-01", "2026-03-02"])
        #expect(c.type == "categorical" && c.applied == 2 && c.labels.map(\.name) == ["x"])
        #expect(r.flows.map(\.name) == ["F", "G"] && r.flows.map(\.count) == [1, 2])
        #expect(r.transitions.count == 1 && r.transitions[0].from == "F" && r.transitions[0].to == "G")
        #expect(r.functions.map(\.count) == [2])
        #expect(r.logged.count == 1 && r.logged[0].mean == 2 && r.logged[0].conversations == 2)
    }

    @Test("report: metrics listed in another order, or first seen, on later lines are still tallied by name")
    func metricOrderAcrossLines() throws {
        let lines = [
            #"{"id":"a","started_at":"2026-03-01T10:00:00Z","metrics":{"A":{"status":"ok","value":true},"B":{"status":"ok","value":"x"}},"flows":[],"functions":[],"logged":{}}"#,
            #"{"id":"b","started_at":"2026-03-01T11:00:00Z","metrics":{"B":{"status":"ok","value":"y"},"A":{"status":"ok","value":false},"C":{"status":"ok","value":4}},"flows":[],"functions":[],"logged":{}}"#,
            #"{"id":"c","started_at":"2026-03-02T10:00:00Z","metrics":{"C":{"status":"ok","value":6},"A":{"status":"not_applicable","value":null}},"flows":[],"functions":[],"logged":{}}"#,
            #"{"id":"d","started_at":"2026-03-02T11:00:00Z","metrics":{"A":{"status":"ok","value":true},"B":{"status":"ok","value":"x"}},"flows":[],"functions":[],"logged":{}}"#,
        ]
        let builder = ReportBuilder(rules: nil, period: .day)
        for line in lines {
            builder.add(try Array(line.utf8).withUnsafeBufferPointer { ResultLine.parse($0, source: "t") }.get())
        }
        let r = builder.finish()
        #expect(r.metrics.map(\.name) == ["A", "B", "C"])
        let a = r.metrics[0], b = r.metrics[1], c = r.metrics[2]
        #expect(a.conversations == 4 && a.applied == 3 && a.trueCount == 2 && a.falseCount == 1)
        #expect(a.trend.map(\.applied) == [2, 1] && a.trend.map(\.trueCount) == [1, 1])
        #expect(b.conversations == 3 && b.labels.map(\.name) == ["x", "y"] && b.labels.map(\.count) == [2, 1])
        #expect(c.conversations == 2 && c.numbers?.n == 2 && c.numbers?.mean == 5)
        #expect(c.trend.map(\.period) == ["2026-03-01", "2026-03-02"] && c.trend.map(\.okCount) == [1, 1])
    }

    @Test("result lines parsed on several threads come back exactly as parsed on one: same lines, errors and order, across files")
    func parallelReading() throws {
        // Lines of every kind, several batches' worth, over three files: results, error lines,
        // broken JSON, lines that are not results, over-long and blank lines.
        var rng = SeededGenerator(state: 11)
        var files: [String: String] = [:]
        for f in 0..<3 {
            var text = ""
            for i in 0..<(ResultLines.batchSize * 3 + 17) {
                switch rng.next() % 7 {
                case 0: text += #"{"source":"x.jsonl:\#(i)","id":null,"error":"invalid JSON"}"# + "\n"
                case 1: text += #"{"id":"broken-\#(i)","metrics":{"#  + "\n"
                case 2: text += #"{"id":"\#(f)-\#(i)","metrics":{"A":{"status":"ok"}}}"# + "\n"
                case 3: text += "\n   \n"
                case 4: text += #"{"id":"long-\#(i)","metrics":{},"pad":""# + String(repeating: "x", count: 600) + "\"}\n"
                default:
                    let value = rng.next() % 2 == 0 ? "true" : #""label-\#(i % 5)""#
                    text += #"{"id":"\#(f)-\#(i)","started_at":"2026-03-0\#(1 + i % 9)T10:00:00Z","metrics":{"A":{"status":"ok","value":\#(value),"triggered_at":0,"evidence":[1]}},"flows":["F"],"functions":[],"logged":{}}"# + "\n"
                }
            }
            files["results/\(f).jsonl"] = text
        }
        let dir = try CLI.folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        func read(jobs: Int) -> [String] {
            let lines = ResultLines(inputs: [dir.appendingPathComponent("results").path], options: InputOptions(maxLineBytes: 500), jobs: jobs)
            var seen: [String] = []
            while let line = lines.next() {
                switch line {
                case let .success(l): seen.append("\(l.id ?? "-") \(l.error ?? "") \(l.metrics.map { "\($0.name)=\($0.outcome.display)" }) \(l.startedAt ?? "")")
                case let .failure(e): seen.append("! \(e)")
                }
            }
            return seen
        }
        let one = read(jobs: 1)
        #expect(one.count > ResultLines.batchSize * 6)
        #expect(one.contains { $0.hasPrefix("! ") && $0.contains("line longer than 500 bytes") })
        #expect(one.contains { $0.hasPrefix("! ") && $0.contains("invalid JSON") })
        for jobs in [2, 3, 8] { #expect(read(jobs: jobs) == one, "jobs \(jobs)") }
        // A reader dropped part-way leaves its parsing threads to finish on their own.
        let partial = ResultLines(inputs: [dir.appendingPathComponent("results").path], jobs: 4)
        #expect(partial.next() != nil)
    }
}
