/// One word per idea: metrics that use different words of one synonym group (handoff /
/// transfer / escalation) make reports hard to read. Groups are built in, and a `lint:`
/// section adds more: `lint: {synonyms: [[refund, reimbursement]]}`.
enum NamingSynonyms: LintCheck {
    static let id = LintCheckID.namingSynonyms
    static let summary = "metrics use one word per idea, not synonyms (handoff / transfer / escalation, booking / reservation, auth / verification)"
    static let builtIn: [[String]] = [
        ["handoff", "transfer", "escalation", "handover"],
        ["booking", "reservation"],
        ["auth", "authentication", "verification", "identification"],
        ["cancellation", "cancelation", "termination"],
        ["csat", "satisfaction"],
    ]
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - {name: "Handoff: requested", type: boolean, definition: d, when: {said: x}}
              - ↓{name: "Transfer: destination", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: true, """
            lint: {synonyms: [[refund, reimbursement]]}
            metrics:
              - {name: "Refund: offered", type: boolean, definition: d, when: {said: x}}
              - ↓{name: "Reimbursement: paid", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "Handoff: requested", type: boolean, definition: d, when: {said: x}}
              - {name: "Handoff: destination", type: boolean, definition: d, when: {said: x}}
            """),
    ]

    /// A word and its plural are one word here.
    static func stem(_ w: String) -> String { w.count > 3 && w.hasSuffix("s") ? String(w.dropLast()) : w }

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        for group in builtIn + settings.synonyms {
            let members = Set(group.map(stem))
            // Which metrics use which word of the group.
            var users: [String: [Metric]] = [:]
            for metric in rules.metrics {
                for word in Set(words(metric.name).map(stem)) where members.contains(word) { users[word, default: []].append(metric) }
            }
            guard users.count > 1 else { continue }
            // The most used word stays; ties go to the group's order.
            let order = group.map(stem)
            let main = users.keys.max { a, b in
                users[a]!.count != users[b]!.count ? users[a]!.count < users[b]!.count : order.firstIndex(of: a)! > order.firstIndex(of: b)!
            }!
            for (word, metrics) in users where word != main {
                for metric in metrics {
                    warnings.append(LintWarning(location: metric.location,
                                                message: "metric '\(metric.name)' says '\(word)' where \(users[main]!.count) other metric\(users[main]!.count == 1 ? " says" : "s say") '\(main)' (synonyms: \(group.joined(separator: ", "))); use one word for one idea",
                                                check: id))
                }
            }
        }
        return warnings
    }
}
