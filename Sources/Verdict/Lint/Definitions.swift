import Foundation

/// Definitions a reviewer can apply by hand: long enough to say something, with an
/// observable outcome, saying what counts as failure (boolean) or naming every label
/// (categorical), saying when the metric applies when it has `applies_when`, and
/// self-contained (not leaning on another metric's name).
enum Definitions: LintCheck {
    static let id = LintCheckID.definition
    static let summary = "definitions say what success and failure look like, name every label, say when the metric applies, and stand alone"
    static let minimumWords = 8
    static let vague = ["went well", "handled properly", "handled well", "handled correctly", "good experience", "as expected",
                        "appropriately", "satisfactorily", "properly", "in a good way", "did a good job"]
    static let failureWords: Set<String> = ["false", "fail", "fails", "failed", "failure", "not", "never", "no", "without", "otherwise", "missing", "unless"]
    static let whenWords = ["once", "after", "only when", "only if", "applies", "whenever", "as soon as", "from the moment"]
    /// Words that name a number metric's unit.
    static let unitWords: Set<String> = ["seconds", "second", "minutes", "minute", "turns", "turn", "times", "count", "hits",
                                         "euros", "dollars", "pounds", "percent", "points", "score", "requests", "calls", "attempts"]
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Booking: completed", type: boolean, definition: "Booking done.", when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Payment: card requests", type: number, definition: "How often the agent asked for the card number in the payment flow.", value: {hits: {agent: card number}}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "Payment: card requests", type: number, unit: requests, definition: "How often the agent asked for the card number in the payment flow.", value: {hits: {agent: card number}}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "Handoff: wait", type: number, definition: "Seconds from the caller asking for a person to the transfer of the call.", value: {seconds_between: [{user: person}, {handoff: true}]}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Call: handled", type: boolean, definition: "True when the call went well and the agent handled it properly for the caller.", when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Refund: offered", type: boolean, definition: "True when the agent offers the caller a refund for the wrong charge on the bill.", when: {said: refund}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓name: "Auth: outcome"
                type: categorical
                definition: "verified: two identifiers matched. partial: one matched. Otherwise the caller is unverified."
                labels: [{label: verified, when: {said: x}}, {label: partial, when: {said: y}}, {label: failed, when: {said: z}}]
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Booking: confirmed", type: boolean, applies_when: {flow: Booking}, definition: "True when the agent says the room is confirmed; false when it is never confirmed.", when: {said: confirmed}}
            """),
        LintExample(warns: true, """
            metrics:
              - {name: "Greeting: prompt", type: boolean, definition: "True when the agent greets the caller by name; false when it does not.", when: {said: x}}
              - ↓{name: "Greeting: warm", type: boolean, definition: "True when Greeting: prompt is true and the agent smiles; false when it is not.", when: {said: y}}
            """),
        LintExample(warns: false, """
            metrics:
              - name: "Booking: completed"
                type: boolean
                applies_when: {flow: Booking}
                definition: "True when the agent creates a reservation and reads it back. False when no reservation is made. Applies once the Booking flow starts."
                when: {said: x}
              - name: "Auth: outcome"
                type: categorical
                definition: "verified: two identifiers matched. partial: one matched. failed: none matched, or the caller never gave any."
                labels: [{label: verified, when: {said: x}}, {label: partial, when: {said: y}}]
                otherwise: failed
            """),
    ]

    /// Names an `applies_when` mentions: flows, functions, intents, metrics, states.
    static func anchors(_ condition: Condition) -> [String] {
        condition.leaves.compactMap { leaf in
            switch leaf.kind {
            case let .flow(name, _), let .function(name, _, _, _), let .intent(name), let .metric(name, _), let .state(name, _): return name
            default: return nil
            }
        }
    }

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        for metric in rules.metrics {
            func warn(_ message: String) { warnings.append(LintWarning(location: metric.location, message: "metric '\(metric.name)': " + message, check: id)) }
            let text = metric.definition
            let lower = text.lowercased()
            let ws = words(text)
            if ws.count < minimumWords {
                warn("the definition has \(ws.count) word\(ws.count == 1 ? "" : "s"); say what is observed, when it counts as success and when as failure")
                continue
            }
            if let phrase = vague.first(where: { lower.contains($0) }) {
                warn("'\(phrase)' is not observable; say what the agent or caller did or said")
            }
            switch metric.body {
            case .boolean:
                if !ws.contains(where: failureWords.contains) {
                    warn("the definition never says what counts as failure (when the metric is false)")
                }
            case let .categorical(labels, otherwise):
                let names = labels.map(\.label) + (otherwise.map { [$0] } ?? [])
                let missing = names.filter { !lower.contains($0.lowercased()) }
                if !missing.isEmpty {
                    warn("the definition does not name the label\(missing.count == 1 ? "" : "s") " + missing.map { "'\($0)'" }.joined(separator: ", "))
                }
            case let .number(expression, unit):
                if unit == nil && !ws.contains(where: unitWords.contains) {
                    warn("a number metric should say its unit: add 'unit' (\(expression.naturalUnit)) or name it in the definition")
                }
            }
            if let applies = metric.appliesWhen {
                let named = anchors(applies).contains { lower.contains($0.lowercased()) }
                if !named && !whenWords.contains(where: { lower.contains($0) }) {
                    warn("the metric has applies_when, but its definition does not say when it applies (name the flow or function, or say 'once', 'after', 'only when')")
                }
            }
            for other in rules.metrics where other.name != metric.name && other.name.count > 6 && lower.contains(other.name.lowercased()) {
                warn("the definition mentions metric '\(other.name)'; define it on its own terms")
            }
        }
        return warnings
    }
}
