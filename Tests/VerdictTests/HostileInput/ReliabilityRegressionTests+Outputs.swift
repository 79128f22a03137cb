import Foundation
import Testing
@testable import Verdict

/// Regression tests for the third reliability round, continued: output paths, what is
/// bounded by distinct names, and result metadata. Each test is named after the bug it guards.
@Suite("Reliability: output paths", .serialized)
struct ReliabilityOutputTests {
    /// See: README "Bad input, case by case": `verdict init` on a full disk, or where `rules` is a file.
    @Test("init: a target that is a file leaves nothing behind, and a rerun works")
    func initAtomic() throws {
        let dir = try CLI.folder(["p/rules": "a file where a folder should be"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let failed = try CLI.run(["init", "p"], in: dir)
        #expect(failed.status == 1)
        #expect(failed.stderr.hasSuffix("; nothing was written\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("p").path) == ["rules"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("p/rules"))
        let rerun = try CLI.run(["init", "p"], in: dir)
        #expect(rerun.status == 0)
        #expect(try CLI.run(["test", "--rules", "rules", "fixtures"], in: dir.appendingPathComponent("p")).status == 0)
    }

    static let canMount: Bool = {
        guard getuid() == 0, let run = try? CLI.shell("d=$(mktemp -d) && mount -t tmpfs -o size=8k tmpfs \"$d\" && umount \"$d\" && rmdir \"$d\"", in: Support.root) else { return false }
        return run.status == 0
    }()

    /// See: README "Bad input, case by case": `verdict init` on a full disk, or where `rules` is a file.
    @Test("init on a full disk (an 8 KiB tmpfs): an error, and nothing left behind", .linuxOnly("tmpfs mounts"), .enabled(if: canMount))
    func initFullDisk() throws {
        let dir = try CLI.folder([:])
        defer {
            _ = try? CLI.shell("umount \"\(dir.path)/tiny\"", in: Support.root)
            try? FileManager.default.removeItem(at: dir)
        }
        let mounted = try CLI.shell("mkdir tiny && mount -t tmpfs -o size=8k tmpfs tiny", in: dir)
        try #require(mounted.status == 0, "mount: \(mounted.stderr)")
        let run = try CLI.run(["init", "p"], in: dir.appendingPathComponent("tiny"))
        #expect(run.status == 1)
        #expect(run.stderr == "verdict: cannot write output: no space left on device; nothing was written\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tiny").path).isEmpty)
    }

    /// See: README "Bad input, case by case": `--output` that is a symbolic link.
    @Test("--output that is a symbolic link writes through it; a link to an input is still refused")
    func outputThroughLink() throws {
        let dir = try CLI.folder(["rules.yaml": Support.greetedRules, "c.jsonl": Support.greeting + "\n", "target.jsonl": "old\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("out.jsonl").path, withDestinationPath: "target.jsonl")
        let run = try CLI.run(["score", "--rules", "rules.yaml", "c.jsonl", "-o", "out.jsonl"], in: dir)
        #expect(run.status == 0)
        #expect(try fm.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("out.jsonl").path) == "target.jsonl")
        #expect(try String(contentsOf: dir.appendingPathComponent("target.jsonl"), encoding: .utf8).hasPrefix(#"{"id":"a","#))
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("in.jsonl").path, withDestinationPath: "c.jsonl")
        let refused = try CLI.run(["score", "--rules", "rules.yaml", "c.jsonl", "-o", "in.jsonl"], in: dir)
        #expect(refused.status == 2)
        #expect(try String(contentsOf: dir.appendingPathComponent("c.jsonl"), encoding: .utf8) == Support.greeting + "\n")
    }

    /// See: README "Bad input, case by case": `test --junit -`.
    @Test("test --junit -: the XML alone on standard output, the text on standard error")
    func junitToStandardOutput() throws {
        let run = try CLI.run(["test", "--rules", "rules", "--junit", "-", "fixtures"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"))
        #expect(run.stdout.hasSuffix("</testsuites>\n"))
        #expect(run.stderr.contains(" passed, 0 failed\n"))
    }

    /// See: README "Bad input, case by case": CSV cells starting with `=`, `+`, `-`, `@`, tab, CR.
    @Test("score --format csv: text cells that a spreadsheet would run get a leading quote; numbers never; --csv-raw writes them as they are")
    func csvFormulas() throws {
        let rules = """
        metrics:
          - {name: "-m", type: categorical, definition: d, labels: [{label: "@x", when: {user: "."}}], otherwise: "+y"}
          - {name: n, type: number, definition: d, value: {hits: {user: "."}}}
          - {name: b, type: boolean, definition: d, when: {user: "."}}
        """
        let calls = [#"{"id":"=HYPERLINK(\"http://x\")","events":[{"type":"user","text":"a"}]}"#, #"{"id":"\tb","events":[]}"#, #"{"id":"-1","events":[{}]}"#]
        let dir = try CLI.folder(["rules.yaml": rules, "c.jsonl": calls.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let guarded = try CLI.run(["score", "-f", "csv", "--rules", "rules.yaml", "c.jsonl"], in: dir)
        #expect(guarded.stdout == """
        id,'-m,n,b,error
        "'=HYPERLINK(""http://x"")",'@x,1,true,
        '\tb,'+y,0,false,
        '-1,,,,c.jsonl:3: event 0: missing `type`

        """)
        let raw = try CLI.run(["score", "-f", "csv", "--csv-raw", "--rules", "rules.yaml", "c.jsonl"], in: dir)
        #expect(raw.stdout.hasPrefix("id,-m,n,b,error\n\"=HYPERLINK(\"\"http://x\"\")\",@x,1,true,\n\tb,+y,0,false,\n"))
    }
}

@Suite("Reliability: bounded by distinct names")
struct ReliabilityBoundsTests {
    /// See: README "Conversation review": memory bounded by per-outcome × metrics × outcomes.
    @Test("review: outcomes per metric are bounded; a label new on every line is counted, not sampled")
    func reviewOutcomeBound() throws {
        let lines = (0..<1_005).map { i in
            #"{"id":"c\#(i)","metrics":{"M":{"status":"ok","value":"label \#(i)","triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#
        }
        let dir = try CLI.folder(["res.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let sample = ReviewSample.draw(results: [dir.appendingPathComponent("res.jsonl").path], perOutcome: 2, seed: 1)
        #expect(sample.metrics[0].groups.count == ReviewSample.outcomeLimit)
        #expect(sample.warnings == ["metric 'M' has more than 1000 distinct outcomes; 5 result lines with further ones are not listed"])
        #expect(sample.problems.isEmpty)
    }
}

@Suite("Result metadata (SPEC 1.2 §6)")
struct ResultMetadataTests {
    static let calls = [
        #"{"id":"k1","started_at":"2026-03-01T10:00:00Z","metadata":{"variant":"v12","channel":"voice","x":-1,"caller":{"tier":"gold","score":1.0}},"events":[]}"#,
        #"{"id":"k2","metadata":{"caller":"=anon","variant":"v3"},"events":[]}"#,
        #"{"id":"k3","events":[]}"#,
        #"{"id":"k4","metadata":"not an object","events":[]}"#,
    ]

    static func run(_ extra: [String]) throws -> CLI.Run {
        let dir = try CLI.folder(["rules.yaml": Support.greetedRules, "c.jsonl": calls.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        return try CLI.run(["score", "--rules", "rules.yaml"] + extra + ["c.jsonl"], in: dir)
    }

    static func metadata(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").map { line in
            guard let start = line.range(of: #","metadata":"#), let end = line.range(of: #","metrics":"#) else { return "-" }
            return String(line[start.upperBound..<end.lowerBound])
        }
    }

    /// See: README "Output": `--metadata`; conformance case v12/v34-result-metadata.
    @Test("--metadata all (the default), none, and KEY,... in input order")
    func selections() throws {
        #expect(Self.metadata(try Self.run([]).stdout) == [
            #"{"variant":"v12","channel":"voice","x":-1,"caller":{"tier":"gold","score":1.0}}"#, #"{"caller":"=anon","variant":"v3"}"#, "-", "-",
        ])
        // SPEC 1.2 §1: metadata that is not an object (nor null) makes the conversation unreadable.
        #expect(try Self.run([]).stdout.split(separator: "\n")[3] == #"{"source":"c.jsonl:4","id":"k4","error":"`metadata` must be an object or null"}"#)
        #expect(Self.metadata(try Self.run(["--metadata", "none"]).stdout) == ["-", "-", "-", "-"])
        #expect(Self.metadata(try Self.run(["--metadata", "caller,channel,missing"]).stdout) == [
            #"{"channel":"voice","caller":{"tier":"gold","score":1.0}}"#, #"{"caller":"=anon"}"#, "-", "-",
        ])
        #expect(Self.metadata(try Self.run(["--metadata", "missing"]).stdout) == ["{}", "{}", "-", "-"])
    }

    /// See: README "Output": `--metadata` and CSV columns.
    @Test("--format csv with keys: a metadata.KEY column each, its JSON text, text guarded and numbers not")
    func csvColumns() throws {
        let run = try Self.run(["--format", "csv", "--metadata", "caller,x"])
        #expect(run.stdout == #"""
        id,metadata.caller,metadata.x,Greeted,error
        k1,"{""tier"":""gold"",""score"":1.0}",-1,false,
        k2,"""=anon""",,false,
        k3,,,false,
        k4,,,,c.jsonl:4: `metadata` must be an object or null

        """#)
    }

    /// See: README "Output": `--metadata`.
    @Test("--metadata with an empty key is a usage error")
    func emptyKey() throws {
        let run = try Self.run(["--metadata", "a,,b"])
        #expect(run.status == 2)
        #expect(run.stderr.hasPrefix("Error: --metadata takes all, none, or top-level keys separated by commas (no empty key): 'a,,b'\n"))
    }
}

@Suite("Report: bounded by distinct names")
struct ReportBoundsTests {
    /// See: README "Reports, diffs and samples": memory bounded by distinct names.
    @Test("flows, functions and logged names past the first 1,000 are counted as (other …); transitions and periods are bounded")
    func namesBounded() {
        let builder = ReportBuilder(rules: nil, period: .day)
        let extra = 5
        for i in 0..<(ReportBuilder.nameLimit + extra) {
            let outcome = ResultLine.Outcome(status: "ok", value: .bool(true), failedItems: nil)
            builder.add(ResultLine(source: "r:\(i)", id: "c\(i)", startedAt: "2026-03-01T10:00:00Z", metadata: nil, metrics: [("M", outcome)],
                                   flows: ["flow \(i)", "next \(i)"], functions: ["fn \(i)"], logged: [("name \(i)", .number(Double(i)))], error: nil))
        }
        let report = builder.finish()
        // Each line enters two new flows: 500 lines fill the 1,000 kept; the others count as (other flows).
        #expect(report.flows.count == ReportBuilder.nameLimit + 1)
        #expect(report.flows.last?.name == "(other flows)" && report.flows.last?.count == ReportBuilder.nameLimit / 2 + extra)
        #expect(report.functions.count == ReportBuilder.nameLimit + 1 && report.functions.last?.count == extra)
        #expect(report.logged.count == ReportBuilder.nameLimit + 1 && report.logged.last?.name == "(other names)" && report.logged.last?.conversations == extra)
        #expect(report.transitions.count == ReportBuilder.nameLimit / 2)
        let html = report.rendered(.html)
        #expect(html.utf8.count < 200_000)
        #expect(html.contains("\(ReportBuilder.nameLimit + 1 - ReportHTML.listed) more functions in <code>--format json</code>."))
    }
}

@Suite("Report: statuses by position")
struct ReportStatusIndexTests {
    /// See: README "Errors and exit codes": `verdict report` / `sample`: result lines that are not score output.
    @Test("the report's status positions are MetricResult.Status's, and any other text has none")
    func statusIndex() {
        for (i, s) in MetricResult.Status.allCases.enumerated() { #expect(ReportBuilder.statusIndex(s.rawValue) == i) }
        #expect(ReportBuilder.statusIndex("OK") == nil && ReportBuilder.statusIndex("") == nil)
    }
}
