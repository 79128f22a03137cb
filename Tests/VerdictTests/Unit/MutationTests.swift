import Foundation
import Testing
@testable import Verdict

/// Fixtures from JSON lines; each keeps its annotations, as `verdict test` reads them.
func fixtureSet(_ lines: [String]) throws -> FixtureSet {
    var set = FixtureSet()
    for (i, line) in lines.enumerated() {
        let (conversation, object) = try Array(line.utf8).withUnsafeBufferPointer { ConversationDecoder.decode($0) }.get()
        set.fixtures.append(FixtureSet.Fixture(source: "f.jsonl:\(i + 1)", conversation: conversation,
                                               annotations: ConversationDecoder.annotations(of: object)))
    }
    return set
}

/// A fixture line: events as (type, text) pairs, the metric "M" expected to be `expect`.
func fixture(_ id: String, _ events: [(String, String)], expect: String) -> String {
    let list = events.map { #"{"type":"\#($0.0)","text":"\#($0.1)"}"# }.joined(separator: ",")
    return #"{"id":"\#(id)","expect":{"M":\#(expect)},"events":[\#(list)]}"#
}

/// One metric "M" of the given type with `body` (YAML lines at the metric's indentation).
func metricRules(_ type: String, _ body: String) throws -> RuleSet {
    let indented = body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
    return try Support.rules("""
    metrics:
      - name: M
        type: \(type)
        definition: A metric under test.
    \(indented)
    """)
}

@Suite("Mutation testing")
struct MutationTests {
    /// Whether the one mutant of `op` whose description contains `containing` is killed.
    func killed(_ rules: RuleSet, _ fixtures: [String], _ op: Mutant.Operator, containing: String = "") throws -> Bool {
        let run = MutationTesting.run(rules: rules, fixtures: try fixtureSet(fixtures))
        let chosen = run.outcomes.filter { $0.mutant.op == op && (containing.isEmpty || $0.mutant.description.contains(containing)) }
        try #require(chosen.count == 1, "\(op) \(containing) \(run.outcomes.map { "\($0.mutant.op) \($0.mutant.description)" })")
        return chosen[0].killed
    }

    /// Each operator, with fixtures that kill it and fixtures it survives.
    @Test("every operator: killed by a fixture that tells it apart, surviving one that does not")
    func operators() throws {
        let all = try metricRules("boolean", "when: {all: [{agent: alpha}, {agent: beta}]}")
        #expect(try killed(all, [fixture("a", [("agent", "alpha")], expect: "false")], .dropItem, containing: "item 2"))
        #expect(try !killed(all, [fixture("a", [("agent", "alpha beta")], expect: "true")], .dropItem, containing: "item 2"))

        let any = try metricRules("boolean", "when: {any: [{agent: alpha}, {agent: beta}]}")
        #expect(try killed(any, [fixture("a", [("agent", "alpha")], expect: "true")], .negateLeaf, containing: "alpha"))
        #expect(try !killed(any, [fixture("a", [("agent", "alpha beta")], expect: "true")], .negateLeaf, containing: "alpha"))

        let applies = try metricRules("boolean", "applies_when: {agent: start}\nwhen: {user: 'yes'}")
        #expect(try killed(applies, [fixture("a", [("user", "yes")], expect: #""not_applicable""#)], .fromStart))
        #expect(try !killed(applies, [fixture("a", [("agent", "start"), ("user", "yes")], expect: "true")], .fromStart))
        #expect(try killed(applies, [fixture("a", [("user", "yes"), ("agent", "start")], expect: "false")], .switchScope))
        #expect(try !killed(applies, [fixture("a", [("agent", "start"), ("user", "yes")], expect: "true")], .switchScope))

        let turns = try metricRules("boolean", "when: {agent: x, turns: [2, 3]}")
        let atTwo = [fixture("a", [("user", "hi"), ("agent", "x")], expect: "true")]
        #expect(try killed(turns, atTwo, .narrowBound, containing: "turns lower bound to 3"))
        #expect(try !killed(turns, atTwo, .widenBound, containing: "turns lower bound to 1"))
        #expect(try killed(turns, [fixture("a", [("user", "hi"), ("user", "hi"), ("user", "hi"), ("agent", "x")], expect: "false")],
                           .widenBound, containing: "turns upper bound to 4"))

        let count = try metricRules("boolean", "when: {agent: x, count: {at_least: 2, at_most: 3}}")
        let twice = [fixture("a", [("agent", "x"), ("agent", "x")], expect: "true")]
        #expect(try killed(count, twice, .narrowBound, containing: "at_least to 3"))
        #expect(try !killed(count, twice, .widenBound, containing: "at_least to 1"))
        #expect(try !killed(count, twice, .narrowBound, containing: "at_most to 2"))
        #expect(try killed(count, [fixture("a", [("agent", "x"), ("agent", "x"), ("agent", "x")], expect: "true")],
                           .narrowBound, containing: "at_most to 2"))

        let within = try metricRules("boolean", "when: {sequence: [{user: ask}, {agent: done}], within_turns: 2}")
        let spanTwo = [fixture("a", [("user", "ask"), ("agent", "hm"), ("agent", "done")], expect: "true")]
        #expect(try killed(within, spanTwo, .narrowBound, containing: "within_turns to 1"))
        #expect(try !killed(within, spanTwo, .widenBound, containing: "within_turns to 3"))
        #expect(try killed(within, [fixture("a", [("agent", "done")], expect: "false")], .dropItem, containing: "step 1"))
        #expect(try !killed(within, spanTwo, .dropItem, containing: "step 1"))

        let alternatives = try metricRules("boolean", "when: {user: '\\b(yes|yeah)\\b'}")
        let yeah = [fixture("a", [("user", "yeah")], expect: "true")]
        #expect(try killed(alternatives, yeah, .dropAlternative, containing: "'yeah'"))
        #expect(try !killed(alternatives, yeah, .dropAlternative, containing: "'yes'"))
        let bobcat = [fixture("a", [("user", "a bobcat")], expect: "false")]
        let cat = try metricRules("boolean", "when: {user: '\\bcat\\b'}")
        #expect(try killed(cat, bobcat, .dropWordBoundary, containing: "offset 0"))
        #expect(try !killed(cat, bobcat, .dropWordBoundary, containing: "offset 5"))

        let labels = try metricRules("categorical", """
        labels:
          - {label: first, when: {agent: alpha}}
          - {label: second, when: {agent: beta}}
        otherwise: neither
        """)
        let onlyFirst = [fixture("a", [("agent", "alpha")], expect: #""first""#)]
        #expect(try killed(labels, onlyFirst, .dropLabel, containing: "'first'"))
        #expect(try !killed(labels, onlyFirst, .dropLabel, containing: "'second'"))
        #expect(try !killed(labels, onlyFirst, .dropOtherwise))
        #expect(try killed(labels, [fixture("a", [("agent", "gamma")], expect: #""neither""#)], .dropOtherwise))
        #expect(try !killed(labels, onlyFirst, .swapLabels))
        #expect(try killed(labels, [fixture("a", [("agent", "alpha beta")], expect: #""first""#)], .swapLabels))
    }

    @Test("bounds in seconds move by one; number metrics are mutated through their leaves")
    func secondsAndNumbers() throws {
        let rules = try metricRules("number", "value: {hits: {agent: x, seconds: [0, 5]}}")
        let line = #"{"id":"a","expect":{"M":1},"events":[{"type":"agent","text":"x","at":5},{"type":"agent","text":"x","at":6}]}"#
        #expect(try killed(rules, [line], .widenBound, containing: "seconds upper bound to 6"))
        #expect(try killed(rules, [line], .narrowBound, containing: "seconds upper bound to 4"))
        #expect(try !killed(rules, [line], .narrowBound, containing: "seconds lower bound to 1"))
    }

    @Test("an equivalent mutant recorded in a fixture leaves the score; a stale record is reported")
    func equivalents() throws {
        let rules = try metricRules("boolean", "when: {user: '\\b(yes|yeah)\\b'}")
        let plain = fixture("a", [("user", "yes")], expect: "true")
        let first = MutationTesting.run(rules: rules, fixtures: try fixtureSet([plain]))
        let survivors = first.outcomes.filter { !$0.killed }
        #expect(first.score < 1)
        var record = survivors.map { #""\#($0.mutant.description.replacingOccurrences(of: "\\", with: "\\\\"))":"reason""# }
        record.append(#""no such mutant":"reason""#)
        let annotated = #"{"id":"b","expect":{"M":false},"equivalent_mutants":{"M":{\#(record.joined(separator: ","))}},"events":[]}"#
        let second = MutationTesting.run(rules: rules, fixtures: try fixtureSet([plain, annotated]))
        #expect(second.equivalent == survivors.count)
        #expect(second.score == 1)
        #expect(second.warnings == ["f.jsonl:2: metric 'M' has no mutant 'no such mutant' any more; remove the record"])
        #expect(second.json(metrics: rules.metrics).contains(#""equivalent":[{"metric":"M""#))
    }

    @Test("--suggest: for a survivor, the first unlabelled conversation where it and the rules disagree")
    func candidates() throws {
        let rules = try metricRules("boolean", "when: {user: '\\b(yes|yeah)\\b'}")
        var run = MutationTesting.run(rules: rules, fixtures: try fixtureSet([fixture("a", [("user", "yes")], expect: "true")]))
        let pool = try fixtureSet([
            #"{"id":"p1","events":[{"type":"user","text":"no"}]}"#,
            #"{"id":"p2","events":[{"type":"user","text":"yeah sure"}]}"#,
            #"{"id":"p3","events":[{"type":"user","text":"yeah"}]}"#,
        ])
        run.findCandidates(rules: rules, pool: pool, jobs: 2)
        let i = try #require(run.outcomes.firstIndex { $0.mutant.description.hasPrefix("drop alternative 'yeah'") })
        #expect(!run.outcomes[i].killed)
        #expect(run.candidates[i] == MutationTesting.Candidate(source: "f.jsonl:2", id: "p2", rules: "true", mutant: "false"))
        // A killed mutant gets no candidate.
        let killed = try #require(run.outcomes.firstIndex { $0.killed })
        #expect(run.candidates[killed] == nil)
        #expect(run.text(metrics: rules.metrics).contains("    label f.jsonl:2 id 'p2' to decide it: the rules give true, the mutant false\n"))
    }

    @Test("expectations the rules as written fail are left out and counted")
    func failingExpectations() throws {
        let rules = try metricRules("boolean", "when: {agent: alpha}")
        let run = MutationTesting.run(rules: rules, fixtures: try fixtureSet([fixture("a", [("agent", "beta")], expect: "true")]))
        #expect(run.failingExpectations == 1)
        #expect(run.killed == 0)
    }

    @Test("mutants are the same, in the same order, from run to run and whatever the threads")
    func deterministic() throws {
        let rules = try RuleLoader.load(paths: [Support.root.appendingPathComponent("rules/booking.yaml").path])
        let set = FixtureSet.read(InputReader(inputs: [Support.root.appendingPathComponent("fixtures").path]))
        let one = MutationTesting.run(rules: rules, fixtures: set, jobs: 1)
        let four = MutationTesting.run(rules: rules, fixtures: set, jobs: 4)
        #expect(one.json(metrics: rules.metrics) == four.json(metrics: rules.metrics))
        #expect(one.outcomes.count > 10)
        #expect(Set(one.outcomes.map { "\($0.mutant.metricIndex) \($0.mutant.description)" }).count == one.outcomes.count)
    }

    @Test("pattern edits: the outermost alternation, escapes and classes respected")
    func patternEdits() {
        #expect(PatternEdits.alternativesRemoved(#"\b(yes|yeah)\b"#).map(\.pattern) == [#"\b(yeah)\b"#, #"\b(yes)\b"#])
        #expect(PatternEdits.alternativesRemoved("a|b(c|d)").map(\.pattern) == ["b(c|d)", "a"])
        #expect(PatternEdits.alternativesRemoved(#"x[|]\|y"#).isEmpty)
        #expect(PatternEdits.alternativesRemoved("(?:a|b)(?<n>c|d)").map(\.removed) == ["a", "b", "c", "d"])
        #expect(PatternEdits.alternativesRemoved("(?:a|b)(?<n>c|d)")[2].pattern == "(?:a|b)(?<n>d)")
        #expect(PatternEdits.wordBoundariesDropped(#"\bcat\b[\b]\\b"#).map(\.pattern) == [#"cat\b[\b]\\b"#, #"\bcat[\b]\\b"#])
    }

    @Test("each mutant points at the rule file: line and column of what it changes")
    func locations() throws {
        let rules = try Support.rules("""
        metrics:
          - name: M
            type: boolean
            definition: A metric under test.
            when:
              all:
                - agent: alpha
                - user: beta
        """)
        let mutants = Mutant.all(of: 0, in: rules)
        let drop = try #require(mutants.first { $0.description.hasPrefix("drop item 2") })
        #expect(drop.location.description == "test.yaml:8:11")
        let negate = try #require(mutants.first { $0.description.hasPrefix("negate agent") })
        #expect(negate.location.description == "test.yaml:7:11")
    }
}
