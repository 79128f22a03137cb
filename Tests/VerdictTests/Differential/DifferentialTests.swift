import Testing
@testable import Verdict

@Suite("Differential")
struct DifferentialTests {
    /// The engine's result on one conversation against the model's: the flows entered, then
    /// each metric's status, value and trigger. An error on either side must be an error on
    /// both; the model keeps no trigger for it, so only the status is compared then. Returns
    /// the model's results, for the caller's tallies.
    static func compare(_ engine: Evaluator, _ model: ReferenceModel, _ conversation: Conversation,
                        _ context: String) -> [ReferenceModel.ModelResult] {
        let fast = engine.evaluate(conversation)
        let slow = model.evaluate(conversation)
        #expect(fast.flows == slow.flows, "flows, \(context)")
        #expect(fast.metrics.count == slow.metrics.count)
        for (i, (f, s)) in zip(fast.metrics, slow.metrics).enumerated() {
            let got = f.status == .error
                ? ReferenceModel.ModelResult(status: .error)
                : ReferenceModel.ModelResult(status: f.status, value: f.value, triggeredAt: f.triggeredAt)
            #expect(got == s, "metric m\(i), \(context)")
        }
        return slow.metrics
    }

    /// `count` seeded rule sets from `cases`, each with the engine and the model built from it.
    /// `body` gets the generator back, for the conversations.
    static func ruleSets(_ count: Int, _ cases: inout RandomCases,
                         _ body: (_ round: Int, _ yaml: String, _ rules: RuleSet, _ engine: Evaluator, _ model: ReferenceModel,
                                  _ cases: inout RandomCases) throws -> Void) throws {
        for round in 0..<count {
            let yaml = cases.ruleSet()
            let rules = try Support.rules(yaml)
            try body(round, yaml, rules, Evaluator(rules: rules), ReferenceModel(rules: rules), &cases)
        }
    }

    /// The engine against a literal reading of the spec, on seeded random rule sets and
    /// conversations: status, value and trigger of every metric, and the flows entered.
    @Test("the engine agrees with the reference model (200 rule sets × 25 conversations)")
    func engineMatchesModel() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 7_331))
        var compared = 0
        var statuses = Set<String>()
        try Self.ruleSets(200, &cases) { round, yaml, rules, engine, model, cases in
            for n in 0..<25 {
                let json = cases.conversationJSON(id: "r\(round)-\(n)", started: true)
                let conversation = try Support.conversation(json)
                for s in Self.compare(engine, model, conversation, "round \(round) conversation \(n)\n\(yaml)\n\(json)") {
                    statuses.insert(s.status.rawValue)
                    compared += 1
                }
            }
        }
        #expect(compared > 30_000)
        #expect(statuses == ["ok", "not_applicable", "inactive", "unmatched"])
    }

    /// Conversations longer than 64 events, whose per-event bit tables (the events each
    /// pattern's literals occur in) take several words, with windows that cross them.
    @Test("the engine agrees with the reference model on conversations of 60 to 200 events (20 rule sets × 6 conversations)")
    func longConversationsMatchModel() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 64_064))
        var compared = 0, long = 0
        try Self.ruleSets(20, &cases) { round, yaml, rules, engine, model, cases in
            for n in 0..<6 {
                let json = cases.conversationJSON(id: "l\(round)-\(n)", started: true, events: 60...200)
                let conversation = try Support.conversation(json)
                if conversation.events.count > 128 { long += 1 }
                compared += Self.compare(engine, model, conversation, "round \(round) conversation \(n)\n\(yaml)\n\(json)").count
            }
        }
        #expect(compared == 20 * 6 * 8 && long > 30)
    }

    /// The same on rule sets with SPEC 1.2's phrase lists, `metadata` conditions and turns from
    /// the end, over conversations with metadata and texts built to test phrase boundaries.
    @Test("the engine agrees with the reference model on SPEC 1.2 rules (160 rule sets × 25 conversations)")
    func engineMatchesModel12() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 12_012), language12: true)
        var compared = 0, phraseLeaves = 0, metadataConditions = 0, endRelative = 0
        var values = Set<String>()
        try Self.ruleSets(160, &cases) { round, yaml, rules, engine, model, cases in
            phraseLeaves += rules.allLeaves.filter { $0.phrases != nil }.count
            endRelative += rules.allLeaves.filter { ($0.turns?.lower ?? 0) < 0 || ($0.turns?.upper ?? 0) < 0 }.count
            metadataConditions += rules.metrics.filter { $0.conditions.contains(where: \.readsMetadata) }.count
            for n in 0..<25 {
                let json = cases.conversationJSON(id: "r\(round)-\(n)")
                let conversation = try Support.conversation(json)
                for s in Self.compare(engine, model, conversation, "round \(round) conversation \(n)\n\(yaml)\n\(json)") {
                    values.insert(s.description.components(separatedBy: " @").first ?? "")
                    compared += 1
                }
            }
        }
        // The generator must use what it is meant to test, often.
        #expect(compared > 30_000 && phraseLeaves > 300 && metadataConditions > 150 && endRelative > 200,
                "compared \(compared), phrase leaves \(phraseLeaves), metadata \(metadataConditions), from the end \(endRelative)")
        #expect(values.contains("ok true") && values.contains("ok false") && values.contains("not_applicable null"))
    }

    /// A metric that reads only text patterns gets, on a conversation where none of them
    /// occurs, the result it got on the first such conversation (`Evaluator.quietResults`).
    /// Here every metric is also evaluated in full, by an evaluator that never reuses, and
    /// the two results must be equal in every field, evidence and failed items included.
    @Test("reused results of metrics whose patterns occur nowhere equal full evaluation (both rule languages)")
    func quietResultsMatchFullEvaluation() throws {
        var reused = 0, compared = 0
        for (seed, language12) in [(4_401, false), (4_402, true)] {
            var cases = RandomCases(rng: SeededGenerator(state: UInt64(seed)), language12: language12)
            for round in 0..<120 {
                // Half of the rule sets as the other tests make them, half on texts alone.
                let yaml = round % 2 == 0 ? cases.ruleSet() : cases.textRuleSet()
                let rules = try Support.rules(yaml)
                let quick = Evaluator(rules: rules)
                let full = Evaluator(rules: rules)
                full.reusesQuietResults = false
                for n in 0..<25 {
                    let json = cases.conversationJSON(id: "q\(round)-\(n)", started: true)
                    let conversation = try Support.conversation(json)
                    let a = quick.evaluate(conversation), b = full.evaluate(conversation)
                    #expect(a.metrics == b.metrics, "round \(round) conversation \(n)\n\(yaml)\n\(json)")
                    compared += a.metrics.count
                }
                reused += quick.quietResultsReused
                #expect(full.quietResultsReused == 0)
            }
        }
        // The shortcut must be taken often for the comparison to mean anything.
        #expect(compared > 40_000 && reused > 3_000, "compared \(compared), reused \(reused)")
    }
}
