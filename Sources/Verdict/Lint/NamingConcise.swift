/// Names that read well in a report column: at most 40 characters, no trailing punctuation,
/// no empty words (doubled or stray spaces, an empty part after the prefix).
enum NamingConcise: LintCheck {
    static let id = LintCheckID.namingConcise
    static let summary = "metric names are concise: at most 40 characters, no trailing punctuation, no empty words"
    static let maximumLength = 40
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Booking: the caller was able to complete a booking with the agent", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Booking completed?", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - ↓{name: "Booking:  completed", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "Booking: completed", type: boolean, definition: d, when: {said: x}}
            """),
    ]

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        for metric in rules.metrics {
            let name = metric.name
            func warn(_ message: String) { warnings.append(LintWarning(location: metric.location, message: message, check: id)) }
            if name.count > maximumLength {
                warn("metric '\(name)' is \(name.count) characters long; keep names to \(maximumLength) and put the detail in the definition")
            }
            if let last = name.last, ".?!,;:".contains(last) {
                warn("metric '\(name)' ends with '\(last)'; names take no trailing punctuation")
            }
            if name.hasPrefix(" ") || name.hasSuffix(" ") || name.contains("  ") || name.hasSuffix(":") || name.hasPrefix(":") {
                warn("metric '\(name)' has an empty word (stray spaces or an empty part around ':')")
            }
        }
        return warnings
    }
}
