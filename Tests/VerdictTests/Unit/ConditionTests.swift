import Testing
@testable import Verdict

/// One leaf, modifier or combinator case: a `when`, the events it sees, and the value it must give.
struct ConditionCase: CustomTestStringConvertible, Sendable {
    let name: String
    let when: String
    let events: String
    let expected: String
    var flows: String = ""

    var testDescription: String { name }
}

private let spoken = """
{"type": "agent", "text": "Hello, this is Ana from Lumen.", "at": 0.5},
{"type": "user", "text": "I want to BOOK a room", "at": 3.0, "intents": ["book_room"]},
{"type": "agent", "text": "Which date?", "at": 5.0},
{"type": "user", "text": "Friday", "at": 8.0, "intents": ["give_date", "affirm"]}
"""

private let calls = """
{"type": "function", "name": "verify_caller", "args": {"name": "Jane", "ids": ["dob", "zip"]}, "result": {"verified": true, "score": 0.9}},
{"type": "function", "name": "take_payment", "args": {"amount": 10}, "error": "declined"},
{"type": "metric", "name": "CSAT", "value": 4},
{"type": "state", "key": "stage", "value": "paid"},
{"type": "handoff", "destination": "billing"},
{"type": "handoff"}
"""

let leafCases: [ConditionCase] = [
    ConditionCase(name: "user matches user text, caseless", when: "{user: 'book a room'}", events: spoken, expected: "true"),
    ConditionCase(name: "user ignores agent text", when: "{user: 'ana'}", events: spoken, expected: "false"),
    ConditionCase(name: "agent matches agent text", when: "{agent: 'which date'}", events: spoken, expected: "true"),
    ConditionCase(name: "agent ignores user text", when: "{agent: friday}", events: spoken, expected: "false"),
    ConditionCase(name: "said matches either side", when: "{said: 'friday|ana'}", events: spoken, expected: "true"),
    ConditionCase(name: "(?-i) makes a pattern case-sensitive", when: "{user: '(?-i)book'}", events: spoken, expected: "false"),
    ConditionCase(name: "intent is an exact name", when: "{intent: affirm}", events: spoken, expected: "true"),
    ConditionCase(name: "intent is not a pattern", when: "{intent: 'book.*'}", events: spoken, expected: "false"),
    ConditionCase(name: "function by exact name", when: "{function: verify_caller}", events: calls, expected: "true"),
    ConditionCase(name: "function name is case-sensitive", when: "{function: Verify_Caller}", events: calls, expected: "false"),
    ConditionCase(name: "function args path", when: "{function: verify_caller, args: {ids.1: zip}}", events: calls, expected: "true"),
    ConditionCase(name: "function args mismatch", when: "{function: verify_caller, args: {name: jane}}", events: calls, expected: "false"),
    ConditionCase(name: "function result operator", when: "{function: verify_caller, result: {score: {gt: 0.5}}}", events: calls, expected: "true"),
    ConditionCase(name: "failed: true keeps errored calls", when: "{function: take_payment, failed: true}", events: calls, expected: "true"),
    ConditionCase(name: "failed: false drops errored calls", when: "{function: take_payment, failed: false}", events: calls, expected: "false"),
    ConditionCase(name: "missing result fails a value matcher", when: "{function: take_payment, result: {exists: true}}", events: calls, expected: "false"),
    ConditionCase(name: "metric with value", when: "{metric: CSAT, value: {gte: 4}}", events: calls, expected: "true"),
    ConditionCase(name: "metric value mismatch", when: "{metric: CSAT, value: 5}", events: calls, expected: "false"),
    ConditionCase(name: "state with value", when: "{state: stage, value: paid}", events: calls, expected: "true"),
    ConditionCase(name: "state key is exact", when: "{state: Stage}", events: calls, expected: "false"),
    ConditionCase(name: "handoff: true", when: "{handoff: true}", events: calls, expected: "true"),
    ConditionCase(name: "handoff pattern on destination", when: "{handoff: '^bill'}", events: calls, expected: "true"),
    ConditionCase(name: "handoff without destination counts as empty", when: "{handoff: '^$'}", events: calls, expected: "true"),
    ConditionCase(name: "handoff pattern that misses", when: "{handoff: 'front'}", events: calls, expected: "false"),
    ConditionCase(name: "unknown event types match nothing", when: "{said: x}", events: #"{"type": "dtmf", "text": "x"}"#, expected: "false"),
]

let modifierCases: [ConditionCase] = [
    ConditionCase(name: "turns keeps hits in range", when: "{user: friday, turns: [4, 4]}", events: spoken, expected: "true"),
    ConditionCase(name: "turns excludes hits outside", when: "{user: friday, turns: [1, 3]}", events: spoken, expected: "false"),
    ConditionCase(name: "turns with only a lower bound", when: "{agent: date, turns: [3]}", events: spoken, expected: "true"),
    ConditionCase(name: "seconds keeps hits in range", when: "{user: book, seconds: [2, 3]}", events: spoken, expected: "true"),
    ConditionCase(name: "seconds excludes events outside", when: "{user: book, seconds: [4]}", events: spoken, expected: "false"),
    ConditionCase(name: "an event without `at` never passes seconds", when: "{function: verify_caller, seconds: [0]}", events: calls, expected: "false"),
    ConditionCase(name: "count N means at least N", when: "{user: '.', count: 2}", events: spoken, expected: "true"),
    ConditionCase(name: "count N fails below N", when: "{user: '.', count: 3}", events: spoken, expected: "false"),
    ConditionCase(name: "count at_most", when: "{said: '.', count: {at_most: 3}}", events: spoken, expected: "false"),
    ConditionCase(name: "count between bounds", when: "{said: '.', count: {at_least: 4, at_most: 4}}", events: spoken, expected: "true"),
    ConditionCase(name: "count at_most 0 holds without hits", when: "{function: nothing, count: {at_most: 0}}", events: spoken, expected: "true"),
    ConditionCase(name: "in_flow keeps hits in that flow", when: "{user: friday, in_flow: Booking}", events: spoken, expected: "true",
                  flows: "flows: {Booking: {enter_when: {intent: book_room}}}"),
    ConditionCase(name: "in_flow drops hits before the flow", when: "{agent: ana, in_flow: Booking}", events: spoken, expected: "false",
                  flows: "flows: {Booking: {enter_when: {intent: book_room}}}"),
]

let combinatorCases: [ConditionCase] = [
    ConditionCase(name: "all holds when every part holds", when: "{all: [{user: book}, {agent: date}]}", events: spoken, expected: "true"),
    ConditionCase(name: "all fails when one part fails", when: "{all: [{user: book}, {agent: nope}]}", events: spoken, expected: "false"),
    ConditionCase(name: "any holds when one part holds", when: "{any: [{user: nope}, {agent: date}]}", events: spoken, expected: "true"),
    ConditionCase(name: "any fails when no part holds", when: "{any: [{user: nope}, {agent: nope}]}", events: spoken, expected: "false"),
    ConditionCase(name: "not inverts", when: "{not: {user: nope}}", events: spoken, expected: "true"),
    ConditionCase(name: "not of a count", when: "{not: {user: '.', count: 2}}", events: spoken, expected: "false"),
    ConditionCase(name: "sequence in order", when: "{sequence: [{user: book}, {agent: date}, {user: friday}]}", events: spoken, expected: "true"),
    ConditionCase(name: "sequence out of order", when: "{sequence: [{user: friday}, {agent: date}]}", events: spoken, expected: "false"),
    ConditionCase(name: "sequence needs strictly increasing indices", when: "{sequence: [{said: date}, {agent: date}]}", events: spoken, expected: "false"),
    ConditionCase(name: "within_turns bound met", when: "{sequence: [{user: book}, {user: friday}], within_turns: 2}", events: spoken, expected: "true"),
    ConditionCase(name: "within_turns bound missed", when: "{sequence: [{user: book}, {user: friday}], within_turns: 1}", events: spoken, expected: "false"),
    ConditionCase(name: "within_turns tries later first hits", when: "{sequence: [{said: '.'}, {user: friday}], within_turns: 0}", events: spoken, expected: "false"),
    ConditionCase(name: "within_turns picks a later first hit", when: "{sequence: [{said: '.'}, {user: friday}], within_turns: 1}", events: spoken, expected: "true"),
]

@Suite("Leaves")
struct LeafTests {
    @Test(arguments: leafCases)
    func leaf(_ c: ConditionCase) throws {
        #expect(try Support.check(c.when, c.events, flows: c.flows) == c.expected)
    }
}

@Suite("Modifiers")
struct ModifierTests {
    @Test(arguments: modifierCases)
    func modifier(_ c: ConditionCase) throws {
        #expect(try Support.check(c.when, c.events, flows: c.flows) == c.expected)
    }
}

@Suite("Combinators")
struct CombinatorTests {
    @Test(arguments: combinatorCases)
    func combinator(_ c: ConditionCase) throws {
        #expect(try Support.check(c.when, c.events, flows: c.flows) == c.expected)
    }

    @Test("evidence: a leaf gives its hits, a false value none, a sequence its chain")
    func evidence() throws {
        let yaml = """
        metrics:
          - {name: leaf, type: boolean, definition: d, when: {user: '.'}}
          - {name: false leaf, type: boolean, definition: d, when: {user: nope}}
          - {name: chain, type: boolean, definition: d, when: {sequence: [{user: book}, {user: '.'}]}}
          - {name: all, type: boolean, definition: d, when: {all: [{agent: ana}, {user: friday}]}}
          - {name: not, type: boolean, definition: d, when: {not: {user: nope}}}
        """
        let result = try Support.score(yaml, Support.events(spoken))
        #expect(result.metrics.map(\.evidence) == [[1, 3], [], [1, 3], [0, 3], []])
    }
}
