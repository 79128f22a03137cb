import Testing
@testable import Verdict

/// A phrase list is confirmed phrase by phrase: only the phrases whose literals a text holds
/// run (`BranchTable`). See: `LeafMatcher.matchBranches`.
@Suite("Phrase lists confirmed phrase by phrase")
struct PhraseBranchTests {
    static let vocabulary = ["card", "Card", "no", "yes", "k", "s", "ok", "it's", "$5", "a.b", "café", "日本", "ſ", "all", "set"]

    /// A call of `texts`, alternating agent and user.
    static func call(_ texts: [String]) throws -> Conversation {
        let events = texts.indices.map { #"{"type": "\#($0 % 2 == 0 ? "agent" : "user")", "text": "x"}"# }
        var conversation = try Support.conversation(Support.events(events.joined(separator: ", ")))
        for i in texts.indices { conversation.events[i].text = texts[i] }
        return conversation
    }

    static func rules(_ phrases: [String], modifier: String = "") throws -> RuleSet {
        let list = phrases.map { "\"\($0)\"" }.joined(separator: ", ")
        return try Support.rules("""
        phrases:
          p: [\(list)]
        metrics:
          - {name: m, type: boolean, definition: d, when: {said: {phrases: p}\(modifier)}}
        """)
    }

    @Test("sound: the evidence is every text the whole alternation matches (2,000 seeded cases)")
    func soundness() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 1205))
        let scratch = MatchScratch()
        var branched = 0, hits = 0
        for n in 0..<2000 {
            var phrases: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &cases.rng) {
                phrases.append((0..<Int.random(in: 1...2, using: &cases.rng)).map { _ in cases.pick(Self.vocabulary) }.joined(separator: " "))
            }
            var texts: [String] = []
            for _ in 0..<Int.random(in: 1...5, using: &cases.rng) {
                var text = ""
                for _ in 0..<Int.random(in: 0...5, using: &cases.rng) {
                    text += cases.pick(Self.vocabulary + [" ", "  ", "CARD", "K", "\u{212A}", "x", "."])
                }
                texts.append(text)
            }
            let rules = try Self.rules(phrases, modifier: n % 3 == 0 ? ", turns: [1]" : "")
            let evaluator = Evaluator(rules: rules)
            let result = evaluator.evaluate(try Self.call(texts))
            // The whole alternation, as one pattern without its branches.
            let words = phrases.map(PhrasePattern.words)
            let whole = try Pattern(alternatives: PhrasePattern.alternatives(words))
            if PhrasePattern.branches(words).count > 1 { branched += 1 }
            let expected = try texts.indices.filter { try whole.matches(texts[$0], using: scratch) }
            #expect(result.metrics[0].evidence == expected, "phrases \(phrases) on \(texts)")
            if !expected.isEmpty { hits += 1 }
        }
        #expect(branched > 1000 && hits > 300)
    }

    @Test("a phrase's literals worked out from its words are what analysing its pattern finds (3,000 seeded lists)")
    func literalsFromWords() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 1206))
        // Letters of both cases, digits, every kind of ASCII punctuation, control characters
        // (which the analysis does not understand), letters and marks beyond ASCII, currency
        // symbols (kept as written), and whitespace of several kinds between words.
        let pieces = ["a", "B", "k", "s", "no", "OK", "7", "_", ".", "-", "'", "$", "\\", "(", "|", "?", "+", "*", "{", "#", "~", "`",
                      "\u{01}", "\u{7F}", "é", "日本", "ſ", "\u{212A}", "\u{0301}", "€", "£", "¥", "₹"]
        let spaces = [" ", "  ", "\t", "\u{00A0}", "\u{2028}"]
        var compared = 0, none = 0, withAlso = 0, withCurrency = 0, withSeparators = 0
        for _ in 0..<3000 {
            var words: [[String]] = []
            for _ in 0..<Int.random(in: 2...4, using: &cases.rng) {
                var phrase = ""
                for w in 0..<Int.random(in: 1...3, using: &cases.rng) {
                    if w > 0 { phrase += cases.pick(spaces) }
                    for _ in 0..<Int.random(in: 1...4, using: &cases.rng) { phrase += cases.pick(pieces) }
                }
                words.append(PhrasePattern.words(phrase))
            }
            let fromWords = try PhrasePattern.pattern(words)
            let parsed = try Pattern(alternatives: PhrasePattern.alternatives(words), branches: PhrasePattern.branches(words))
            #expect(fromWords.source == parsed.source)
            #expect(fromWords.requiredLiterals == parsed.requiredLiterals, "\(words)")
            #expect(fromWords.branches.count == parsed.branches.count)
            for (a, b) in zip(fromWords.branches, parsed.branches) {
                compared += 1
                #expect(a.source == b.source)
                #expect(a.requiredLiterals == b.requiredLiterals, "\(a.source)")
                #expect(a.alsoRequired == b.alsoRequired, "\(a.source)")
                if b.requiredLiterals == nil { none += 1 }
                if !b.alsoRequired.isEmpty { withAlso += 1 }
                if b.requiredLiterals?.joined().contains(where: { $0 >= 0x80 && $0 != RequiredLiterals.separator }) == true { withCurrency += 1 }
                if b.requiredLiterals?.joined().contains(RequiredLiterals.separator) == true { withSeparators += 1 }
            }
        }
        #expect(compared > 7000 && none > 500 && withAlso > 500 && withCurrency > 300 && withSeparators > 3000,
                "\(compared) branches: \(none) without literals, \(withAlso) with more, \(withCurrency) with currency, \(withSeparators) with separators")
    }

    @Test("a 1,000-phrase list runs PCRE2 once, on the one text that holds a phrase's word, and compiles that phrase alone")
    func costFollowsCandidates() throws {
        let phrases = (0..<1000).map { "zq\($0)word" } + ["refund please"]
        let evaluator = Evaluator(rules: try Self.rules(phrases))
        var texts = (0..<50).map { "line \($0) of an ordinary call" }
        texts[31] += ", a refund please"
        let result = evaluator.evaluate(try Self.call(texts))
        #expect(result.metrics[0].evidence == [31])
        #expect(evaluator.matcher.patternRuns == 1)
        // Only the phrase that ran was compiled, of the 1,001; the whole alternation, which
        // no text needed, was never JIT-compiled.
        #expect(evaluator.matcher.branchesCompiled == 1)
        #expect(evaluator.compiled.textPatterns.count == 1 && !evaluator.compiled.textPatterns[0].isJITCompiled)
        // A KELVIN SIGN, which PCRE2 matches as a k, is read as one by the prefilter too: the
        // text holding "\u{212A}elvin" is confirmed against that phrase alone, the one with
        // "\u{212A}ilo" not at all.
        texts[0] = "\u{212A}elvin"
        texts[1] = "\u{212A}ilo"
        let folding = Evaluator(rules: try Self.rules(phrases + ["kelvin"]))
        #expect(folding.evaluate(try Self.call(texts)).metrics[0].evidence == [0, 31])
        #expect(folding.matcher.patternRuns == 2)
    }

    @Test("an empty text goes through the prefilter too: a list's branches serve it, and its whole alternation is never compiled to machine code")
    func emptyTextsUseBranches() throws {
        let phrases = (0..<200).map { "zq\($0)word" } + ["refund please", "日本"]
        let evaluator = Evaluator(rules: try Self.rules(phrases))
        let result = evaluator.evaluate(try Self.call(["", "a refund please", "", "日本 と", "x"]))
        #expect(result.metrics[0].evidence == [1, 3])
        #expect(!evaluator.compiled.textPatterns[0].isJITCompiled)
    }

    @Test("a phrase of short words runs PCRE2 only on texts where they stand as words, not inside other words")
    func shortWordsConfirmOnlyAsWords() throws {
        let phrases = ["o k", "v a"] + (0..<998).map { "zq\($0)word" }
        let evaluator = Evaluator(rules: try Self.rules(phrases))
        var texts = (0..<40).map { "look, I know the token \($0) was void: okay, vast" }
        texts[17] = "so, o  k then"
        let result = evaluator.evaluate(try Self.call(texts))
        #expect(result.metrics[0].evidence == [17])
        #expect(evaluator.matcher.patternRuns == 1)
        // The list's own literals are its phrases': each with its word edges.
        let words = phrases.map(PhrasePattern.words)
        let list = try Pattern(alternatives: PhrasePattern.alternatives(words), branches: PhrasePattern.branches(words))
        let each = PhrasePattern.branches(words).map { RequiredLiterals.of($0) ?? [] }
        #expect(list.requiredLiterals == Set(each.joined()).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(list.requiredLiterals?.first.map(RequiredLiteralsTests.shown) == "·o·")
    }
}
