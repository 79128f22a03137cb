import Foundation
import Testing
@testable import Verdict

private let rules = """
metrics:
  - name: Greeted
    type: boolean
    definition: The agent said hello.
    when: {agent: hello}
  - name: Tone
    type: categorical
    definition: 'polite: please or thanks. curt: otherwise.'
    labels: [{label: polite, when: {said: 'please|thank'}}]
    otherwise: curt
"""

private let good = """
{"id": "a", "events": [{"type": "agent", "text": "Hello"}, {"type": "user", "text": "thanks"}]}
{"id": "b", "events": [{"type": "agent", "text": "Yes?"}]}
"""

@Suite("Command line", .serialized)
struct CLITests {
    @Test("--version names the commit built from, as git tells it, with -dirty for a changed checkout")
    func version() throws {
        let run = try CLI.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let head = try CLI.run(["-C", Support.root.path, "rev-parse", "--short=12", "HEAD"], executable: URL(fileURLWithPath: "/usr/bin/git"))
        guard head.status == 0 else {
            // Built outside a git checkout: the version alone.
            #expect(run.stdout == "0.1.0\n")
            return
        }
        let changes = try CLI.run(["-C", Support.root.path, "status", "--porcelain", "--untracked-files=no"], executable: URL(fileURLWithPath: "/usr/bin/git"))
        let commit = head.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + (changes.stdout.isEmpty ? "" : "-dirty")
        #expect(commit.count >= 12)
        #expect(run.stdout == "0.1.0 (commit \(commit))\n")
    }

    @Test("score writes one line per conversation and exits 0")
    func score() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl"], in: dir)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout == """
        {"id":"a","metrics":{"Greeted":{"status":"ok","value":true,"triggered_at":0,"evidence":[0]},"Tone":{"status":"ok","value":"polite","triggered_at":0,"evidence":[1]}},"flows":[],"functions":[],"logged":{}}
        {"id":"b","metrics":{"Greeted":{"status":"ok","value":false,"triggered_at":0,"evidence":[]},"Tone":{"status":"ok","value":"curt","triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}

        """)
    }

    @Test("unreadable input: an error line with its source, the rest scored, exit 3")
    func unreadable() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": "{\"id\": \"x\"\n" + good + "\n{\"id\": \"c\", \"events\": [{\"type\": \"user\", \"text\": 1}]}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl", "missing.jsonl"], in: dir)
        #expect(run.status == 3)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == #"{"source":"calls.jsonl:1","id":null,"error":"invalid JSON: expected ',' or '}' but found end of input at column 11"}"#)
        #expect(lines[1].hasPrefix(#"{"id":"a","#))
        #expect(lines[3] == #"{"source":"calls.jsonl:4","id":"c","error":"event 0: `text` must be a string"}"#)
        #expect(lines[4] == #"{"source":"missing.jsonl","id":null,"error":"cannot read: no such file or directory"}"#)
        #expect(run.stderr == "verdict: 3 of 5 conversations could not be read; each has an error line\n")
    }

    @Test("rule errors: file:line:column on stderr, nothing on stdout, exit 2, input never read")
    func ruleErrors() throws {
        let dir = try CLI.folder(["rules.yaml": "metrics:\n  - name: m\n    type: boolean\n    definition: d\n    when: {said: '(a'}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "does-not-exist.jsonl"], in: dir)
        #expect(run.status == 2)
        #expect(run.stdout == "")
        #expect(run.stderr == "rules.yaml:5:18: error: metric 'm': pattern '(a' does not compile: missing closing parenthesis at offset 2\n")
    }

    @Test("standard input, --output and CSV")
    func stdinOutputCSV() throws {
        let dir = try CLI.folder(["rules.yaml": rules])
        defer { try? FileManager.default.removeItem(at: dir) }
        let piped = try CLI.run(["score", "--rules", "rules.yaml", "-"], in: dir, stdin: Data(("\n" + good).utf8))
        #expect(piped.status == 0)
        #expect(piped.stdout.split(separator: "\n").count == 2)
        // With no input named, a piped standard input is read, with sources "-:LINE".
        let implicit = try CLI.run(["score", "--rules", "rules.yaml"], in: dir, stdin: Data("{\"id\": 1}\n".utf8))
        #expect(implicit.status == 3)
        #expect(implicit.stdout == #"{"source":"-:1","id":null,"error":"`id` must be a string"}"# + "\n")
        let csv = try CLI.run(["score", "--rules", "rules.yaml", "--format", "csv", "--output", "out.csv", "-"], in: dir,
                              stdin: Data((good + "\n[1]\n").utf8))
        #expect(csv.status == 3)
        #expect(csv.stdout == "")
        let written = try String(contentsOf: dir.appendingPathComponent("out.csv"), encoding: .utf8)
        // The error cell starts with '-' (standard input's source): a spreadsheet would read a formula.
        #expect(written == "id,Greeted,Tone,error\na,true,polite,\nb,false,curt,\n,,,'-:3: a conversation must be a JSON object\n")
    }

    @Test("output is byte-identical whatever --jobs is")
    func deterministic() throws {
        var lines = ""
        for i in 0..<1500 {
            let text = i % 3 == 0 ? "hello, thanks" : i % 7 == 0 ? "{broken" : "yes"
            lines += text == "{broken" ? "{broken\n" : "{\"id\": \"c\(i)\", \"events\": [{\"type\": \"agent\", \"text\": \"\(text)\"}]}\n"
        }
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": lines])
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try CLI.run(["score", "--rules", "rules.yaml", "--jobs", "1", "calls.jsonl"], in: dir)
        let four = try CLI.run(["score", "--rules", "rules.yaml", "--jobs", "4", "calls.jsonl"], in: dir)
        #expect(one.status == 3)
        #expect(one.stdout.split(separator: "\n").count == 1500)
        #expect(one.stdout == four.stdout)
    }

    @Test("a duplicate id is scored twice with a warning")
    func duplicateIDs() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good + "\n" + good])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 4)
        #expect(run.stderr.contains("warning: conversation id 'a' occurs more than once"))
    }

    @Test("usage errors exit 2")
    func usage() throws {
        let bad = try CLI.run(["score", "--jobs", "0", "x.jsonl"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--jobs must be at least 1"))
        #expect(try CLI.run(["score", "--format", "xml", "x.jsonl"]).status == 2)
        #expect(try CLI.run(["frobnicate"]).status == 2)
    }

    @Test("test: mismatches with file, id, metric, expected, actual and evidence; summary line; exit 1; JUnit")
    func fixtures() throws {
        let fixtures = """
        {"id": "ok", "expect": {"Greeted": true, "Tone": "polite"}, "events": [{"type": "agent", "text": "hello, thank you"}]}
        {"id": "wrong", "expect": {"Greeted": true, "Tone": "not_applicable", "Missing": false}, "events": [{"type": "user", "text": "please"}]}
        """
        let dir = try CLI.folder(["rules.yaml": rules, "fixtures/calls.jsonl": fixtures])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["test", "--rules", "rules.yaml", "--junit", "report.xml", "fixtures"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout == """
        FAIL fixtures/calls.jsonl:2 id 'wrong' metric 'Greeted': expected true, got false (status ok); triggered at 0, evidence []
        FAIL fixtures/calls.jsonl:2 id 'wrong' metric 'Tone': expected not_applicable, got polite (status ok); triggered at 0, evidence [0]
        FAIL fixtures/calls.jsonl:2 id 'wrong' metric 'Missing': expects metric 'Missing', which no rule file defines
        2 passed, 3 failed

        """)
        let junit = try String(contentsOf: dir.appendingPathComponent("report.xml"), encoding: .utf8)
        #expect(junit.contains(#"<testsuite name="verdict test" tests="5" failures="3" skipped="0">"#))
        #expect(junit.contains(#"<testcase classname="fixtures/calls.jsonl:1" name="ok / Greeted"/>"#))
        let passing = try CLI.folder(["rules.yaml": rules, "fixtures/calls.jsonl": fixtures.split(separator: "\n")[0] + "\n"])
        defer { try? FileManager.default.removeItem(at: passing) }
        let pass = try CLI.run(["test", "--rules", "rules.yaml", "fixtures/calls.jsonl"], in: passing)
        #expect(pass.status == 0)
        #expect(pass.stdout == "2 passed, 0 failed\n")
    }

    @Test("test: a todo is reported but neither passes nor fails; JUnit marks it skipped")
    func todo() throws {
        let fixtures = """
        {"id": "gap", "expect": {"Tone": "polite"}, "todo": {"Greeted": true}, "events": [{"type": "user", "text": "hi, thanks"}]}
        {"id": "fixed", "todo": {"Greeted": true}, "events": [{"type": "agent", "text": "hello"}]}
        """
        let dir = try CLI.folder(["rules.yaml": rules, "f.jsonl": fixtures])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["test", "--rules", "rules.yaml", "--junit", "j.xml", "f.jsonl"], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout == """
        TODO f.jsonl:1 id 'gap' metric 'Greeted': expected true, got false (status ok); triggered at 0, evidence []
        TODO PASSES f.jsonl:2 id 'fixed' metric 'Greeted': now holds; move it from todo to expect
        2 todo
        1 passed, 0 failed

        """)
        let junit = try String(contentsOf: dir.appendingPathComponent("j.xml"), encoding: .utf8)
        #expect(junit.contains(#"tests="3" failures="0" skipped="2""#))
        #expect(junit.contains(#"<skipped message="todo: expected true, got false"#))
    }

    @Test("test --coverage and --agreement, mutate: reports on standard output, JSON, exit statuses from the minimums")
    func quality() throws {
        let fixtures = """
        {"id": "ok", "expect": {"Greeted": true, "Tone": "polite"}, "events": [{"type": "agent", "text": "hello, thank you"}]}
        """
        let dir = try CLI.folder(["rules.yaml": rules, "fixtures/calls.jsonl": fixtures])
        defer { try? FileManager.default.removeItem(at: dir) }
        let coverage = try CLI.run(["test", "--rules", "rules.yaml", "--coverage", "fixtures"], in: dir)
        #expect(coverage.status == 0)
        #expect(coverage.stdout.hasPrefix("2 passed, 0 failed\n\nGreeted: 66.7% (2 of 3)"))
        #expect(coverage.stdout.contains("rules.yaml:10:5: never seen: outcome 'curt'\n"))
        let below = try CLI.run(["test", "--rules", "rules.yaml", "--coverage", "--min-coverage", "90", "--format", "json", "fixtures"], in: dir)
        #expect(below.status == 1)
        #expect(below.stdout.hasPrefix(#"{"coverage":"#))
        #expect(below.stderr.contains("2 passed, 0 failed"))
        #expect(below.stderr.contains("coverage is below --min-coverage 90%"))
        let agreement = try CLI.run(["test", "--rules", "rules.yaml", "--agreement", "fixtures"], in: dir)
        #expect(agreement.status == 0)
        #expect(agreement.stdout.hasPrefix("Greeted: n 1, accuracy 100.0% (1 of 1), kappa undefined (one class only)\n"))
        let mutate = try CLI.run(["mutate", "--rules", "rules.yaml", "--format", "json", "--min-score", "1", "fixtures"], in: dir)
        #expect(mutate.status == 1)
        #expect(mutate.stdout.hasPrefix(#"{"score":"#))
        #expect(mutate.stdout.contains(#""operator":"negate_leaf","description":"negate agent says 'hello' in when","killed":true}"#))
        let both = try CLI.run(["test", "--coverage", "--agreement", "fixtures"], in: dir)
        #expect(both.status == 2)
    }

    @Test("pipes: no input named reads standard input; --output - is standard output; short flags")
    func pipes() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good])
        defer { try? FileManager.default.removeItem(at: dir) }
        let scored = try CLI.run(["score", "-r", "rules.yaml", "-o", "-", "-j", "1", "calls.jsonl"], in: dir)
        #expect(scored.status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
        #expect(scored.stdout == (try CLI.run(["score", "--rules", "rules.yaml", "calls.jsonl"], in: dir)).stdout)
        let report = try CLI.run(["report", "-r", "rules.yaml", "-f", "json"], in: dir, stdin: Data(scored.stdout.utf8))
        #expect(report.status == 0)
        #expect(report.stdout.hasPrefix(#"{"conversations":2"#))
        let sample = try CLI.run(["sample", "--metric", "Greeted", "--value", "true", "-n", "5"], in: dir, stdin: Data(scored.stdout.utf8))
        #expect(sample.stdout == "a\n")
        let fixtures = #"{"id": "ok", "expect": {"Greeted": true}, "events": [{"type": "agent", "text": "hello"}]}"# + "\n"
        let test = try CLI.run(["test", "-r", "rules.yaml", "--junit", "-"], in: dir, stdin: Data(fixtures.utf8))
        #expect(test.status == 0)
        #expect(test.stdout.hasPrefix("<?xml"))
        #expect(test.stderr.hasSuffix("1 passed, 0 failed\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
    }

    @Test("new usage and failure messages: exact text and exit status")
    func qualityAndReviewErrors() throws {
        let fixtures = #"{"id": "ok", "expect": {"Greeted": true, "Tone": "polite"}, "events": [{"type": "agent", "text": "hello, thanks"}]}"# + "\n"
        let dir = try CLI.folder(["rules.yaml": rules, "fixtures.jsonl": fixtures, "calls.jsonl": good])
        defer { try? FileManager.default.removeItem(at: dir) }
        func check(_ arguments: [String], status: Int32, stderr: String) throws {
            let run = try CLI.run(arguments, in: dir)
            #expect(run.status == status, "\(arguments)")
            #expect(run.stderr.contains(stderr), "\(arguments): \(run.stderr)")
        }
        try check(["test", "-r", "rules.yaml", "--coverage", "--agreement", "fixtures.jsonl"], status: 2,
                  stderr: "choose one of --coverage and --agreement")
        try check(["test", "-r", "rules.yaml", "--min-coverage", "50", "fixtures.jsonl"], status: 2, stderr: "--min-coverage needs --coverage")
        try check(["test", "-r", "rules.yaml", "--coverage", "--min-coverage", "150", "fixtures.jsonl"], status: 2,
                  stderr: "--min-coverage must be from 0 to 100")
        try check(["test", "-r", "rules.yaml", "-f", "json", "fixtures.jsonl"], status: 2, stderr: "--format applies to --coverage and --agreement")
        try check(["mutate", "-r", "rules.yaml", "--metric", "Nope", "fixtures.jsonl"], status: 2, stderr: "verdict: no metric named 'Nope' in the rules")
        try check(["mutate", "-r", "rules.yaml", "--min-score", "2", "fixtures.jsonl"], status: 2, stderr: "--min-score must be from 0 to 1")
        try check(["mutate", "-r", "rules.yaml", "--min-score", "1", "fixtures.jsonl"], status: 1, stderr: "verdict: mutation score 0.")
        try check(["report", "--review", "review.html", "calls.jsonl"], status: 2, stderr: "--review applies to --format html")
        let scored = try CLI.run(["score", "-r", "rules.yaml", "-o", "results.jsonl", "calls.jsonl"], in: dir)
        #expect(scored.status == 0)
        try check(["review", "results.jsonl"], status: 2, stderr: "Missing expected argument '--conversations <input> ...'")
        try check(["review", "-r", "rules.yaml", "--per-outcome", "0", "--conversations", "calls.jsonl", "--", "results.jsonl"], status: 2,
                  stderr: "--per-outcome must be at least 1")
        try check(["review", "-r", "rules.yaml", "--conversations", "fixtures.jsonl", "-o", "review.html", "--", "results.jsonl"], status: 3,
                  stderr: "verdict: conversation 'a' is not in the given transcripts")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("review.html").path))
    }

    /// Help is part of the interface: pinned byte for byte (scripts/update-golden.sh rewrites it).
    @Test("help text is pinned", arguments: ["score", "test", "mutate", "report", "compare", "review", "schema", "diff", "sample", "import", "lint", "explain", "init"])
    func help(command: String) throws {
        let run = try CLI.run([command, "--help"])
        #expect(run.status == 0)
        let golden = try String(contentsOf: Support.root.appendingPathComponent("Tests/Golden/help-\(command).txt"), encoding: .utf8)
        #expect(run.stdout == golden)
    }
}
