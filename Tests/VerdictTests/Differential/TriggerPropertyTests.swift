import Testing
@testable import Verdict

@Suite("Trigger search")
struct TriggerPropertyTests {
    /// The trigger is defined as the smallest k for which applies_when holds on events 0...k.
    /// The evaluator finds it incrementally; here it must agree with evaluating every prefix.
    @Test("incremental trigger search equals evaluating every prefix (1,000 seeded cases)")
    func agreesWithDefinition() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 20_261_127))
        var triggered = 0, never = 0
        for n in 0..<1000 {
            let condition = cases.richCondition()
            let events = (0..<Int.random(in: 0...14, using: &cases.rng)).map { _ in cases.event() }.joined(separator: ", ")
            let yaml = """
            flows: {H: {enter_when: {any: [{function: g}, {agent: sorry}]}}}
            metrics:
              - {name: m, type: boolean, definition: d, applies_when: \(condition), when: {said: x}}
            """
            let rules = try Support.rules(yaml)
            let conversation = try Support.conversation(Support.events(events, id: "r\(n)"))
            let evaluator = Evaluator(rules: rules)
            evaluator.replayFlows(conversation)
            let fast = try evaluator.trigger(rules.metrics[0].appliesWhen!)
            var slow: Int?
            for k in 0..<conversation.events.count where try evaluator.holds(rules.metrics[0].appliesWhen!, from: 0, to: k).holds {
                slow = k
                break
            }
            #expect(fast == slow, "case \(n): \(condition) on [\(events)]")
            if slow == nil { never += 1 } else { triggered += 1 }
        }
        // The generator must exercise both outcomes, or the comparison proves little.
        #expect(triggered > 200 && never > 200, "triggered \(triggered), never \(never)")
    }
}
