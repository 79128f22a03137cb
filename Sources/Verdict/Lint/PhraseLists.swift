/// Phrase lists kept tidy (SPEC 1.2 §3.1): a list no rule uses, a phrase listed twice (in one
/// list or across lists), and a phrase that contains another phrase of its own list (the
/// shorter one already occurs wherever the longer one does, so the longer one adds nothing).
enum PhraseLists: LintCheck {
    static let id = LintCheckID.phraseLists
    static let summary = "every phrase list is used, no phrase is listed twice, and no phrase contains another of its list"
    static let examples = [
        LintExample(warns: true, """
            phrases:
              confirmation: [confirmed, booked]
              ↓goodbye: [bye]
            metrics:
              - {name: "Booking: confirmed", type: boolean, definition: d, when: {agent: {phrases: confirmation}}}
            """),
        LintExample(warns: true, """
            phrases:
              confirmation: [confirmed, booked]
              thanks:
                - thank you
                - ↓Booked
            metrics:
              - {name: "Booking: confirmed", type: boolean, definition: d, when: {agent: {phrases: [confirmation, thanks]}}}
            """),
        LintExample(warns: true, """
            phrases:
              confirmation:
                - all set
                - ↓you're all  set
            metrics:
              - {name: "Booking: confirmed", type: boolean, definition: d, when: {agent: {phrases: confirmation}}}
            """),
        LintExample(warns: false, """
            phrases:
              confirmation: [confirmed, booked, all set]
              goodbye: [bye, see you]
            metrics:
              - {name: "Booking: confirmed", type: boolean, definition: d, when: {agent: {phrases: confirmation}}}
              - {name: "Call: closed", type: boolean, definition: d, when: {agent: {phrases: goodbye}, turns: [-2]}}
            """),
    ]

    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning] {
        var warnings: [LintWarning] = []
        var used = Set<ExactKey>()
        for leaf in rules.allLeaves { for list in leaf.phrases?.lists ?? [] { used.insert(ExactKey(list.name)) } }
        for list in rules.phraseLists where !used.contains(ExactKey(list.name)) {
            warnings.append(LintWarning(location: list.location, message: "phrase list '\(list.name)' is used by no metric or flow", check: id))
        }
        // Phrases compared as their words, caselessly (as they are matched).
        var first: [String: (list: String, phrase: Phrase)] = [:]
        for list in rules.phraseLists {
            for phrase in list.phrases {
                let key = phrase.words.joined(separator: " ").lowercased()
                if let earlier = first[key] {
                    let place = earlier.list.isExactly(list.name) ? "" : " in '\(earlier.list)'"
                    warnings.append(LintWarning(location: phrase.location,
                                                message: "phrase '\(phrase.text)' of '\(list.name)' is listed twice: also as '\(earlier.phrase.text)'\(place) at \(earlier.phrase.location)",
                                                check: id))
                } else {
                    first[key] = (list.name, phrase)
                }
            }
            warnings += containing(list)
        }
        return warnings
    }

    /// Phrases of `list` that contain another of its phrases.
    static func containing(_ list: PhraseList) -> [LintWarning] {
        let scratch = MatchScratch()
        let keys = list.phrases.map { " " + $0.words.joined(separator: " ").lowercased() + " " }
        var patterns: [Int: Pattern] = [:]
        var warnings: [LintWarning] = []
        for (a, long) in list.phrases.enumerated() {
            for (b, short) in list.phrases.enumerated() where a != b && keys[a] != keys[b] && long.words.count >= short.words.count {
                // Cheap first: the shorter one's words inside the longer one's, then PCRE2 decides.
                let inner = keys[b].trimmingCharacters(in: .whitespaces)
                guard keys[a].contains(inner) else { continue }
                if patterns[b] == nil { patterns[b] = try? Pattern(alternatives: [short.patternSource]) }
                guard let pattern = patterns[b], (try? pattern.matches(long.words.joined(separator: " "), using: scratch)) == true else { continue }
                warnings.append(LintWarning(location: long.location,
                                            message: "phrase '\(long.text)' of '\(list.name)' contains '\(short.text)', which already occurs wherever it does",
                                            check: id))
                break
            }
        }
        return warnings
    }
}
