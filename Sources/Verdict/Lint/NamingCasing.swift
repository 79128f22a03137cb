/// Names written in one style: the style most metric names use wins, and names in another
/// style are pointed out. Acronyms (CSAT, NPS) count as capitalized words.
enum NamingCasing: LintCheck {
    static let id = LintCheckID.namingCasing
    static let summary = "metric names follow the casing most of them use (Sentence case, Title Case, snake_case, ...)"
    static let examples = [
        LintExample(warns: true, """
            metrics:
              - {name: "Booking: completed", type: boolean, definition: d, when: {said: x}}
              - {name: "Booking: dates read back", type: boolean, definition: d, when: {said: x}}
              - ↓{name: "Payment: Card Read Once", type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: true, """
            metrics:
              - {name: "Caller verified", type: boolean, definition: d, when: {said: x}}
              - {name: "Refund offered", type: boolean, definition: d, when: {said: x}}
              - ↓{name: booking_completed, type: boolean, definition: d, when: {said: x}}
            """),
        LintExample(warns: false, """
            metrics:
              - {name: "CSAT: score captured", type: boolean, definition: d, when: {said: x}}
              - {name: "Booking: completed", type: boolean, definition: d, when: {said: x}}
              - {name: "Greeting", type: boolean, definition: d, when: {said: x}}
            """),
    ]

    enum Style: String {
        case sentence = "Sentence case", title = "Title Case", lower = "lower case", snake = "snake_case",
             screaming = "SCREAMING_SNAKE_CASE", kebab = "kebab-case", camel = "camelCase", pascal = "PascalCase"
    }

    static let smallWords: Set<String> = ["a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "with", "by", "at", "per", "vs"]

    /// The styles a name is compatible with (a one-word name fits several); empty when mixed.
    static func styles(_ name: String) -> Set<Style> {
        let text = name
        if !text.contains(" ") {
            if text.contains("_") { return text == text.uppercased() ? [.screaming] : text == text.lowercased() ? [.snake] : [] }
            if text.contains("-") { return text == text.lowercased() ? [.kebab] : [] }
            let inner = text.dropFirst().contains { $0.isUppercase }
            if inner && text.first?.isLowercase == true { return [.camel] }
            if inner && text != text.uppercased() { return [.pascal] }
        }
        // Words that start with a letter; an acronym (CSAT, NPS) reads as capitalized.
        func isAcronym(_ w: String) -> Bool { w.count >= 2 && w == w.uppercased() && w.contains { $0.isLetter } }
        let parts = text.replacingOccurrences(of: ":", with: " ").split(separator: " ").map(String.init)
            .filter { $0.first?.isLetter == true && !$0.contains { $0.isNumber } }
        guard let first = parts.first else { return [.sentence, .title, .lower] }
        let rest = parts.dropFirst().filter { !isAcronym($0) }
        let firstUpper = first.first!.isUppercase
        let restLower = rest.allSatisfy { $0 == $0.lowercased() }
        let restTitle = rest.allSatisfy { $0.first!.isUppercase || smallWords.contains($0) }
        var out = Set<Style>()
        if firstUpper && restLower { out.insert(.sentence) }
        if firstUpper && restTitle { out.insert(.title) }
        if !firstUpper && restLower { out.insert(.lower) }
        return out
    }

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        let judged = rules.metrics.map { ($0, styles($0.name)) }
        var votes: [Style: Int] = [:]
        for (_, s) in judged where s.count == 1 { votes[s.first!, default: 0] += 1 }
        guard let (style, count) = votes.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key.rawValue > $1.key.rawValue }),
              count * 2 > judged.filter({ $0.1.count == 1 }).count else { return [] }
        return judged.filter { !$0.1.contains(style) }.map { metric, s in
            let written = s.count == 1 ? s.first!.rawValue : "mixed case"
            return LintWarning(location: metric.location,
                               message: "metric '\(metric.name)' is written in \(written), but \(count) of \(rules.metrics.count) names use \(style.rawValue)",
                               check: id)
        }
    }
}
