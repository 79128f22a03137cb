import Foundation

/// Related metrics share a `Prefix: ` — the same first word, or the same flow or function in
/// `applies_when` — so that reports group them; a name that starts with another metric's
/// prefix word but leaves out the colon is pointed out too.
enum NamingPrefixes: LintCheck {
    static let id = LintCheckID.namingPrefixes
    static let summary = "related metrics (same first word, or the same flow or function in applies_when) share a 'Prefix: ' form"
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - {name: "Booking: completed", type: boolean, definition: d, when: {said: x}}
              - ↓{name: "Booking dates read back", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - {name: "Booking: completed", type: boolean, definition: d, applies_when: {flow: Booking}, when: {said: x}}
              - ↓{name: "Dates: read back", type: boolean, definition: d, applies_when: {flow: Booking}, when: {said: x}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "Booking: completed", type: boolean, definition: d, applies_when: {flow: Booking}, when: {said: x}}
              - {name: "Booking: dates read back", type: boolean, definition: d, applies_when: {flow: Booking}, when: {said: x}}
              - {name: "Greeting", type: boolean, definition: d, when: {said: x}}
            """),
    ]

    /// The flow or function a metric's `applies_when` names, when it is a single leaf.
    static func anchor(_ metric: Metric) -> String? {
        guard case let .leaf(leaf)? = metric.appliesWhen else { return nil }
        switch leaf.kind {
        case let .flow(name, _): return "flow '\(name)'"
        case let .function(name, _, _, _): return "function '\(name)'"
        default: return nil
        }
    }

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        let prefixes = Set(rules.metrics.compactMap { $0.prefix?.lowercased() })
        // A name starting with another metric's prefix word, without the colon.
        for metric in rules.metrics where metric.prefix == nil {
            guard let first = metric.name.split(separator: " ").first.map({ $0.lowercased() }), prefixes.contains(first),
                  metric.name.contains(" ") else { continue }
            warnings.append(LintWarning(location: metric.location,
                                        message: "metric '\(metric.name)' starts with the prefix word of other metrics; write it as '\(metric.name.split(separator: " ", maxSplits: 1)[0]): \(metric.name.split(separator: " ", maxSplits: 1)[1])'",
                                        check: id))
        }
        // Metrics applying at the same flow or function, under different prefixes.
        var groups: [String: [Metric]] = [:]
        var order: [String] = []
        for metric in rules.metrics {
            guard let a = anchor(metric) else { continue }
            if groups[a] == nil { order.append(a) }
            groups[a, default: []].append(metric)
        }
        for a in order {
            let metrics = groups[a]!
            var count: [String: Int] = [:]
            for m in metrics { count[m.prefix ?? "(none)", default: 0] += 1 }
            guard count.count > 1, let main = count.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else { continue }
            for m in metrics where (m.prefix ?? "(none)") != main {
                warnings.append(LintWarning(location: m.location,
                                            message: "metric '\(m.name)' applies at \(a) like \(count[main]!) metric\(count[main]! == 1 ? "" : "s") named '\(main): ...'; give related metrics one prefix",
                                            check: id))
            }
        }
        return warnings
    }
}
