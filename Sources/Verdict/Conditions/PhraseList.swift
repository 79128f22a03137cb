/// A named list of phrases (SPEC 1.2 §3.1), declared under a rule file's `phrases:`.
public struct PhraseList: Sendable {
    public var name: String
    public var phrases: [Phrase]
    /// Where the list is declared: its key in the rule file.
    public var location: SourceLocation

    public init(name: String, phrases: [Phrase], location: SourceLocation) {
        self.name = name
        self.phrases = phrases
        self.location = location
    }
}

/// One phrase of a list: its text as written (trimmed), its words, and where it is written (an
/// item of an inline list, or a line of a phrase file).
public struct Phrase: Sendable {
    public var text: String
    public var words: [String]
    public var location: SourceLocation

    /// The PCRE2 pattern that finds exactly its occurrences (`PhrasePattern`).
    public var patternSource: String { PhrasePattern.source(words: words) }

    public init(text: String, words: [String], location: SourceLocation) {
        self.text = text
        self.words = words
        self.location = location
    }
}

/// What a `user`, `agent` or `said` leaf written `{phrases: NAME}` or `{phrases: [NAME, ...]}`
/// refers to: the lists, in the order named. The leaf's pattern is the alternation of their
/// phrases' patterns.
public struct PhraseReference: Sendable {
    public var lists: [PhraseList]

    public init(lists: [PhraseList]) { self.lists = lists }

    /// Every phrase of the lists, with the list it belongs to, in order.
    public var phrases: [(list: String, phrase: Phrase)] {
        lists.flatMap { list in list.phrases.map { (list.name, $0) } }
    }

    /// "confirmation", "confirmation or goodbye".
    public var names: String {
        let names = lists.map(\.name)
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// The one pattern of all the phrases (`PhrasePattern.pattern`).
    public func pattern() throws(PatternCompileError) -> Pattern {
        try PhrasePattern.pattern(lists.flatMap { $0.phrases.map(\.words) })
    }

    /// The reference with one phrase left out (`verdict mutate`'s "drop one phrase").
    func dropping(_ index: Int) -> PhraseReference {
        var copy = self
        var k = index
        for l in copy.lists.indices {
            if k < copy.lists[l].phrases.count {
                copy.lists[l].phrases.remove(at: k)
                return copy
            }
            k -= copy.lists[l].phrases.count
        }
        return copy
    }
}
