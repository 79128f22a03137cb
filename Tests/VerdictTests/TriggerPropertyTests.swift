import Testing
@testable import Verdict

/// A small deterministic generator (SplitMix64), so the random cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random conditions and conversations from a small vocabulary, so that conditions often hold.
struct RandomCases {
    var rng: SeededGenerator

    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &rng)] }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func event() -> String {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0, 1: return #"{"type": "user", "text": "\#(pick(["yes", "book a room", "card 4242", "no thanks"]))", "intents": ["\#(pick(["book", "deny", "pay"]))"], "at": \#(Int.random(in: 0..<30, using: &rng))}"#
        case 2, 3: return #"{"type": "agent", "text": "\#(pick(["hello", "confirmed", "card number?", "sorry"]))"}"#
        case 4: return #"{"type": "function", "name": "\#(pick(["f", "g"]))", "result": {"ok": \#(pick(["true", "false"]))}}"#
        case 5: return #"{"type": "flow", "flow": "\#(pick(["F", "G"]))"}"#
        default: return #"{"type": "metric", "name": "M", "value": \#(Int.random(in: 1...3, using: &rng))}"#
        }
    }

    mutating func leaf(inSequence: Bool = false) -> String {
        var parts: [String]
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: parts = ["user: '\(pick(["yes", "book|card", "4242", "no"]))'"]
        case 1: parts = ["agent: '\(pick(["hello", "confirmed", "card", "sorry"]))'"]
        case 2: parts = ["said: '\(pick(["card", "o", "yes"]))'"]
        case 3: parts = ["function: \(pick(["f", "g"]))"]; if chance(0.4) { parts.append("result: {ok: true}") }
        case 4: parts = ["intent: \(pick(["book", "deny", "pay"]))"]
        case 5: parts = ["flow: \(pick(["F", "G", "H"]))"]
        default: parts = ["metric: M"]; if chance(0.5) { parts.append("value: {gte: \(Int.random(in: 1...3, using: &rng))}") }
        }
        if chance(0.2) { parts.append("in_flow: \(pick(["F", "G", "H"]))") }
        if chance(0.2) { parts.append("turns: [\(Int.random(in: 0...3, using: &rng)), \(Int.random(in: 2...8, using: &rng))]") }
        if chance(0.15) { parts.append("seconds: [\(Int.random(in: 0...20, using: &rng))]") }
        if !inSequence, chance(0.35) {
            parts.append(pick(["count: 2", "count: {at_most: 0}", "count: {at_most: 1}", "count: {at_least: 1, at_most: 2}", "count: 0"]))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    mutating func condition(depth: Int = 0) -> String {
        if depth >= 3 || chance(0.45) { return leaf() }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return "{all: [\((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth + 1) }.joined(separator: ", "))]}"
        case 1: return "{any: [\((0..<Int.random(in: 1...3, using: &rng)).map { _ in condition(depth: depth + 1) }.joined(separator: ", "))]}"
        case 2: return "{not: \(condition(depth: depth + 1))}"
        default:
            let leaves = (0..<Int.random(in: 1...3, using: &rng)).map { _ in leaf(inSequence: true) }.joined(separator: ", ")
            let within = chance(0.5) ? ", within_turns: \(Int.random(in: 0...4, using: &rng))" : ""
            return "{sequence: [\(leaves)]\(within)}"
        }
    }
}

@Suite("Trigger search")
struct TriggerPropertyTests {
    /// The trigger is defined as the smallest k for which applies_when holds on events 0...k.
    /// The evaluator finds it incrementally; here it must agree with evaluating every prefix.
    @Test("incremental trigger search equals evaluating every prefix (1,000 seeded cases)")
    func agreesWithDefinition() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 20_261_127))
        var triggered = 0, never = 0
        for n in 0..<1000 {
            let condition = cases.condition()
            let events = (0..<Int.random(in: 0...14, using: &cases.rng)).map { _ in cases.event() }.joined(separator: ", ")
            let yaml = """
            flows: {H: {enter_when: {any: [{function: g}, {agent: sorry}]}}}
            metrics:
              - {name: m, type: boolean, definition: d, applies_when: \(condition), when: {said: x}}
            """
            let rules = try Support.rules(yaml)
            let conversation = try Support.conversation(Support.events(events, id: "r\(n)"))
            let evaluator = Evaluator(rules: rules)
            evaluator.load(conversation)
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
