import Testing
@testable import Verdict

@Suite("Flow state machine")
struct FlowTests {
    /// A machine for the flows declared in `flows`, after replaying the events. It reads leaf
    /// hits from a leaf matcher; no evaluator is involved.
    func replay(_ flows: String, _ events: String) throws -> FlowMachine {
        let compiled = CompiledRules(try Support.rules(flows))
        let machine = FlowMachine(compiled.rules.flows)
        let leaves = LeafMatcher(compiled: compiled, flows: machine, limits: EvaluationLimits())
        let conversation = try Support.conversation(Support.events(events))
        leaves.load(conversation)
        machine.replay(conversation, leaves: leaves)
        return machine
    }

    @Test("explicit flow events and derived entries interleave; the latest entry is current")
    func currentFlow() throws {
        let r = try replay("flows: {Booking: {enter_when: {function: create_booking}}}", """
        {"type": "agent", "text": "welcome"},
        {"type": "flow", "flow": "Support", "step": "triage"},
        {"type": "function", "name": "create_booking"},
        {"type": "agent", "text": "booked"},
        {"type": "flow", "flow": "Support"},
        {"type": "agent", "text": "bye"}
        """)
        #expect(r.currentFlow == [nil, "Support", "Booking", "Booking", "Support", "Support"])
        #expect(r.flowsEntered == ["Support", "Booking"])
        #expect(r.entries.map(\.index) == [1, 2, 4])
        #expect(r.entries.map(\.derived) == [false, true, false])
        #expect(r.entries[0].step == "triage")
    }

    @Test("at one index, the flow declared last wins; both count as entered")
    func tie() throws {
        let r = try replay("""
        flows:
          First: {enter_when: {function: start}}
          Second: {enter_when: {any: [{said: nope}, {function: start}]}}
        """, #"{"type": "function", "name": "start"}, {"type": "agent", "text": "hi"}"#)
        #expect(r.currentFlow == ["Second", "Second"])
        #expect(r.flowsEntered == ["First", "Second"])
    }

    @Test("enter_when sees the whole conversation; every hit is an entry")
    func everyHit() throws {
        let r = try replay("flows: {Menu: {enter_when: {agent: menu, turns: [2]}}}", """
        {"type": "agent", "text": "menu"}, {"type": "user", "text": "x"}, {"type": "agent", "text": "menu"},
        {"type": "user", "text": "y"}, {"type": "agent", "text": "menu"}
        """)
        #expect(r.entries.map(\.index) == [2, 4])
    }

    @Test("functions are recorded in order of first call")
    func functions() throws {
        let r = try replay("", """
        {"type": "function", "name": "b"}, {"type": "function", "name": "a"}, {"type": "function", "name": "b"}
        """)
        #expect(r.functionsCalled == ["b", "a"])
    }

    @Test("flow leaves: step keeps explicit entries; in_flow uses the whole conversation's flow")
    func flowLeaves() throws {
        let flows = "flows: {Pay: {enter_when: {agent: card}}}"
        let events = """
        {"type": "flow", "flow": "Auth", "step": "ask_dob"}, {"type": "agent", "text": "card please"},
        {"type": "user", "text": "4242"}, {"type": "flow", "flow": "Auth"}
        """
        #expect(try Support.check("{flow: Auth, step: ask_dob}", events, flows: flows) == "true")
        #expect(try Support.check("{flow: Auth, step: ask_name}", events, flows: flows) == "false")
        #expect(try Support.check("{flow: Pay, step: x}", events, flows: flows) == "false")
        #expect(try Support.check("{flow: Auth, count: 2}", events, flows: flows) == "true")
        #expect(try Support.check("{user: '4242', in_flow: Pay}", events, flows: flows) == "true")
    }
}

@Suite("Evaluation")
struct EvaluationTests {
    let events = """
    {"type": "agent", "text": "Hi, name please?"},
    {"type": "user", "text": "Jane, card 4242"},
    {"type": "function", "name": "verify_caller", "result": {"verified": true}},
    {"type": "agent", "text": "You are verified."}
    """

    func result(_ metric: String, started: String? = nil) throws -> MetricResult {
        let yaml = "metrics:\n  - name: m\n    definition: d\n" + metric
        var json = Support.events(events)
        if let started { json = json.replacingOccurrences(of: "{\"id\": \"c1\",", with: "{\"id\": \"c1\", \"started_at\": \"\(started)\",") }
        return try Support.score(yaml, json).metrics[0]
    }

    @Test("the trigger is the first index where applies_when holds; the window starts there")
    func trigger() throws {
        let r = try result("    type: boolean\n    applies_when: {function: verify_caller}\n    when: {said: 'verified|4242'}\n")
        #expect(r == MetricResult(status: .ok, value: .bool(true), triggeredAt: 2, evidence: [3]))
    }

    @Test("after_trigger hides earlier events; conversation scope sees them")
    func scope() throws {
        let after = try result("    type: boolean\n    applies_when: {agent: verified}\n    when: {user: '4242'}\n")
        let whole = try result("    type: boolean\n    applies_when: {agent: verified}\n    scope: conversation\n    when: {user: '4242'}\n")
        #expect(after.value == .bool(false))
        #expect(whole.value == .bool(true))
        #expect(after.triggeredAt == 3 && whole.triggeredAt == 3)
    }

    @Test("applies_when is evaluated on each prefix, so a not can trigger early")
    func prefixes() throws {
        let r = try result("    type: boolean\n    applies_when: {not: {function: verify_caller}}\n    when: {agent: name}\n")
        #expect(r.triggeredAt == 0)
        let never = try result("    type: boolean\n    applies_when: {function: transfer}\n    when: {agent: name}\n")
        #expect(never == MetricResult(status: .notApplicable))
    }

    @Test("categorical: first label that holds, else otherwise, else unmatched")
    func categorical() throws {
        let labels = "    type: categorical\n    labels:\n      - {label: first, when: {agent: nope}}\n      - {label: second, when: {agent: verified}}\n      - {label: third, when: {said: '.'}}\n"
        #expect(try result(labels).value == .label("second"))
        let none = "    type: categorical\n    labels: [{label: a, when: {agent: nope}}]\n"
        #expect(try result(none + "    otherwise: other\n") == MetricResult(status: .ok, value: .label("other"), triggeredAt: 0))
        #expect(try result(none) == MetricResult(status: .unmatched, triggeredAt: 0))
    }

    @Test("active_from later than started_at makes the metric inactive")
    func inactive() throws {
        let metric = "    type: boolean\n    active_from: '2026-03-15'\n    when: {said: '.'}\n"
        #expect(try result(metric, started: "2026-03-14T23:59:59Z").status == .inactive)
        #expect(try result(metric, started: "2026-03-15T00:00:00Z").status == .ok)
        #expect(try result(metric).status == .ok)
        let precise = "    type: boolean\n    active_from: '2026-03-15T10:00:00+02:00'\n    when: {said: '.'}\n"
        #expect(try result(precise, started: "2026-03-15T07:59:59Z").status == .inactive)
        #expect(try result(precise, started: "2026-03-15T08:00:00Z").status == .ok)
    }

    @Test("an empty conversation: not applicable with applies_when, evaluated without")
    func emptyConversation() throws {
        let yaml = """
        metrics:
          - {name: a, type: boolean, definition: d, applies_when: {said: x}, when: {said: x}}
          - {name: b, type: boolean, definition: d, when: {said: x, count: {at_most: 0}}}
          - {name: c, type: boolean, definition: d, applies_when: {said: x, count: {at_most: 0}}, when: {said: x}}
        """
        let r = try Support.score(yaml, Support.events(""))
        #expect(r.metrics.map(\.status) == [.notApplicable, .ok, .notApplicable])
        #expect(r.metrics[1] == MetricResult(status: .ok, value: .bool(true), triggeredAt: 0))
    }

    @Test("a catastrophic pattern makes only its own metric an error")
    func matchLimit() throws {
        let yaml = """
        metrics:
          - {name: slow, type: boolean, definition: d, when: {user: '(a+)+$'}}
          - {name: fine, type: boolean, definition: d, when: {user: 'a'}}
        """
        let text = String(repeating: "a", count: 40) + "b"
        let r = try Support.score(yaml, Support.events(#"{"type": "user", "text": "\#(text)"}"#))
        #expect(r.metrics[0].status == .error)
        #expect(r.metrics[0].error?.contains("(a+)+$") == true)
        #expect(r.metrics[1] == MetricResult(status: .ok, value: .bool(true), triggeredAt: 0, evidence: [0]))
    }

    @Test("an enter_when that hits the match limit errs only the metrics that read flows")
    func flowFailure() throws {
        let yaml = """
        flows: {Slow: {enter_when: {user: '(a+)+$'}}}
        metrics:
          - {name: in flow, type: boolean, definition: d, when: {user: a, in_flow: Slow}}
          - {name: entered, type: boolean, definition: d, applies_when: {flow: Slow}, when: {user: a}}
          - {name: plain, type: boolean, definition: d, when: {user: a}}
          - {name: later, type: boolean, definition: d, active_from: '2030-01-01', when: {flow: Slow}}
        """
        let text = String(repeating: "a", count: 40) + "b"
        let json = #"{"id": "c", "started_at": "2026-01-01T00:00:00Z", "events": [{"type": "user", "text": "\#(text)"}]}"#
        let r = try Support.score(yaml, json)
        #expect(r.metrics.map(\.status) == [.error, .error, .ok, .inactive])
        #expect(r.metrics[0].error?.hasPrefix("flow 'Slow' enter_when: pattern '(a+)+$' stopped on event 0") == true)
    }

    @Test("logged metrics keep the order of first write and list repeated names")
    func logged() throws {
        let r = try Support.score("", Support.events("""
        {"type": "metric", "name": "CSAT", "value": 4}, {"type": "metric", "name": "NOTE"},
        {"type": "metric", "name": "CSAT", "value": "n/a"}
        """))
        #expect(r.logged.map(\.name) == ["CSAT", "NOTE"])
        #expect(r.logged[0].values == [.number(4), .string("n/a")])
        #expect(r.logged[1].values == [.null])
    }
}
