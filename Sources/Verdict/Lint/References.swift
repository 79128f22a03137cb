/// Names a condition relies on must exist: a flow must be declared or occur in a transcript;
/// with `--fixtures`, a function, step, intent, logged metric or state key must occur in
/// some transcript. A near miss gets a "did you mean".
enum References: LintCheck {
    static let id = LintCheckID.references
    static let summary = "functions, flows, steps, intents and logged metrics named in conditions exist (declared, or seen in --fixtures)"
    static let examples: [LintExample] = {
        var known = KnownNames()
        known.functions = ["create_booking", "verify_caller"]
        known.intents = ["book_room"]
        known.flows = ["Authentication"]
        return [
            LintExample(warns: true, """
                metrics:
                  - ↓{name: "Booking: made", type: boolean, definition: d, when: {function: create_bookin}}
                """, known: known),
            LintExample(warns: true, """
                metrics:
                  - ↓{name: "Booking: asked", type: boolean, definition: d, when: {flow: Bookings}}
                flows:
                  Booking: {enter_when: {intent: book_room}}
                """, known: known),
            // Without --fixtures: a flow read only through in_flow, declared and entered nowhere.
            LintExample(warns: true, """
                metrics:
                  - ↓{name: "Payment: card asked", type: boolean, definition: d, when: {agent: card, in_flow: Paymnt}}
                """),
            LintExample(warns: false, """
                metrics:
                  - {name: "Survey: entered", type: boolean, definition: d, when: {flow: Survey}}
                  - {name: "Survey: score asked", type: boolean, definition: d, when: {agent: score, in_flow: Survey}}
                """),
            LintExample(warns: false, """
                flows:
                  Booking: {enter_when: {intent: book_room}}
                metrics:
                  - {name: "Booking: made", type: boolean, definition: d, applies_when: {flow: Booking}, when: {function: create_booking}}
                  - {name: "Auth: asked", type: boolean, definition: d, when: {flow: Authentication, in_flow: Authentication}}
                """, known: known),
        ]
    }()

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        let declaredFlows = Set(rules.flows.map(\.name))
        let flows = declaredFlows.union(known?.flows ?? [])
        func unknown(_ what: String, _ name: String, in candidates: Set<String>, metric: Metric) {
            let seen = known == nil ? "declared nowhere" : "declared nowhere and in no transcript of --fixtures"
            var warning = LintWarning(location: metric.location, message: "metric '\(metric.name)' names \(what) '\(name)', \(seen)", check: id)
            warning.suggestion = Suggestion.didYouMean(name, in: candidates.sorted())
            warnings.append(warning)
        }
        // Flows some rule tests entry into by name (`flow: NAME`): without --fixtures, a flow
        // only ever read through `in_flow`, declared nowhere, is most likely a slip.
        let enteredByName = Set(rules.allLeaves.compactMap { leaf -> String? in
            if case let .flow(name, _) = leaf.kind { return name }
            return nil
        })
        for metric in rules.metrics {
            var reported = Set<String>()
            for leaf in metric.conditions.flatMap(\.leaves) {
                func check(_ what: String, _ name: String, _ candidates: Set<String>, needsFixtures: Bool) {
                    if needsFixtures && known == nil { return }
                    // Without --fixtures, a flow may still come from explicit flow events: only
                    // near misses of declared flows are reported then.
                    if known == nil && Suggestion.closest(to: name, in: candidates.sorted()) == nil { return }
                    guard !candidates.contains(name), reported.insert(what + name).inserted else { return }
                    unknown(what, name, in: candidates, metric: metric)
                }
                if let f = leaf.inFlow {
                    check("flow", f, flows, needsFixtures: false)
                    if known == nil, !declaredFlows.contains(f), !enteredByName.contains(f), !reported.contains("flow" + f),
                       reported.insert("explicit" + f).inserted {
                        warnings.append(LintWarning(location: metric.location,
                                                    message: "metric '\(metric.name)' reads in_flow '\(f)', a flow declared under no 'flows' and entered by no rule's 'flow: \(f)': it can come from explicit flow events only; is it declared?",
                                                    check: id))
                    }
                }
                switch leaf.kind {
                case let .flow(name, step):
                    check("flow", name, flows, needsFixtures: false)
                    if let step { check("step", step, known?.steps ?? [], needsFixtures: true) }
                case let .function(name, _, _, _): check("function", name, known?.functions ?? [], needsFixtures: true)
                case let .intent(name): check("intent", name, known?.intents ?? [], needsFixtures: true)
                case let .metric(name, _): check("logged metric", name, known?.metrics ?? [], needsFixtures: true)
                case let .state(key, _): check("state key", key, known?.stateKeys ?? [], needsFixtures: true)
                default: break
                }
            }
        }
        return warnings
    }
}
