import Foundation
import Testing
@testable import Verdict

/// SPEC 1.2: every rule error of phrase lists (§3.1), the `metadata` condition and turns counted
/// from the end (§3), each with its exact location; and what each feature matches.
@Suite("Rule language 1.2")
struct RuleLanguage12Tests {
    static func metric(_ when: String, phrases: String = "") -> String {
        phrases + "\nmetrics:\n  - {name: m, type: boolean, definition: d, when: \(when)}\n"
    }

    @Test("rule errors written in one file, each located", arguments: [
        // Phrase lists.
        ("phrases: {'': [a]}", "test.yaml:1:11: error: a phrase list's name must not be empty"),
        ("phrases: {p: []}", "test.yaml:1:14: error: phrase list 'p' is empty"),
        ("phrases: {p: [a, '  ']}", "test.yaml:1:18: error: phrase list 'p' has an empty phrase"),
        ("phrases: {p: [a, 42]}", "test.yaml:1:18: error: a phrase of 'p' must be a string, found int '42' (quote it)"),
        ("phrases: {p: confirmed}", "test.yaml:1:14: error: phrase list 'p' must be a list of phrases or {file: PATH}"),
        ("phrases: [a, b]", "test.yaml:1:10: error: 'phrases' must be a mapping from list names to lists of phrases or {file: PATH}"),
        ("phrases: {p: {file: /etc/passwd}}", "test.yaml:1:21: error: phrase list 'p': file '/etc/passwd' is an absolute path; give it relative to the rule file's folder"),
        ("phrases: {p: {file: more.yaml}}", "test.yaml:1:21: error: phrase list 'p': file 'more.yaml' ends in .yaml: phrase files are not rule files (use .txt)"),
        ("phrases: {p: {file: ../p.txt}}", "test.yaml:1:21: error: phrase list 'p': file '../p.txt' is outside the rules folder '.'"),
        ("phrases: {p: {file: no-such-file.txt}}", "test.yaml:1:21: error: phrase list 'p': file 'no-such-file.txt' cannot be read"),
        ("phrases: {p: {path: p.txt}}", "test.yaml:1:15: error: phrase list 'p': unknown key 'path'; expected one of: 'file'"),
        ("phrases: {p: {}}", "test.yaml:1:14: error: phrase list 'p' needs 'file' (or a list of phrases)"),
        ("phrases: {p: [a], p: [b]}", "test.yaml:1:11: error: duplicate key 'p' in a mapping"),
        ("phrases: {confirmation: [a]}\nmetrics:\n  - {name: m, type: boolean, definition: d, when: {agent: {phrases: confirmaton}}}",
         "test.yaml:3:69: error: metric 'm': no phrase list named 'confirmaton' (did you mean 'confirmation'?)"),
        ("phrases: {p: [a]}\nmetrics:\n  - {name: m, type: boolean, definition: d, when: {said: {phrases: []}}}",
         "test.yaml:3:68: error: metric 'm': 'phrases' needs at least one list name"),
        ("phrases: {p: [a]}\nmetrics:\n  - {name: m, type: boolean, definition: d, when: {said: {phrase: p}}}",
         "test.yaml:3:59: error: metric 'm': 'said': unknown key 'phrase' (did you mean 'phrases'?)"),
        ("phrases: {p: [a]}\nmetrics:\n  - {name: m, type: boolean, definition: d, when: {handoff: {phrases: p}}}",
         "test.yaml:3:61: error: metric 'm': 'handoff' takes true or a pattern for the destination; phrase lists are for 'user', 'agent' and 'said'"),
        // The metadata condition.
        (metric("{metadata: {exists: true}}"), "test.yaml:3:63: error: metric 'm': 'exists' directly under 'metadata' is an operator, not a path; name the path first, as in {channel: {exists: ...}}"),
        (metric("{metadata: {channel: voice}, turns: [1]}"), "test.yaml:3:80: error: metric 'm': 'turns' does not apply to 'metadata', a condition on the whole conversation; modifiers belong on leaves"),
        (metric("{metadata: voice}"), "test.yaml:3:62: error: metric 'm': 'metadata' takes a mapping from metadata paths to matchers, such as {channel: voice}"),
        (metric("{sequence: [{said: a}, {metadata: {channel: voice}}]}"), "test.yaml:3:75: error: metric 'm': 'metadata' is not allowed inside 'sequence'; it is a condition on the whole conversation, not a leaf"),
        ("flows: {F: {enter_when: {metadata: {channel: voice}}}}", "test.yaml:1:26: error: flow 'F': 'metadata' is not allowed in 'enter_when'; it is a condition on the whole conversation, not a leaf"),
        ("metrics:\n  - {name: m, type: number, definition: d, value: {hits: {metadata: {a: 1}}}}",
         "test.yaml:2:59: error: metric 'm': 'metadata' is not allowed in a value expression; it is a condition on the whole conversation, not a leaf"),
        (metric("{metadata: {channel: {exists: true, phone: 1}}}"), "test.yaml:3:72: error: metric 'm': a matcher mixes operators (exists) with paths (phone); nest the operators under their path"),
        // Turns from the end.
        (metric("{said: x, turns: [-1, -3]}"), "test.yaml:3:68: error: metric 'm': 'turns' [-1, -3] is empty: the first bound is after the second"),
        (metric("{said: x, turns: [4, 2]}"), "test.yaml:3:68: error: metric 'm': 'turns' [4, 2] is empty: the first bound is after the second"),
        (metric("{said: x, turns: [1.5]}"), "test.yaml:3:69: error: metric 'm': 'turns' bounds must be whole numbers (negative ones count from the end), not 1.5"),
    ])
    func ruleError(yaml: String, message: String) {
        #expect(Support.ruleErrors(yaml) == [message])
    }

    @Test("[3, -1] and other mixed signs are allowed; so are negative bounds alone")
    func mixedSigns() throws {
        for turns in ["[3, -1]", "[-3]", "[-3, -1]", "[2, -2]", "[0, -1]", "[-10, -6]"] {
            #expect(Support.ruleErrors(Self.metric("{said: x, turns: \(turns)}")) == [], "\(turns)")
        }
    }

    @Test("phrase files: relative to the rule file, inside the rules folder; a list declared in another file is found")
    func phraseFiles() throws {
        let dir = try CLI.folder([
            "rules/a.yaml": "phrases:\n  bye: {file: words/bye.txt}\n  ok: {file: ./ok.txt}\n",
            "rules/sub/b.yaml": "phrases:\n  up: {file: ../words/bye.txt}\nmetrics:\n  - {name: m, type: boolean, definition: d, when: {said: {phrases: [bye, ok, up]}}}\n",
            "rules/words/bye.txt": "\u{FEFF}# farewells\r\ngoodbye\r\n\r\n  see you  \r\n",
            "rules/ok.txt": "okay",
            "outside.txt": "x",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = try RuleLoader.load(paths: [dir.appendingPathComponent("rules").path])
        let lists = rules.phraseLists.map { "\($0.name): " + $0.phrases.map(\.text).joined(separator: " | ") }
        #expect(lists == ["bye: goodbye | see you", "ok: okay", "up: goodbye | see you"])
        let bye = rules.phraseLists[0].phrases
        #expect(bye.map(\.location.line) == [2, 4])
        #expect(bye[0].location.file.hasSuffix("rules/words/bye.txt"))
        // A link out of the rules folder leaves it too.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("rules/link.txt").path,
                                                   withDestinationPath: dir.appendingPathComponent("outside.txt").path)
        try Data("phrases: {l: {file: link.txt}}\n".utf8).write(to: dir.appendingPathComponent("rules/c.yaml"))
        do {
            _ = try RuleLoader.load(paths: [dir.appendingPathComponent("rules").path])
            Issue.record("a phrase file linked from outside the rules folder was read")
        } catch {
            #expect(error.errors.map(\.message) == ["phrase list 'l': file 'link.txt' is outside the rules folder '\(dir.appendingPathComponent("rules").path)'"])
        }
    }

    @Test("a phrase file that is not UTF-8, or holds no phrase, is a rule error")
    func badPhraseFiles() throws {
        let dir = try CLI.folder(bytes: ["r/a.yaml": Array("phrases: {p: {file: p.txt}, q: {file: q.txt}}\n".utf8),
                                         "r/p.txt": [0x66, 0xFF, 0x0A], "r/q.txt": Array("# only a comment\n\n".utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try RuleLoader.load(paths: [dir.appendingPathComponent("r").path])
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map(\.message) == ["phrase list 'p': file 'p.txt' is not valid UTF-8",
                                                     "phrase list 'q': file 'q.txt' holds no phrase"])
        }
    }

    @Test("phrase occurrences: words in order across any whitespace, caseless, at word edges only where the phrase has a word character",
          arguments: [
        ("all set", "You're ALL  set!", true), ("all set", "install settings", false), ("all set", "all\tset", true),
        ("all set", "all\u{00A0}set", true), ("U.S.", "the U.S. office", true), ("U.S.", "the U.S.A.", true),
        ("#1", "x#1", true), ("#1", "#12", false), ("book", "rebook", false), ("book", "book_x", false),
        ("zoë", "ZOË!", true), ("olá", "olá1", false), ("a+b", "a+b", true), ("(x)", "f(x)", true), ("x", "x_", false),
    ])
    func occurrence(phrase: String, text: String, expected: Bool) throws {
        let pattern = try Pattern(alternatives: [PhrasePattern.source(words: PhrasePattern.words(phrase))])
        #expect(try pattern.matches(text, using: MatchScratch()) == expected)
    }

    @Test("a list too large for one PCRE2 pattern is compiled in parts and matches any of its phrases")
    func largeList() throws {
        var words: [String] = []
        var g = SplitMix64(state: 5)
        for _ in 0..<6_000 {
            words.append(String((0..<8).map { _ in Character(Unicode.Scalar(UInt8(97 + Int(g.next() % 26)))) }))
        }
        let pattern = try Pattern(alternatives: words.map { PhrasePattern.source(words: [$0]) })
        let scratch = MatchScratch()
        #expect(try pattern.matches("say \(words[0]) now", using: scratch))
        #expect(try pattern.matches("say \(words[5_999])", using: scratch))
        #expect(try !pattern.matches("say \(words[5_999])x", using: scratch))
    }

    @Test("the metadata condition holds on every prefix and window exactly when the metadata matches; it adds no evidence")
    func metadataCondition() throws {
        let yaml = """
        metrics:
          - {name: applies, type: boolean, definition: d, applies_when: {metadata: {channel: voice}}, when: {said: hi}}
          - {name: both, type: boolean, definition: d, when: {all: [{metadata: {channel: voice}}, {said: hi}]}}
          - {name: late, type: boolean, definition: d, applies_when: {said: bye}, when: {metadata: {channel: voice}}}
        """
        let voice = try Support.score(yaml, #"{"id": "v", "metadata": {"channel": "voice"}, "events": [{"type": "agent", "text": "hi"}, {"type": "user", "text": "bye"}]}"#)
        #expect(voice.metrics.map(\.display) == ["true", "true", "true"])
        #expect(voice.metrics[0].triggeredAt == 0 && voice.metrics[1].evidence == [0] && voice.metrics[2].evidence == [])
        let chat = try Support.score(yaml, #"{"id": "c", "metadata": {"channel": "chat"}, "events": [{"type": "agent", "text": "hi"}]}"#)
        #expect(chat.metrics.map(\.display) == ["not_applicable", "false", "not_applicable"])
        let empty = try Support.score(yaml, #"{"id": "e", "metadata": {"channel": "voice"}, "events": []}"#)
        #expect(empty.metrics.map(\.display) == ["not_applicable", "false", "not_applicable"])
    }

    @Test("a pattern in a metadata condition that stops at its match limit makes the metric an error naming the metadata")
    func metadataMatchLimit() throws {
        let rules = try Support.rules("metrics:\n  - {name: m, type: boolean, definition: d, when: {metadata: {note: {regex: '(a+)+$'}}}}\n")
        let note = String(repeating: "a", count: 40) + "!"
        let conversation = try Support.conversation(#"{"id": "x", "metadata": {"note": "\#(note)"}, "events": []}"#)
        let result = Evaluator(rules: rules, limits: EvaluationLimits(matchLimit: 10_000)).evaluate(conversation)
        #expect(result.metrics[0].status == .error)
        #expect(result.metrics[0].error?.hasPrefix("pattern '(a+)+$' stopped on the metadata: ") == true)
    }

    @Test("turns from the end: -k is T - k + 1, events after the last spoken one share its turn")
    func turnsFromTheEnd() throws {
        let events = #"{"type": "agent", "text": "x"}, {"type": "user", "text": "x"}, {"type": "agent", "text": "x"}, {"type": "function", "name": "f"}"#
        func hits(_ turns: String) throws -> String {
            let yaml = "metrics:\n  - {name: n, type: number, definition: d, value: {hits: {said: x, turns: \(turns)}}}\n"
            return try Support.score(yaml, Support.events(events)).metrics[0].display
        }
        #expect(try hits("[-1]") == "1")
        #expect(try hits("[-2]") == "2")
        #expect(try hits("[2, -2]") == "1")
        #expect(try hits("[3, -1]") == "1")
        #expect(try hits("[-10]") == "3")
        #expect(try hits("[-10, -4]") == "0")
        let last = try Support.score("metrics:\n  - {name: n, type: number, definition: d, value: {hits: {function: f, turns: [-1]}}}\n",
                                     Support.events(events))
        #expect(last.metrics[0].display == "1")
    }

    static let followYAML = """
    phrases:
      confirmation: [confirmed, all set]
      goodbye: [bye, "have a good day"]
    metrics:
      - name: closed
        type: boolean
        definition: d
        applies_when: {metadata: {channel: voice}}
        when: {agent: {phrases: [confirmation, goodbye]}, turns: [-2]}
    """
    static let followCall = #"{"id": "c", "metadata": {"channel": "voice"}, "events": [{"type": "agent", "text": "Hi"}, {"type": "user", "text": "Book it"}, {"type": "agent", "text": "You're ALL set"}, {"type": "user", "text": "thanks"}, {"type": "agent", "text": "Bye now"}]}"#

    @Test("explain names the phrase found at each hit and its list, what the metadata held, and turns from the end as turn numbers")
    func explainFollows() throws {
        let rules = try Support.rules(Self.followYAML)
        let text = Explanation.build(try Support.conversation(Self.followCall), rules: rules).rendered(.text)
        #expect(text.contains("    ✓ metadata {channel: \"voice\"} (channel is \"voice\")  (no hits)\n"))
        #expect(text.contains("    ✓ agent says a phrase of confirmation or goodbye in turns -2 on (here: turn 4 on, of 5 turns): “bye” (goodbye) at 4  (hits 4)\n"))
        let chat = Explanation.build(try Support.conversation(#"{"id": "d", "metadata": {"tier": 1}, "events": [{"type": "agent", "text": "Hi"}]}"#), rules: rules)
        #expect(chat.rendered(.text).contains("    ✗ metadata {channel: \"voice\"} (channel is missing)  (no hits)\n"))
    }

    @Test("test --coverage counts each phrase a fixture hit, naming the others with their file and line")
    func coverageOfPhrases() throws {
        let rules = try Support.rules(Self.followYAML)
        var fixture = Self.followCall
        fixture.insert(contentsOf: #""expect": {"closed": true}, "#, at: fixture.index(after: fixture.startIndex))
        let set = try fixtureSet([fixture])
        let coverage = RuleCoverage.measure(set, rules: rules)
        let phrases = coverage.metrics[0].items.filter { $0.kind == .phrase }
        #expect(phrases.map(\.description) == ["phrase 'confirmed' of confirmation in when occurring", "phrase 'all set' of confirmation in when occurring",
                                               "phrase 'bye' of goodbye in when occurring", "phrase 'have a good day' of goodbye in when occurring"])
        #expect(phrases.map(\.covered) == [false, false, true, false])
        #expect(phrases.map(\.location.description) == ["test.yaml:2:18", "test.yaml:2:29", "test.yaml:3:13", "test.yaml:3:18"])
    }

    @Test("mutate drops one phrase at a time and negates a metadata condition")
    func mutants() throws {
        let rules = try Support.rules(Self.followYAML)
        let descriptions = Mutant.all(of: 0, in: rules).map { "\($0.op.rawValue): \($0.description)" }
        #expect(descriptions.contains("negate_metadata: negate metadata {channel: \"voice\"} in applies_when"))
        for phrase in ["'confirmed' of confirmation", "'all set' of confirmation", "'bye' of goodbye", "'have a good day' of goodbye"] {
            #expect(descriptions.contains { $0.hasPrefix("drop_phrase: drop phrase \(phrase) of agent says") }, "\(phrase)")
        }
        // A mutant without 'bye' no longer hits the last turn.
        let dropped = try #require(Mutant.all(of: 0, in: rules).first { $0.description.hasPrefix("drop phrase 'bye'") })
        var mutated = rules
        mutated.metrics[0] = dropped.metric
        #expect(Evaluator(rules: mutated).evaluate(try Support.conversation(Self.followCall)).metrics[0].value == .bool(false))
        #expect(Evaluator(rules: rules).evaluate(try Support.conversation(Self.followCall)).metrics[0].value == .bool(true))
    }
}


@Suite("Cost follows the prefilter's candidates")
struct PrefilterCostTests {
    /// 200 metrics on words the call never says, one on a word said once.
    static func rules(withSaid said: String?) throws -> RuleSet {
        var yaml = "metrics:\n"
        for m in 0..<200 { yaml += "  - {name: m\(m), type: boolean, definition: d, when: {said: '\\bquux\(m)zz\\b'}}\n" }
        if let said { yaml += "  - {name: said, type: boolean, definition: d, when: {said: '\\b\(said)\\b', turns: [1]}}\n" }
        return try Support.rules(yaml)
    }

    static let call: Conversation = {
        var events: [String] = []
        for i in 0..<50 { events.append(#"{"type": "\#(i % 2 == 0 ? "agent" : "user")", "text": "line \#(i) of an ordinary call\#(i == 31 ? ", refund please" : "")"}"#) }
        return try! Support.conversation(Support.events(events.joined(separator: ", ")))
    }()

    @Test("a leaf whose literals occur nowhere in the call looks at no event and runs no search")
    func absentLeavesCostNothing() throws {
        let evaluator = Evaluator(rules: try Self.rules(withSaid: nil))
        let result = evaluator.evaluate(Self.call)
        #expect(result.metrics.allSatisfy { $0.value == .bool(false) })
        #expect(evaluator.matcher.eventsVisited == 0)
        #expect(evaluator.matcher.patternRuns == 0)
    }

    @Test("a metric whose words occur nowhere is evaluated on the first such call only, then its result reused")
    func absentMetricsEvaluatedOnce() throws {
        let evaluator = Evaluator(rules: try Self.rules(withSaid: "refund"))
        for _ in 0..<10 {
            let result = evaluator.evaluate(Self.call)
            #expect(result.metrics.dropLast().allSatisfy { $0 == MetricResult(status: .ok, value: .bool(false), triggeredAt: 0) })
            #expect(result.metrics.last?.evidence == [31])
        }
        // 200 metrics on 9 calls after the first; the metric whose word occurs, never.
        #expect(evaluator.quietResultsReused == 1_800)
        // A call with no events is evaluated in full: its triggers differ (none at all).
        let empty = evaluator.evaluate(Conversation(id: "e", events: []))
        #expect(evaluator.quietResultsReused == 1_800)
        #expect(empty.metrics[0] == MetricResult(status: .ok, value: .bool(false), triggeredAt: 0))
    }

    @Test("a plain text leaf looks only at the texts that hold one of its literals, past 64 events too")
    func plainLeafVisitsItsLiteralsTexts() throws {
        let rules = try Support.rules("""
            metrics:
              - {name: refund, type: boolean, definition: d, when: {user: 'refund'}}
              - {name: late, type: boolean, definition: d, applies_when: {agent: 'line 60 '}, when: {user: 'refund'}}
            """)
        var events = Self.call.events
        for i in 50..<130 {
            var event = Event(kind: i % 2 == 0 ? .agent : .user)
            event.text = "line \(i) of a long call\(i == 101 ? ", refund please" : "")"
            events.append(event)
        }
        let evaluator = Evaluator(rules: rules)
        let result = evaluator.evaluate(Conversation(id: "long", events: events))
        #expect(result.metrics.map(\.evidence) == [[31, 101], [101]])
        // The `when` leaf looks at the two user texts (of 65) that hold "refund" for the first
        // metric, and at the one from event 60 on for the second: not at every user text.
        let only = Evaluator(rules: try Support.rules("metrics:\n  - {name: refund, type: boolean, definition: d, when: {user: 'refund'}}\n"))
        _ = only.evaluate(Conversation(id: "long", events: events))
        #expect(only.matcher.eventsVisited == 2)
        #expect(evaluator.matcher.eventsVisited == 2 + 1)
    }

    @Test("a leaf whose literal occurs runs PCRE2 only where it occurs, modifiers or not")
    func presentLeafRunsWhereItsLiteralIs() throws {
        let evaluator = Evaluator(rules: try Self.rules(withSaid: "refund"))
        let result = evaluator.evaluate(Self.call)
        #expect(result.metrics.last?.value == .bool(true) && result.metrics.last?.evidence == [31])
        #expect(evaluator.matcher.patternRuns == 1)
        #expect(evaluator.matcher.eventsVisited == 50)
        // The same with a text that PCRE2 may read as ASCII (a KELVIN SIGN, a k to it): the
        // prefilter reads it as a k too, and still runs PCRE2 on the one text alone.
        var events = Self.call.events
        events[0].text = "\u{212A}elvin"
        let folding = Evaluator(rules: try Self.rules(withSaid: "refund"))
        #expect(folding.evaluate(Conversation(id: "k", events: events)).metrics.last?.evidence == [31])
        #expect(folding.matcher.patternRuns == 1)
    }
}
