import Foundation
import Testing
@testable import Verdict

/// The catalogue of bad input (README, "Errors and exit codes"): for each item, the exact
/// message, the exit code, and that everything else is still scored.
private let rules = """
metrics:
  - name: Greeted
    type: boolean
    definition: The agent said hello.
    when: {agent: hello}
  - name: Big number logged
    type: boolean
    definition: The metric N was logged as 9007199254740993.
    when: {metric: N, value: 9007199254740993}
"""

private let good = #"{"id":"ok","events":[{"type":"agent","text":"Hello"}]}"#
private let goodLine = #"{"id":"ok","metrics":{"Greeted":{"status":"ok","value":true,"triggered_at":0,"evidence":[0]},"Big number logged":{"status":"ok","value":false,"triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#

/// Scores `files` (name → bytes) with the rules above; returns the run and its stdout lines.
private func score(_ files: [String: [UInt8]], _ arguments: [String]) throws -> (CLI.Run, [String]) {
    var all = files
    all["rules.yaml"] = Array(rules.utf8)
    let dir = try CLI.folder(bytes: all)
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try CLI.run(["score", "--rules", "rules.yaml"] + arguments, in: dir)
    return (run, run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func unreadableSummary(_ n: Int, of m: Int) -> String {
    "verdict: \(n) of \(m) conversation\(m == 1 ? "" : "s") could not be read; each has an error line\n"
}

@Suite("Hostile input: transcripts", .serialized)
struct HostileTranscriptTests {
    /// See: README "Bad input, case by case": truncated JSON, `NaN`, `Infinity`.
    @Test("truncated JSON: an error line at the cut, the rest scored, exit 3")
    func truncated() throws {
        let (run, lines) = try score(["c.jsonl": bytes(good + "\n" + #"{"id":"b","events":[{"type":"us"#)], ["c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [goodLine, #"{"source":"c.jsonl:2","id":null,"error":"invalid JSON: unterminated string at column 32"}"#])
        #expect(run.stderr == unreadableSummary(1, of: 2))
    }

    /// See: README "Bad input, case by case": invalid UTF-8.
    @Test("invalid UTF-8: the error names the column of the bad byte")
    func invalidUTF8() throws {
        let bad = bytes(#"{"id":"x","events":[{"type":"user","text":"caf"#) + [0xE9, 0x20, 0xFF] + bytes("\"}]}\n")
        let (run, lines) = try score(["c.jsonl": bad + bytes(good + "\n")], ["c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [#"{"source":"c.jsonl:1","id":null,"error":"invalid JSON: invalid UTF-8 in a string at column 47"}"#, goodLine])
    }

    /// See: README "Bad input, case by case": byte-order mark, CRLF line ends, blank lines.
    @Test("a byte-order mark is skipped, in JSON Lines and in a .json file")
    func byteOrderMark() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let (run, lines) = try score(["a.jsonl": bom + bytes(good + "\n"), "b.json": bom + bytes(good)], ["a.jsonl", "b.json"])
        #expect(run.status == 0)
        #expect(lines == [goodLine, goodLine])
    }

    /// See: README "Bad input, case by case": byte-order mark, CRLF line ends, blank lines.
    @Test("CRLF line ends are accepted and not part of the text")
    func crlf() throws {
        let crlf = #"{"id":"ok","events":[{"type":"agent","text":"Hello"}]}"# + "\r\n\r\n" + good + "\r\n"
        let (run, lines) = try score(["c.jsonl": bytes(crlf)], ["c.jsonl"])
        #expect(run.status == 0)
        #expect(lines == [goodLine, goodLine])
        #expect(run.stderr == "warning: conversation id 'ok' occurs more than once; every occurrence was scored\n")
    }

    /// See: README "Bad input, case by case": a 100 MB line.
    @Test("a 100 MB line is scored whole, and the line after it too")
    func hundredMegabyteLine() throws {
        var big = bytes(#"{"id":"big","events":[{"type":"agent","text":""#)
        big.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: 100_000_000))
        big += bytes(#" hello"}]}"# + "\n" + good + "\n")
        let (run, lines) = try score(["c.jsonl": big], ["c.jsonl"])
        #expect(run.status == 0)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"id":"big","metrics":{"Greeted":{"status":"ok","value":true,"triggered_at":0,"evidence":[0]}"#))
        #expect(lines[1] == goodLine)
    }

    /// See: README "Bad input, case by case": JSON nested 100,000 deep.
    @Test("JSON nested 100,000 levels deep is an error line, not a stack overflow", arguments: ["[", "{\"a\":"])
    func deepNesting(opener: String) throws {
        let deep = String(repeating: opener, count: 100_000)
        let (run, lines) = try score(["c.jsonl": bytes(deep + "\n" + good + "\n")], ["c.jsonl"])
        #expect(run.status == 3)
        let column = opener.utf8.count * 512 + 1
        #expect(lines == [#"{"source":"c.jsonl:1","id":null,"error":"invalid JSON: nesting deeper than 512 levels at column \#(column)"}"#, goodLine])
    }

    /// See: README "Bad input, case by case": empty `.jsonl` file.
    @Test("an empty .jsonl holds no conversations (exit 0); an empty .json file is an error line")
    func emptyFiles() throws {
        let (run, lines) = try score(["a.jsonl": [], "b.json": [], "c.jsonl": bytes(good)], ["a.jsonl", "b.json", "c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [#"{"source":"b.json","id":null,"error":"invalid JSON: expected a value but found end of input at column 1"}"#, goodLine])
        let (alone, none) = try score(["a.jsonl": []], ["a.jsonl"])
        #expect(alone.status == 0 && none.isEmpty && alone.stderr.isEmpty)
    }

    /// See: README "Bad input, case by case": `"events": []`.
    @Test("empty events: scored like any conversation")
    func emptyEvents() throws {
        let (run, lines) = try score(["c.jsonl": bytes(#"{"id":"e","events":[]}"#)], ["c.jsonl"])
        #expect(run.status == 0)
        #expect(lines == [#"{"id":"e","metrics":{"Greeted":{"status":"ok","value":false,"triggered_at":0,"evidence":[]},"Big number logged":{"status":"ok","value":false,"triggered_at":0,"evidence":[]}},"flows":[],"functions":[],"logged":{}}"#])
    }

    /// See: README "Bad input, case by case": a field of the wrong type.
    @Test("wrong types: an error line naming the event and field; the next conversation scored")
    func wrongTypes() throws {
        let bad = #"{"id":"w","events":[{"type":"agent","text":"hi"},{"type":"function","name":"f","args":"x"}]}"#
        let (run, lines) = try score(["c.jsonl": bytes(bad + "\n" + good)], ["c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [#"{"source":"c.jsonl:1","id":"w","error":"event 1: `args` must be an object"}"#, goodLine])
    }

    /// See: README "Bad input, case by case": truncated JSON, `NaN`, `Infinity`.
    @Test("NaN and Infinity are not JSON")
    func nanInfinity() throws {
        let text = #"{"id":"n","events":[{"type":"metric","name":"N","value":NaN}]}"# + "\n"
            + #"{"id":"i","events":[{"type":"metric","name":"N","value":-Infinity}]}"# + "\n" + good
        let (run, lines) = try score(["c.jsonl": bytes(text)], ["c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [
            #"{"source":"c.jsonl:1","id":null,"error":"invalid JSON: expected a value but found character 'N' at column 57"}"#,
            #"{"source":"c.jsonl:2","id":null,"error":"invalid JSON: expected a digit but found character 'I' at column 58"}"#,
            goodLine,
        ])
    }

    /// See: README "Bad input, case by case": integers beyond 2^53.
    @Test("integers beyond 2^53: written back digit for digit, compared as 64-bit floats (SPEC §4)")
    func bigIntegers() throws {
        let nines = String(repeating: "9", count: 400)
        let text = #"{"id":"a","events":[{"type":"metric","name":"N","value":9007199254740993}]}"# + "\n"
            + #"{"id":"b","events":[{"type":"metric","name":"N","value":9007199254740992}]}"# + "\n"
            + #"{"id":"c","events":[{"type":"metric","name":"N","value":\#(nines)}]}"#
        let (run, lines) = try score(["c.jsonl": bytes(text)], ["c.jsonl"])
        #expect(run.status == 0)
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""Big number logged":{"status":"ok","value":true"#))
        #expect(lines[0].hasSuffix(#""logged":{"N":9007199254740993}}"#))
        // 2^53 and 2^53 + 1 are the same 64-bit float.
        #expect(lines[1].contains(#""Big number logged":{"status":"ok","value":true"#))
        #expect(lines[1].hasSuffix(#""logged":{"N":9007199254740992}}"#))
        #expect(lines[2].contains(#""Big number logged":{"status":"ok","value":false"#))
        #expect(lines[2].hasSuffix(#""logged":{"N":\#(nines)}}"#))
    }

    /// See: README "Bad input, case by case": missing file, folder without read permission, symlink loop.
    @Test("a missing file: an error line in its place")
    func missingFile() throws {
        let (run, lines) = try score(["c.jsonl": bytes(good)], ["nope.jsonl", "c.jsonl"])
        #expect(run.status == 3)
        #expect(lines == [#"{"source":"nope.jsonl","id":null,"error":"cannot read: no such file or directory"}"#, goodLine])
    }

    /// See: README "Bad input, case by case": missing file, folder without read permission, symlink loop.
    @Test("a folder without read permission: an error line in its place, its siblings scored")
    func unreadableFolder() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "in/a.jsonl": good, "in/locked/b.jsonl": good])
        defer {
            chmod(dir.appendingPathComponent("in/locked").path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        #expect(chmod(dir.appendingPathComponent("in/locked").path, 0) == 0)
        // root reads every folder; the check runs as an unprivileged user then.
        var arguments = ["score", "--rules", "rules.yaml", "in"]
        var executable = CLI.binary
        if geteuid() == 0 {
            // The build folder may sit where that user cannot reach: run a copy from the test folder.
            chmod(dir.path, 0o755)
            let copy = dir.appendingPathComponent("verdict")
            try FileManager.default.copyItem(at: CLI.binary, to: copy)
            chmod(copy.path, 0o755)
            arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", copy.path] + arguments
            executable = URL(fileURLWithPath: "/usr/bin/setpriv")
        }
        let run = try CLI.run(arguments, in: dir, executable: executable)
        #expect(run.status == 3)
        #expect(run.stdout == goodLine + "\n" + #"{"source":"in/locked","id":null,"error":"cannot read: permission denied"}"# + "\n")
    }

    /// See: README "Bad input, case by case": missing file, folder without read permission, symlink loop.
    @Test("a symlink loop inside an input folder: one error line, no endless walk")
    func symlinkLoop() throws {
        let dir = try CLI.folder(["rules.yaml": rules, "in/a.jsonl": good])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("in/again").path, withDestinationPath: ".")
        let run = try CLI.run(["score", "--rules", "rules.yaml", "in"], in: dir)
        #expect(run.status == 3)
        #expect(run.stdout == goodLine + "\n" + #"{"source":"in/again","id":null,"error":"cannot read: symlink loop: folder already visited"}"# + "\n")
    }

    /// See: README "Bad input, case by case": standard input cut mid-record / closed.
    @Test("standard input closed early: what arrived is scored, the cut line is an error")
    func stdinCut() throws {
        let dir = try CLI.folder(["rules.yaml": rules])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cut = try CLI.run(["score", "--rules", "rules.yaml"], in: dir, stdin: Data((good + "\n" + #"{"id":"b","ev"#).utf8))
        #expect(cut.status == 3)
        #expect(cut.stdout == goodLine + "\n" + #"{"source":"-:2","id":null,"error":"invalid JSON: unterminated string at column 14"}"# + "\n")
    }

    /// See: README "Bad input, case by case": standard input cut mid-record / closed.
    @Test("standard input closed before start: one error line, exit 3")
    func stdinClosed() throws {
        let dir = try CLI.folder(["rules.yaml": rules])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.shell(#""$VERDICT" score --rules rules.yaml - <&-"#, in: dir)
        #expect(run.status == 3)
        #expect(run.stdout == #"{"source":"-","id":null,"error":"cannot read standard input: bad file descriptor"}"# + "\n")
    }
}

@Suite("Hostile input: rules", .serialized)
struct HostileRuleTests {
    /// See: README "Bad input, case by case": YAML alias bomb.
    @Test("a YAML alias bomb is refused with its location, before anything expands")
    func aliasBomb() throws {
        var yaml = "metrics:\n"
        var previous = "l0"
        yaml += "  - {name: a, type: boolean, definition: d, when: {state: s, value: {equals: &l0 lol}}}\n"
        for level in 1...9 {
            let items = Array(repeating: "*" + previous, count: 9).joined(separator: ", ")
            yaml += "  - {name: m\(level), type: boolean, definition: d, when: {state: s, value: {equals: &l\(level) [\(items)]}}}\n"
            previous = "l\(level)"
        }
        let errors = Support.ruleErrors(yaml)
        // 9^7 nodes is the first to pass a million; the anchor on line 9 holds it.
        #expect(errors == ["test.yaml:9:79: error: YAML aliases expand this node to more than 1000000 nodes; a rule file that large is refused (an alias bomb?)"])
    }

    /// See: README "Bad input, case by case": YAML alias bomb.
    @Test("aliases and merge keys of normal size still load")
    func normalAliases() throws {
        let rules = try Support.rules("""
        metrics:
          - &base {name: a, type: boolean, definition: d, when: {said: x}}
          - {<<: *base, name: b}
        """)
        #expect(rules.metrics.map(\.name) == ["a", "b"])
    }

    /// See: README "Bad input, case by case": tabs, duplicate keys.
    @Test("tabs in indentation: a YAML error with its line and column")
    func tabs() {
        let errors = Support.ruleErrors("metrics:\n\t- name: m\n")
        #expect(errors.count == 1)
        // Our words first, then the parser's own.
        #expect(errors[0].hasPrefix("test.yaml:2:1: error: invalid YAML: a tab in the indentation (YAML indents with spaces only); found character that cannot start any token"))
    }

    /// See: README "Bad input, case by case": tabs, duplicate keys.
    @Test("duplicate keys: a YAML error at the mapping that repeats one")
    func duplicateKeys() {
        let errors = Support.ruleErrors("metrics:\n  - name: m\n    name: n\n    type: boolean\n")
        #expect(errors == ["test.yaml:2:5: error: duplicate key 'name' in a mapping"])
    }

    /// See: README "Bad input, case by case": unknown keys, missing keys, bad patterns.
    @Test("an unknown key, the missing key it hides and a pattern that does not compile: all reported at once")
    func keysAndPatterns() {
        let errors = Support.ruleErrors("""
        metrics:
          - name: m
            type: boolean
            definiton: d
            when: {said: '(a'}
        """)
        #expect(errors == [
            "test.yaml:2:5: error: metric 'm' needs a 'definition' that says what it measures",
            "test.yaml:4:5: error: unknown key 'definiton' (did you mean 'definition'?)",
            "test.yaml:5:18: error: metric 'm': pattern '(a' does not compile: missing closing parenthesis at offset 2",
        ])
    }

    /// See: README "Bad input, case by case": catastrophic pattern (`(a+)+$`) on long text.
    @Test("catastrophic patterns against long text: status error for that metric only", arguments: ["(a+)+$", "(.*a){20}"])
    func catastrophic(pattern: String) throws {
        let yaml = """
        metrics:
          - name: Slow
            type: boolean
            definition: d
            when: {user: '\(pattern)'}
          - name: Fine
            type: boolean
            definition: d
            when: {user: 'a'}
        """
        let text = String(repeating: "a", count: 30_000) + "!"
        let result = try Support.score(yaml, Support.events(#"{"type":"user","text":"\#(text)"}"#))
        #expect(result.metrics[0].status == .error)
        #expect(result.metrics[0].error == "pattern '\(pattern)' stopped on event 0: match limit exceeded")
        #expect(result.metrics[1].display == "true")
    }

    /// See: README "Bad input, case by case": 10,000 metrics in one file.
    @Test("10,000 metrics in one file load and score, in file order")
    func tenThousandMetrics() throws {
        var yaml = "metrics:\n"
        for i in 0..<10_000 {
            yaml += "  - {name: 'metric \(i)', type: boolean, definition: d, when: {said: 'word\(i)\\b'}}\n"
        }
        let rules = try Support.rules(yaml)
        #expect(rules.metrics.count == 10_000)
        let result = Evaluator(rules: rules).evaluate(try Support.conversation(Support.events(#"{"type":"user","text":"say word9999 and word17"}"#)))
        let truths = result.metrics.indices.filter { result.metrics[$0].value == .bool(true) }
        #expect(truths == [17, 9999])
        #expect(Scorer(rules: rules, jobs: 2).batchSize == 1)
    }

    /// See: README "Bad input, case by case": conditions nested 400 deep.
    @Test("deeply nested conditions: 400 levels load and evaluate; past YAML's nesting limit, a located error")
    func deepConditions() throws {
        let ok = Support.booleanMetric(String(repeating: "{not: ", count: 400) + "{said: x}" + String(repeating: "}", count: 400))
        let result = try Support.score(ok, Support.events(#"{"type":"user","text":"x"}"#))
        #expect(result.metrics[0].display == "true")
        let tooDeep = Support.booleanMetric(String(repeating: "{not: ", count: 3000) + "{said: x}" + String(repeating: "}", count: 3000))
        let errors = Support.ruleErrors(tooDeep)
        #expect(errors.count == 1)
        #expect(errors[0].hasPrefix("test.yaml:5:"))
        #expect(errors[0].contains("error: invalid YAML: Maximum nesting level reached"))
    }
}

@Suite("Hostile input: output", .serialized)
struct HostileOutputTests {
    /// See: README "Bad input, case by case": `verdict score ... | head -1`.
    @Test("a reader that stops early (`| head -1`): quiet, no error text")
    func closedPipe() throws {
        let many = (0..<20_000).map { #"{"id":"c\#($0)","events":[{"type":"agent","text":"Hello"}]}"# }.joined(separator: "\n")
        let dir = try CLI.folder(["rules.yaml": rules, "big.jsonl": many])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.shell(#""$VERDICT" score --rules rules.yaml big.jsonl | head -1"#, in: dir)
        #expect(run.stdout.hasPrefix(#"{"id":"c0","#))
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stderr == "")
    }

    /// See: README "Bad input, case by case": output to a full disk.
    @Test("a full disk: a clear error and exit 1", .linuxOnly("/dev/full"), arguments: [false, true])
    func fullDisk(viaOption: Bool) throws {
        let dir = try CLI.folder(["rules.yaml": rules, "c.jsonl": good])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = viaOption
            ? try CLI.run(["score", "--rules", "rules.yaml", "c.jsonl", "--output", "/dev/full"], in: dir)
            : try CLI.shell(#""$VERDICT" score --rules rules.yaml c.jsonl > /dev/full"#, in: dir)
        #expect(run.status == 1)
        #expect(run.stderr == "verdict: cannot write output: no space left on device\n")
    }
}
