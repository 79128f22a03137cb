import Foundation
import Testing
@testable import Verdict

/// Runs every case under `Tests/Conformance` (or `$VERDICT_CONFORMANCE`) as its README says:
/// `verdict score --rules RULES INPUT` inside the case folder, compared line by line on id,
/// each metric's status, value and triggered_at, logged, and where error lines stand.
enum Conformance {
    static let folder: URL = {
        if let path = ProcessInfo.processInfo.environment["VERDICT_CONFORMANCE"] { return URL(fileURLWithPath: path) }
        return Support.root.appendingPathComponent("Tests/Conformance")
    }()

    static let cases: [String] = {
        var found: [String] = []
        for group in ["cases", "generated", "numeric", "v12"] {
            let dir = folder.appendingPathComponent(group)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            // Each case is a folder (v12/ also holds a .gitattributes).
            found += names.filter { !$0.hasPrefix(".") }.sorted().map { "\(group)/\($0)" }
        }
        return found
    }()

    static func parse(_ line: Substring) -> JSONValue? {
        try? JSONParser.parse(String(line))
    }
}

@Suite("Conformance")
struct ConformanceTests {
    @Test("the conformance folder is there and holds cases")
    func present() {
        #expect(Conformance.cases.count >= 30, "no conformance cases under \(Conformance.folder.path); set VERDICT_CONFORMANCE")
    }

    @Test(arguments: Conformance.cases)
    func conformanceCase(_ name: String) throws {
        let dir = Conformance.folder.appendingPathComponent(name)
        let fm = FileManager.default
        let rules = fm.fileExists(atPath: dir.appendingPathComponent("rules.yaml").path) ? "rules.yaml" : "rules"
        let input = fm.fileExists(atPath: dir.appendingPathComponent("conversations.jsonl").path) ? "conversations.jsonl" : "input"
        // A case with an `args` file runs with those arguments (one a line) after --rules.
        let argsFile = dir.appendingPathComponent("args")
        let extra = fm.fileExists(atPath: argsFile.path)
            ? try String(contentsOf: argsFile, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty } : []
        let run = try CLI.run(["score", "--rules", rules] + extra + [input], in: dir)
        let expectedExit = try String(contentsOf: dir.appendingPathComponent("expected_exit"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect("\(run.status)" == expectedExit, "stderr: \(run.stderr)")

        let expected = try String(contentsOf: dir.appendingPathComponent("expected.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        let actual = run.stdout.split(separator: "\n")
        try #require(actual.count == expected.count, "line count")
        for (lineNumber, (a, e)) in zip(actual, expected).enumerated() {
            let got = try #require(Conformance.parse(a)?.objectValue, "line \(lineNumber + 1) is not JSON: \(a)")
            let want = try #require(Conformance.parse(e)?.objectValue)
            #expect(got["id"] == want["id"], "line \(lineNumber + 1)")
            if want["error"] != nil {
                #expect(got["error"]?.stringValue != nil, "line \(lineNumber + 1) should be an error line")
                continue
            }
            #expect(got["error"] == nil, "line \(lineNumber + 1): \(a)")
            // `metadata` exactly (SPEC 1.2 §6): present where expected, keys in order, each
            // number with its literal; after id (and started_at), before metrics.
            func text(_ v: JSONValue?) -> String? {
                guard let v else { return nil }
                var w = JSONWriter()
                w.value(v)
                return String(decoding: w.bytes, as: UTF8.self)
            }
            // Cases written before 1.2 say nothing of metadata.
            if name.hasPrefix("v12/") {
                #expect(text(got["metadata"]) == text(want["metadata"]), "metadata on line \(lineNumber + 1)")
            }
            if got["metadata"] != nil {
                let order = got.pairs.map(\.key).filter { ["id", "started_at", "metadata", "metrics"].contains($0) }
                #expect(order == (got["started_at"] != nil ? ["id", "started_at", "metadata", "metrics"] : ["id", "metadata", "metrics"]),
                        "metadata's place on line \(lineNumber + 1)")
            }
            #expect(got["logged"] == want["logged"], "logged on line \(lineNumber + 1)")
            let gotMetrics = got["metrics"]?.objectValue
            for (metric, wanted) in want["metrics"]?.objectValue?.pairs ?? [] {
                let have = gotMetrics?[metric]?.objectValue
                for key in ["status", "value", "triggered_at"] {
                    #expect(have?[key] == wanted.objectValue?[key], "\(metric).\(key) on line \(lineNumber + 1)")
                }
            }
        }
    }
}

@Suite("Bundled example")
struct BundledExampleTests {
    @Test("verdict test --rules rules fixtures passes")
    func fixturesPass() throws {
        let run = try CLI.run(["test", "--rules", "rules", "fixtures"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(run.stderr == "")
    }

    @Test("the fixtures cover every status and every label of the bundled rules")
    func coverage() throws {
        let rules = try RuleLoader.load(paths: [Support.root.appendingPathComponent("rules").path])
        var check = Coverage(rules: rules)
        _ = Scorer(rules: rules, jobs: 1).run(inputs: [Support.root.appendingPathComponent("fixtures").path], into: &check)
        #expect(check.conversations >= 25)
        for status in MetricResult.Status.allCases where status != .error {
            #expect(check.statuses.contains(status.rawValue), "no fixture gives status \(status.rawValue)")
        }
        for metric in rules.metrics {
            switch metric.body {
            case .boolean:
                #expect(check.values.contains("\(metric.name)=true"), "\(metric.name) is never true")
                #expect(check.values.contains("\(metric.name)=false"), "\(metric.name) is never false")
            case let .categorical(labels, otherwise):
                for label in labels.map(\.label) + (otherwise.map { [$0] } ?? []) {
                    #expect(check.values.contains("\(metric.name)=\(label)"), "\(metric.name) never gets \(label)")
                }
            case .number:
                #expect(check.values.contains { $0.hasPrefix("\(metric.name)=") }, "\(metric.name) never gets a value")
                if case .number(.hits, _) = metric.body {} else {
                    #expect(check.statuses.contains("\(metric.name):unmatched"), "\(metric.name) never lacks a value")
                }
                if metric.appliesWhen != nil {
                    #expect(check.statuses.contains("\(metric.name):not_applicable"), "\(metric.name) always applies")
                }
            }
        }
    }

    /// `verdict score` on the bundled example must stay byte-identical to the golden file.
    /// After a deliberate change, regenerate it with `scripts/update-golden.sh`.
    @Test("golden file: score on the bundled rules and fixtures")
    func golden() throws {
        let run = try CLI.run(["score", "--rules", "rules", "fixtures", "--jobs", "2"])
        #expect(run.status == 0)
        let golden = try String(contentsOf: Support.root.appendingPathComponent("Tests/Golden/score-bundled.jsonl"), encoding: .utf8)
        #expect(run.stdout == golden)
    }
}

/// Collects which statuses and values the scored fixtures reached.
struct Coverage: ResultSink {
    let rules: RuleSet
    var conversations = 0
    var statuses = Set<String>()
    var values = Set<String>()

    mutating func write(_ item: ScoredConversation) {
        guard case let .success(result) = item.result else { return }
        conversations += 1
        for (metric, r) in zip(rules.metrics, result.metrics) {
            statuses.insert(r.status.rawValue)
            statuses.insert("\(metric.name):\(r.status.rawValue)")
            if let v = r.value { values.insert("\(metric.name)=\(v)") }
        }
    }

    mutating func finish() throws {}
}
