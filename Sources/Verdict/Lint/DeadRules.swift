/// Labels that can never be given: one whose condition repeats an earlier label's (the
/// earlier one always wins), one after a label whose condition always holds, and a label
/// name used twice (or again as `otherwise`).
enum DeadRules: LintCheck {
    static let id = LintCheckID.deadRules
    static let summary = "every label can be reached: no condition repeated from an earlier label, none after one that always holds, no label twice"
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - ↓name: "Auth: outcome"
                type: categorical
                definition: d
                labels:
                  - {label: verified, when: {function: verify_caller, result: {verified: true}}}
                  - {label: partial, when: {function: verify_caller, result: {verified: true}}}
                otherwise: failed
            """),
        LintExample(warns: true, """
            metrics:
              - ↓name: "Tone"
                type: categorical
                definition: d
                labels:
                  - {label: polite, when: {said: please}}
                  - {label: polite, when: {said: thanks}}
                otherwise: curt
            """),
        LintExample(warns: true, """
            metrics:
              - ↓name: "Tone"
                type: categorical
                definition: d
                labels:
                  - {label: any, when: {said: x, count: {at_least: 0}}}
                  - {label: thanks, when: {said: thanks}}
            """),
        LintExample(warns: false, """
            metrics:
              - name: "Auth: outcome"
                type: categorical
                definition: d
                labels:
                  - {label: verified, when: {function: verify_caller, result: {verified: true}}}
                  - {label: partial, when: {function: verify_caller}}
                otherwise: failed
            """),
    ]

    /// Conditions that hold on any conversation: a leaf that needs at least 0 hits (with no
    /// upper bound), and combinations of such.
    static func alwaysHolds(_ c: Condition) -> Bool {
        switch c {
        case let .leaf(leaf):
            guard let count = leaf.count else { return false }
            return count.atLeast == 0 && count.atMost == nil
        case let .all(parts): return parts.allSatisfy(alwaysHolds)
        case let .any(parts): return parts.contains(where: alwaysHolds)
        case .not, .sequence, .metadata: return false
        }
    }

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        for metric in rules.metrics {
            guard case let .categorical(labels, otherwise) = metric.body else { continue }
            func warn(_ message: String) { warnings.append(LintWarning(location: metric.location, message: "metric '\(metric.name)': " + message, check: id)) }
            var seenConditions: [String: String] = [:]
            var seenLabels = Set<String>()
            var always: String?
            for label in labels {
                let key = label.when.summary
                if let a = always {
                    warn("label '\(label.label)' is never reached: label '\(a)' before it always holds")
                } else if let earlier = seenConditions[key] {
                    warn("label '\(label.label)' is never reached: its condition repeats that of label '\(earlier)'")
                }
                if !seenLabels.insert(label.label).inserted { warn("label '\(label.label)' is given twice") }
                if seenConditions[key] == nil { seenConditions[key] = label.label }
                if always == nil && alwaysHolds(label.when) { always = label.label }
            }
            if let otherwise {
                if seenLabels.contains(otherwise) { warn("'otherwise: \(otherwise)' repeats a label; a label that can mean two things cannot be read") }
                if let a = always { warn("'otherwise: \(otherwise)' is never reached: label '\(a)' always holds") }
            }
        }
        return warnings
    }
}
