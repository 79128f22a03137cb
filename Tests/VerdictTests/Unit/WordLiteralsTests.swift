import Testing
@testable import Verdict

/// A set of whole-word literals is looked up word by word (`WordLiterals`) instead of stepped
/// through an automaton: both must find exactly the same literals in every text.
@Suite("Literal prefilter: whole words looked up")
struct WordLiteralsTests {
    /// Whole-word literals of word characters, "·word·", lower-cased as the analysis makes them.
    static func wordLiterals(_ count: Int, lengths: ClosedRange<Int>, _ cases: inout RandomCases) -> [[UInt8]] {
        let sep = RequiredLiterals.separator
        let letters = Array("abcdk19_".utf8)
        var literals = Set<[UInt8]>()
        while literals.count < count {
            literals.insert([sep] + (0..<Int.random(in: lengths, using: &cases.rng)).map { _ in cases.pick(letters) } + [sep])
        }
        return literals.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Word characters of both cases, the literals' own words (whole, cut short, run on),
    /// punctuation, whitespace of several kinds and bytes beyond ASCII beside and inside words;
    /// texts empty or long; sets of a few literals and of over 64 words' worth.
    /// Kind 3 mixes in literals that are not whole words (one edge, none, punctuation or a
    /// currency symbol inside, a lone separator), which stay with a small automaton beside
    /// the table: the two together must find what one automaton of them all finds.
    @Test("the word table finds what the automaton finds, in every text", arguments: [0, 1, 2, 3])
    func sameAsAutomaton(kind: Int) {
        var cases = RandomCases(rng: SeededGenerator(state: 1207 + UInt64(kind)))
        var literals = Self.wordLiterals([5, 300, 4_500, 300][kind], lengths: kind == 2 ? 3...9 : 1...4, &cases)
        if kind == 3 {
            let sep = RequiredLiterals.separator
            var others = Set<[UInt8]>([[sep], [sep] + Array("5€".utf8) + [sep], Array("€".utf8)])
            while others.count < 40 {
                var literal = (0..<Int.random(in: 1...3, using: &cases.rng)).map { _ in cases.pick(Array("abk1_-'.".utf8)) }
                if cases.chance(0.5) { literal.insert(sep, at: 0) }
                if cases.chance(0.5) { literal.append(sep) }
                if !WordLiterals.isWholeWord(literal) { others.insert(literal) }
            }
            literals = (literals + others).sorted { $0.lexicographicallyPrecedes($1) }
        }
        let words = LiteralScanner(literals, wordTable: true), automaton = LiteralScanner(literals, wordTable: false)
        #expect(words.usesWordTable && !automaton.usesWordTable)
        #expect(words.words == automaton.words)
        let sep = RequiredLiterals.separator
        let pieces: [[UInt8]] = Array("abcdkABCDK19_x".utf8).map { [$0] } + [" ", "  ", "\t", "\n", "-", "'", ".", "é", "\u{00A0}", "日本", "€"].map { Array($0.utf8) }
        var texts: [[UInt8]] = []
        for _ in 0..<600 {
            var text: [UInt8] = []
            for _ in 0..<cases.pick([0, 1, 2, 4, 9, 40, 120]) {
                if cases.chance(0.15) {
                    // A literal's word, upper-cased now and then, its ends sometimes cut or run on.
                    var word = cases.pick(literals).filter { $0 != sep }
                    if cases.chance(0.3) { word = word.map { $0 &- 0x61 < 26 ? $0 - 0x20 : $0 } }
                    if cases.chance(0.2), !word.isEmpty { word.removeLast() }
                    if cases.chance(0.2) { word.append(cases.pick(Array("ab1_".utf8))) }
                    text += word
                } else {
                    text += cases.pick(pieces)
                }
            }
            texts.append(text)
        }
        let slots = Array(texts.indices).shuffled(using: &cases.rng)
        let byWords = words.add(texts, slots: slots), byAutomaton = automaton.add(texts, slots: slots)
        var hits = 0
        for k in texts.indices {
            let range = (slots[k] * words.words)..<((slots[k] + 1) * words.words)
            #expect(byWords.found[range] == byAutomaton.found[range], "text \(k): \(RequiredLiteralsTests.shown(texts[k]))")
            #expect(byWords.held[slots[k]] == byAutomaton.held[slots[k]], "text \(k)")
            hits += byWords.found[range].reduce(0) { $0 + $1.nonzeroBitCount }
        }
        #expect(hits > texts.count / 2, "\(hits) literals found")
    }

    @Test("whole words get a word table when there are many, or when asked; the other literals stay with the automaton")
    func chosenForManyWholeWords() {
        var cases = RandomCases(rng: SeededGenerator(state: 1210))
        let sep = RequiredLiterals.separator
        let large = Self.wordLiterals(1_000, lengths: 4...9, &cases)
        #expect(LiteralScanner(large).usesWordTable)
        // A few words step through a small automaton, which is as fast.
        #expect(!LiteralScanner(Array(large.prefix(3))).usesWordTable)
        #expect(LiteralScanner(Array(large.prefix(3)), wordTable: true).usesWordTable)
        // A literal that is not a whole word (one edge, none, punctuation or a currency symbol
        // inside, no word at all) is no word of the table, and keeps it from none of the others.
        let odd = [[sep] + Array("ab".utf8), Array("ab".utf8) + [sep], Array("ab".utf8), [sep] + Array("a-b".utf8) + [sep],
                   [sep] + Array("5€".utf8) + [sep], [sep]]
        for literal in odd {
            #expect(!WordLiterals.isWholeWord(literal), "\(RequiredLiteralsTests.shown(literal))")
            #expect(LiteralScanner(large + [literal]).usesWordTable, "\(RequiredLiteralsTests.shown(literal))")
        }
        #expect(!LiteralScanner(odd, wordTable: true).usesWordTable)
        // Many literals of which few are whole words: those few would make a small automaton.
        #expect(!LiteralScanner(Array(large.prefix(3)) + (0..<500).map { [sep] + Array("w\($0)-x".utf8) }).usesWordTable)
    }

    /// Through the evaluator: a list large enough for the word table, of words alone, gives
    /// what its whole alternation matches, letters of every case and the characters PCRE2
    /// folds to ASCII letters included.
    @Test("sound: a long list of words, some with punctuation, gives the evidence its whole alternation gives (300 seeded cases)")
    func soundThroughTheEvaluator() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 1211))
        let vocabulary = ["card", "Card", "no", "yes", "k", "s", "ok", "all", "set", "kilo", "is"]
        // Phrases whose literals are not whole words: they stay with the automaton.
        let punctuated = ["it's", "a.b", "$5", "o'k", "café"]
        let padding = (0..<300).map { "zq\($0)word" }
        let scratch = MatchScratch()
        var hits = 0
        for _ in 0..<300 {
            var phrases: [String] = []
            for _ in 0..<Int.random(in: 1...6, using: &cases.rng) {
                phrases.append((0..<Int.random(in: 1...2, using: &cases.rng)).map { _ in
                    cases.chance(0.1) ? cases.pick(punctuated) : cases.pick(vocabulary)
                }.joined(separator: " "))
            }
            var texts: [String] = []
            for _ in 0..<Int.random(in: 1...5, using: &cases.rng) {
                var text = ""
                for _ in 0..<Int.random(in: 0...6, using: &cases.rng) {
                    text += cases.pick(vocabulary + ["CARD", "K", "\u{212A}", "\u{017F}", "\u{0130}", "x", "é", "_", "zq7word", "it's", "a.b", "$5"])
                    text += cases.pick([" ", " ", " ", "  ", "\t", "", ".", "-"])
                }
                texts.append(text)
            }
            let evaluator = Evaluator(rules: try PhraseBranchTests.rules(phrases + padding))
            #expect(evaluator.compiled.scanner.usesWordTable)
            let result = evaluator.evaluate(try PhraseBranchTests.call(texts))
            let words = (phrases + padding).map(PhrasePattern.words)
            let whole = try Pattern(alternatives: PhrasePattern.alternatives(words))
            let expected = try texts.indices.filter { try whole.matches(texts[$0], using: scratch) }
            #expect(result.metrics[0].evidence == expected, "phrases \(phrases) on \(texts)")
            if !expected.isEmpty { hits += 1 }
        }
        #expect(hits > 100, "\(hits) cases with evidence")
    }
}
