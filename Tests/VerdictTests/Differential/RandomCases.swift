/// Seeded random rule sets and conversations for the property and differential tests.
@testable import Verdict

/// Verdict's own seeded generator (SplitMix64), so the random cases are the same on every run.
typealias SeededGenerator = SplitMix64

/// Random conditions and conversations from a small vocabulary, so that conditions often hold.
struct RandomCases {
    var rng: SeededGenerator
    /// Whether to use what SPEC 1.2 adds: phrase lists, `metadata` conditions, turns counted from
    /// the end, and conversations with metadata (off for the older tests, whose seeded cases
    /// stay as they were).
    var language12 = false
    /// Whether `richCondition` makes conditions of text leaves alone (`textRuleSet`).
    var textOnly = false

    init(rng: SeededGenerator, language12: Bool = false) {
        self.rng = rng
        self.language12 = language12
    }

    /// The phrase lists every 1.2 rule set declares.
    static let phraseLists = """
    phrases:
      p1: [card, book a, all set, "no"]
      p2: [card number, yes please, U.S., "4242", "card-number"]
      p3: [Zoë, olá, a room, "#1"]
    """

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
        if language12, parts[0].hasPrefix("user:") || parts[0].hasPrefix("agent:") || parts[0].hasPrefix("said:"), chance(0.5) {
            parts[0] = parts[0].prefix { $0 != ":" } + ": {phrases: \(pick(["p1", "p2", "p3", "[p1, p3]", "[p2]"]))}"
        }
        if chance(0.2) { parts.append("in_flow: \(pick(["F", "G", "H"]))") }
        if language12, chance(0.25) {
            parts.append("turns: \(pick(["[-1]", "[-3]", "[-3, -1]", "[2, -2]", "[-2, 5]", "[0, -1]", "[-10, -6]", "[3, -1]"]))")
        } else if chance(0.2) {
            // SPEC 1.2 makes [A, B] with A > B (same signs) a rule error.
            let lower = Int.random(in: 0...3, using: &rng)
            parts.append("turns: [\(lower), \(max(lower, Int.random(in: 2...8, using: &rng)))]")
        }
        if chance(0.15) { parts.append("seconds: [\(Int.random(in: 0...20, using: &rng))]") }
        if !inSequence, chance(0.35) {
            parts.append(pick(["count: 2", "count: {at_most: 0}", "count: {at_most: 1}", "count: {at_least: 1, at_most: 2}", "count: 0"]))
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

extension RandomCases {
    mutating func matcher(depth: Int = 0) -> String {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1, 2: return pick(["1", "5", "'5'", "true", "null", "paid", "3.5", "'00'"])
        case 3: return pick(["[vip, new]", "[1, 2]", "[]"])
        case 4, 5, 6:
            var ops: [String] = []
            for op in ["regex: '^p'", "in: [1, '5', null]", "exists: \(pick(["true", "false"]))", "gt: 1", "lte: 2.5"].shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)) {
                ops.append(op)
            }
            if depth < 2, chance(0.3) { ops.append("not: \(matcher(depth: depth + 1))") }
            return "{" + ops.joined(separator: ", ") + "}"
        default:
            if depth >= 2 { return "1" }
            let path = pick(["ok", "code", "who.name", "items.0.q", "items.1", "0", "x.y"])
            return "{'\(path)': \(matcher(depth: depth + 1))}"
        }
    }

    mutating func richEvent(_ t: inout Double) -> String {
        t += Double(Int.random(in: 0...40, using: &rng)) / 10
        let at = chance(0.7) ? ", \"at\": \(t)" : ""
        if language12, chance(0.3) {
            let text = pick(["You're ALL  set!", "install settings", "the CARD-number is", "card\\tnumber", "the U.S. office", "olá Zoë",
                             "a  room #1", "no, thanks", "nothing", "book a\\nroom", "yes please!", "4242 card_number",
                             "casino", "discard it", "rebook a room", "x#1", "(#1)"])
            return #"{"type": "\#(pick(["user", "agent"]))", "text": "\#(text)"\#(at)}"#
        }
        switch Int.random(in: 0..<12, using: &rng) {
        case 0, 1, 2: return #"{"type": "user", "text": "\#(pick(["yes please", "book a room", "card 4242", "Zoë here", "cancel it", "no"]))", "intents": ["\#(pick(["book", "deny", "pay"]))"]\#(at)}"#
        case 3, 4, 5: return #"{"type": "agent", "text": "\#(pick(["hello", "confirmed", "card number?", "sorry", "Olá"]))"\#(at)}"#
        case 6, 7:
            let result = pick([#", "result": {"ok": true, "code": "00"}"#, #", "result": {"ok": false, "code": 5}"#, #", "result": [1, 2]"#, #", "result": null"#, ""])
            let args = pick([#", "args": {"who": {"name": "Zoë"}, "items": [{"q": 2}]}"#, #", "args": {"n": 1}"#, ""])
            let error = chance(0.25) ? #", "error": "boom""# : ""
            return #"{"type": "function", "name": "\#(pick(["f", "g"]))"\#(args)\#(result)\#(error)\#(at)}"#
        case 8: return #"{"type": "flow", "flow": "\#(pick(["F", "G"]))"\#(chance(0.5) ? #", "step": "s1""# : "")\#(at)}"#
        case 9: return #"{"type": "metric", "name": "M"\#(chance(0.8) ? ", \"value\": \(pick(["1", "2.0", "\"5\"", "true", "null", "\"paid\""]))" : "")\#(at)}"#
        case 10: return #"{"type": "state", "key": "s"\#(chance(0.8) ? ", \"value\": \(pick(["1", "\"paid\"", "[\"vip\", \"new\"]", "{\"ok\": true}"]))" : "")}"#
        default: return #"{"type": "handoff"\#(chance(0.6) ? #", "destination": "billing""# : "")\#(at)}"#
        }
    }

    mutating func richLeaf(inSequence: Bool = false, inEnterWhen: Bool = false) -> String {
        var base = leaf(inSequence: inSequence)
        if inEnterWhen {
            // enter_when takes no flow leaves, in_flow or count.
            base = "{" + pick(["said: card", "intent: book", "function: f", "handoff: true", "agent: sorry", "metric: M"]) + (chance(0.3) ? ", turns: [2]" : "") + "}"
            return base
        }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return "{function: \(pick(["f", "g"])), result: \(matcher())\(chance(0.3) ? ", failed: false" : "")}"
        case 1: return "{function: f, args: {\(pick(["who.name", "items.0.q", "n", "missing"])): \(matcher(depth: 1))}}"
        case 2: return "{metric: M, value: \(matcher())}"
        case 3: return "{state: s, value: \(matcher())}"
        case 4: return "{handoff: \(pick(["true", "bill", "'^$'"]))}"
        default: return base
        }
    }

    mutating func richCondition(depth: Int = 0) -> String {
        if language12, !textOnly, chance(0.1) {
            let paths = ["{channel: voice}", "{'caller.tier': {in: [gold, silver]}}", "{channel: {exists: false}}", "{score: {gte: 2}}",
                         "{caller: {tier: gold}}", "{tags.0: vip}", "{channel: {not: voice}}", "{}"]
            return "{metadata: " + pick(paths) + "}"
        }
        if depth >= 3 || chance(0.45) { return textOnly ? textLeaf() : richLeaf() }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return "{all: [\((0..<Int.random(in: 1...3, using: &rng)).map { _ in richCondition(depth: depth + 1) }.joined(separator: ", "))]}"
        case 1: return "{any: [\((0..<Int.random(in: 1...3, using: &rng)).map { _ in richCondition(depth: depth + 1) }.joined(separator: ", "))]}"
        case 2: return "{not: \(richCondition(depth: depth + 1))}"
        default:
            let leaves = (0..<Int.random(in: 1...3, using: &rng)).map { _ in textOnly ? textLeaf(inSequence: true) : leaf(inSequence: true) }
                .joined(separator: ", ")
            return "{sequence: [\(leaves)]\(chance(0.5) ? ", within_turns: \(Int.random(in: 0...4, using: &rng))" : "")}"
        }
    }

    /// A value expression (SPEC 1.1 §5.1) over leaves without `count`.
    mutating func valueExpression() -> String {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return "{hits: \(leaf(inSequence: true))}"
        case 1: return "{turns_between: [\(leaf(inSequence: true)), \(leaf(inSequence: true))]}"
        case 2: return "{seconds_between: [\(leaf(inSequence: true)), \(leaf(inSequence: true))]}"
        case 3:
            return pick(["{value_of: {metric: M}}", "{value_of: {state: s}, path: ok}", "{value_of: {state: s}}",
                         "{value_of: {function: f}, path: args.n}", "{value_of: {function: f}, path: args.items.0.q}",
                         "{value_of: {function: \(pick(["f", "g"])), result: {ok: false}}, path: result.code}"])
        default: return "{duration: true}"
        }
    }

    /// A conversation of up to 14 rich events (or of as many as `events` gives), with a
    /// `started_at` when `started` (or not), and with metadata in the 1.2 cases.
    mutating func conversationJSON(id: String, started: Bool = false, events count: ClosedRange<Int> = 0...14) -> String {
        var t = 0.0
        let events = (0..<Int.random(in: count, using: &rng)).map { _ in richEvent(&t) }.joined(separator: ", ")
        let start = started ? pick(["", #""started_at": "2026-03-12T00:00:00Z", "#, #""started_at": "2026-03-15T10:00:00Z", "#]) : ""
        return "{\"id\": \"\(id)\", \(start)\(metadata())\"events\": [\(events)]}"
    }

    /// A conversation's `metadata` member, with its comma, or nothing.
    mutating func metadata() -> String {
        guard language12 else { return "" }
        return pick(["", #""metadata": null, "#, #""metadata": {}, "#, #""metadata": {"channel": "voice", "score": 3}, "#,
                     #""metadata": {"channel": "chat", "caller": {"tier": "gold"}, "tags": ["vip"]}, "#,
                     #""metadata": {"caller": {"tier": "silver"}, "score": 1.5, "channel": "VOICE"}, "#])
    }

    /// With `textOnly`, a sixth of the conditions also read a `function` leaf.
    private mutating func condition() -> String {
        textOnly && chance(0.15) ? "{any: [\(richCondition()), {function: f}]}" : richCondition()
    }

    mutating func ruleSet() -> String {
        var yaml = language12 ? Self.phraseLists + "\n" : ""
        yaml += "flows:\n"
        for flow in ["H", "G"] where !textOnly && chance(0.6) {
            yaml += "  \(flow): {enter_when: \(chance(0.5) ? richLeaf(inEnterWhen: true) : "{any: [\(richLeaf(inEnterWhen: true)), \(richLeaf(inEnterWhen: true))]}")}\n"
        }
        yaml += "metrics:\n"
        for m in 0..<8 {
            yaml += "  - name: m\(m)\n    definition: d\n"
            if chance(0.6) { yaml += "    applies_when: \(condition())\n" }
            if chance(0.3) { yaml += "    scope: \(pick(["conversation", "after_trigger"]))\n" }
            if chance(0.15) { yaml += "    active_from: '\(pick(["2026-03-10", "2026-03-15T10:00:00Z"]))'\n" }
            if !textOnly, chance(0.25) {
                yaml += "    type: number\n    value: \(valueExpression())\n"
            } else if chance(0.55) {
                yaml += "    type: boolean\n    when: \(condition())\n"
            } else {
                yaml += "    type: categorical\n    labels:\n"
                for l in 0..<Int.random(in: 1...3, using: &rng) { yaml += "      - {label: l\(l), when: \(condition())}\n" }
                if chance(0.5) { yaml += "    otherwise: other\n" }
            }
        }
        return yaml
    }
}

extension RandomCases {
    /// A text leaf on words that the conversations hold or never hold, with or without
    /// modifiers and `count`: what a metric needs to be decided from its patterns alone.
    mutating func textLeaf(inSequence: Bool = false) -> String {
        let field = pick(["user", "agent", "said"])
        var parts = [language12 && chance(0.3)
            ? "\(field): {phrases: \(pick(["p1", "p2", "p3", "[p1, p3]"]))}"
            : "\(field): '\(pick(["card", "book|room", "zebra", "quokka|narwhal", "\\\\bconfirmed\\\\b", "yes", "(?i)sorry", "4242", "walrus"]))'"]
        if chance(0.2) {
            let lower = Int.random(in: 0...3, using: &rng)
            parts.append("turns: [\(lower), \(max(lower, Int.random(in: 2...8, using: &rng)))]")
        }
        if chance(0.1) { parts.append("seconds: [\(Int.random(in: 0...20, using: &rng))]") }
        if !inSequence, chance(0.3) { parts.append(pick(["count: 2", "count: {at_most: 0}", "count: {at_most: 1}", "count: 0"])) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A rule set whose metrics are on text leaves alone (some with a `function` leaf too,
    /// which their patterns alone cannot decide), boolean or categorical, with and without
    /// `applies_when` and `scope`.
    mutating func textRuleSet() -> String {
        textOnly = true
        defer { textOnly = false }
        return ruleSet()
    }
}
