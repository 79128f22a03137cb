import Foundation
import Testing
@testable import Verdict

/// Regression tests for issue 11, part 2: output never destroys input, a run never reads its
/// own output, and every write error is reported. Each test is named after what it guards.
private let rules = Support.greetedRules
private let good = Support.greeting

private func contents(_ dir: URL, _ name: String) throws -> String {
    String(decoding: try Data(contentsOf: dir.appendingPathComponent(name)), as: UTF8.self)
}

@Suite("Output safety", .serialized)
struct OutputSafetyTests {
    @Test("score --output onto its own input is refused (exit 2) and the input is kept", arguments: ["calls.jsonl", "./calls.jsonl", "link.jsonl"])
    func outputSameAsInputRefused(output: String) throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.linkItem(at: dir.appendingPathComponent("calls.jsonl"), to: dir.appendingPathComponent("link.jsonl"))
        let run = try CLI.run(["score", "--rules", "rules.yaml", "--output", output, "calls.jsonl"], in: dir)
        #expect(run.status == 2)
        #expect(run.stderr == "verdict: '\(output)' is the same file as input 'calls.jsonl'; choose another output (nothing was read or written)\n")
        #expect(try contents(dir, "calls.jsonl") == good + "\n")
    }

    @Test("import --output onto its own input, and score --output onto a rule file, are refused")
    func outputSameAsImportInputOrRulesRefused() throws {
        let chat = #"{"id": "c", "messages": [{"role": "assistant", "content": "Hello"}]}"# + "\n"
        let dir = try CLI.folder(["rules/r.yaml": rules, "chat.jsonl": chat, "calls.jsonl": good + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let imported = try CLI.run(["import", "openai", "--output", "chat.jsonl", "chat.jsonl"], in: dir)
        #expect(imported.status == 2)
        #expect(imported.stderr.contains("is the same file as input 'chat.jsonl'"))
        #expect(try contents(dir, "chat.jsonl") == chat)
        let scored = try CLI.run(["score", "--rules", "rules", "--output", "rules/r.yaml", "calls.jsonl"], in: dir)
        #expect(scored.status == 2)
        #expect(scored.stderr == "verdict: 'rules/r.yaml' is the same file as rule file 'rules/r.yaml'; choose another output (nothing was read or written)\n")
        #expect(try contents(dir, "rules/r.yaml") == rules)
        let report = try CLI.run(["report", "--output", "calls.jsonl", "calls.jsonl"], in: dir)
        #expect(report.status == 2)
        let junit = try CLI.run(["test", "--rules", "rules", "--junit", "calls.jsonl", "calls.jsonl"], in: dir)
        #expect(junit.status == 2)
        #expect(try contents(dir, "calls.jsonl") == good + "\n")
    }

    @Test("a folder holding the run's own output: that file is skipped with a note, never read back")
    func ownOutputInScoredFolderSkipped() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls/a.jsonl": good + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLI.run(["score", "--rules", "rules.yaml", "--output", "calls/results.jsonl", "calls"], in: dir)
        #expect(first.status == 0)
        let once = try contents(dir, "calls/results.jsonl")
        #expect(once.split(separator: "\n").count == 1)
        // The second run finds last run's results in the folder it scores: skipped, not scored.
        let second = try CLI.run(["score", "--rules", "rules.yaml", "--output", "calls/results.jsonl", "calls"], in: dir)
        #expect(second.status == 0)
        #expect(second.stderr == "verdict: skipping 'calls/results.jsonl': it is this run's output\n")
        #expect(try contents(dir, "calls/results.jsonl") == once)
        // Standard output redirected into the folder: the same.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("calls/results.jsonl"))
        let shell = try CLI.shell(#""$VERDICT" score --rules rules.yaml calls > calls/out.jsonl"#, in: dir)
        #expect(shell.status == 0)
        #expect(shell.stderr.contains("skipping 'calls/out.jsonl': it is this run's output"))
        #expect(try contents(dir, "calls/out.jsonl").split(separator: "\n").count == 1)
    }

    @Test("--output is written atomically: a killed run leaves the previous file and no temporary file")
    func killedRunKeepsPreviousOutput() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "out.jsonl": "previous\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("wait.jsonl").path, 0o600) == 0)
        // The run blocks on the FIFO, named explicitly, once its temporary output exists.
        let script = #"""
        "$VERDICT" score --rules rules.yaml --output out.jsonl wait.jsonl & pid=$!
        for i in $(seq 200); do ls -a | grep -q '^\.out\.jsonl\.verdict-' && break; sleep 0.05; done
        ls -a | grep -c '^\.out\.jsonl\.verdict-'
        kill -TERM $pid; wait $pid; echo "status $?"
        ls -a | grep -c '^\.out\.jsonl\.verdict-'
        """#
        let run = try CLI.shell(script, in: dir)
        #expect(run.stdout == "1\nstatus 143\n0\n")
        #expect(try contents(dir, "out.jsonl") == "previous\n")
    }

    @Test("--output is replaced only when the run succeeds, and keeps the old file's mode")
    func outputReplacedWhole() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good + "\n", "out.jsonl": "previous\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(chmod(dir.appendingPathComponent("out.jsonl").path, 0o640) == 0)
        let run = try CLI.run(["score", "--rules", "rules.yaml", "--output", "out.jsonl", "calls.jsonl"], in: dir)
        #expect(run.status == 0)
        #expect(try contents(dir, "out.jsonl").hasPrefix(#"{"id":"a","#))
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out.jsonl").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!listing.contains { $0.contains(".verdict-") })
    }

    @Test("--output onto a device is written in place, never replaced", .linuxOnly("/dev/full"), arguments: ["/dev/null", "/dev/full"])
    func deviceOutputWrittenInPlace(device: String) throws {
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": good + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["score", "--rules", "rules.yaml", "--output", device, "calls.jsonl"], in: dir)
        #expect(run.status == (device == "/dev/full" ? 1 : 0))
        var st = stat()
        #expect(stat(device, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test("standard output to a full disk is reported by every command", .linuxOnly("/dev/full"), arguments: [
        ["sample", "--metric", "Greeted", "results.jsonl", "--conversations", "calls.jsonl"],
        ["sample", "--metric", "Greeted", "results.jsonl"],
        ["report", "results.jsonl"],
        ["diff", "results.jsonl", "other.jsonl"],
        ["lint", "--rules", "rules.yaml", "--list"],
        ["test", "--rules", "rules.yaml", "calls.jsonl"],
        ["import", "openai", "calls.jsonl"],
    ])
    func standardOutputErrorsReported(arguments: [String]) throws {
        let result = #"{"id":"a","metrics":{"Greeted":{"status":"ok","value":true,"triggered_at":0,"evidence":[0]}},"flows":[],"functions":[],"logged":{}}"#
        let other = result.replacingOccurrences(of: "true", with: "false")
        let dir = try CLI.folder(["rules.yaml": rules, "calls.jsonl": #"{"id":"a","expect":{"Greeted":true},"events":[{"type":"agent","text":"Hello"}]}"# + "\n",
                                  "results.jsonl": result + "\n", "other.jsonl": other + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let run = try CLI.shell(#""$VERDICT" "# + quoted + " > /dev/full", in: dir)
        #expect(run.status == 1, "\(arguments): \(run.stderr)")
        #expect(run.stderr.hasSuffix("verdict: cannot write output: no space left on device\n"), "\(arguments)")
    }

    @Test("a FIFO inside a scored folder is skipped; hidden files and folders are skipped; named ones are read")
    func walksReadRegularVisibleFilesOnly() throws {
        let dir = try CLI.folder(["rules/r.yaml": rules, "rules/.old/r.yaml": "not: [valid",
                                  "in/a.jsonl": good + "\n", "in/.old/b.jsonl": "broken\n", "in/.hidden.jsonl": "broken\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("in/x.jsonl").path, 0o600) == 0)
        // An editor's lock file: a dangling symlink with a hidden name.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("rules/.#r.yaml").path, withDestinationPath: "user@host.123")
        let run = try CLI.run(["score", "--rules", "rules", "in"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 1)
        let named = try CLI.run(["score", "--rules", "rules", "in/.hidden.jsonl"], in: dir)
        #expect(named.status == 3)
        #expect(named.stdout.contains(#""source":"in/.hidden.jsonl:1""#))
    }
}
