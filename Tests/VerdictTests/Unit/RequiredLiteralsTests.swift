import Testing
@testable import Verdict

@Suite("Literal prefilter")
struct RequiredLiteralsTests {
    static let known: [(String, [String]?)] = [
        ("hello", ["hello"]),
        ("HeLLo", ["hello"]),
        (#"\b(card number|card details)\b"#, ["card details", "card number"]),
        ("refund|money back", ["money back", "refund"]),
        ("how (can|may) i help", [" i help"]),
        ("colou?r", ["colo"]),
        (#"tracking number is \d{6,}"#, ["tracking number is "]),
        ("(?:abc)?def", ["def"]),
        ("foo(?=bar)", ["foo"]),
        (#"it.s \w+"#, ["it"]),
        (#"\$\d"#, ["$"]),
        ("(ab)+c", ["ab"]),
        ("(?-i)Hello", nil),
        (#"\d+"#, nil),
        (#"x|\d"#, nil),
        (#"[€£$]\d+"#, nil),
        (#"\x41"#, nil),
        ("café", ["caf"]),
        // Whitespace alone is no literal: nearly every text holds it.
        (#"^(\w ){3,}\w$"#, nil),
        (#"\d \d|x"#, nil),
        (#"\d \dyes"#, ["yes"]),
        // Currency symbols have no case: their bytes are literals.
        (#"€\d"#, ["€"]),
        ("£5|€5", ["£5", "€5"]),
        (#"\bcosts €"#, ["·costs €"]),
        ("", nil),
        ("a{2", nil),
        ("(?<name>x)", nil),
        // Word edges: `·` is the separator (not a word character, or the text's edge).
        (#"\bno\b"#, ["·no·"]),
        (#"(?<!\w)o\s+k(?!\w)"#, ["·o·"]),
        (#"(?<!\w)ana\s+silva(?!\w)"#, ["·silva·"]),
        ("^hello", ["·hello"]),
        ("bye$", ["bye·"]),
        (#"\bcard\s+number"#, ["·number"]),
        (#"a\b-"#, ["a·"]),
        (#"\b-x"#, ["-x"]),
        (#"\Bno"#, ["no"]),
        (#"\s*no\W?"#, ["no"]),
        (#"(?<=\s)no"#, ["no"]),
        (#"yes\W+please"#, ["·please"]),
        (#"ok\h"#, ["ok·"]),
        (#"ab+\s"#, ["ab"]),
        (#"(?:\bno)\b"#, ["·no"]),
    ]

    @Test("the scanner finds every literal that occurs, letters folded, overlapping ones too")
    func scanner() {
        let literals = ["he", "she", "his", "hers", "card number", "$5", "x"].map { Array($0.utf8) }
        let scanner = LiteralScanner(literals)
        func found(_ text: String) -> [String] {
            var bits = [UInt64](repeating: 0, count: scanner.words)
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                bits.withUnsafeMutableBufferPointer { scanner.scan(b.baseAddress!, count: b.count, into: $0.baseAddress!) }
            }
            return literals.indices.filter { bits[$0 >> 6] & (1 << UInt64($0 & 63)) != 0 }.map { String(decoding: literals[$0], as: UTF8.self) }
        }
        #expect(found("USHERS") == ["he", "she", "hers"])
        #expect(found("Your CARD NUMBER costs $5.") == ["card number", "$5"])
        #expect(found("nothing here but é") == ["he"])
        #expect(found("ca rd") == [])
    }

    /// Tables of fewer than 32,768 entries are kept in 16 bits, larger ones in 32: both must
    /// find exactly the literals that a plain search finds (letters folded), in texts built
    /// of random letters and of literals, some in capitals.
    @Test("the scanner finds the same literals as a plain search, with small and large tables", arguments: [(300, 2...6), (3_500, 10...14)])
    func scannerAgainstPlainSearch(literalCount: Int, lengths: ClosedRange<Int>) {
        var cases = RandomCases(rng: SeededGenerator(state: UInt64(literalCount)))
        let letters = Array("abcdefghijklmnop".utf8)
        var literals = Set<[UInt8]>()
        while literals.count < literalCount {
            literals.insert((0..<Int.random(in: lengths, using: &cases.rng)).map { _ in cases.pick(letters) })
        }
        let sorted = literals.sorted { $0.lexicographicallyPrecedes($1) }
        let scanner = LiteralScanner(sorted)
        #expect(scanner.usesWideTable == (literalCount > 1_000))
        var hits = 0
        for _ in 0..<200 {
            var text: [UInt8] = []
            while text.count < 120 {
                if cases.chance(0.1) {
                    let literal = cases.pick(sorted)
                    text += cases.chance(0.3) ? literal.map { $0 & 0xDF } : literal
                } else {
                    text.append(cases.chance(0.1) ? UInt8(ascii: " ") : cases.pick(letters))
                }
            }
            var bits = [UInt64](repeating: 0, count: scanner.words)
            text.withUnsafeBufferPointer { b in
                bits.withUnsafeMutableBufferPointer { scanner.scan(b.baseAddress!, count: b.count, into: $0.baseAddress!) }
            }
            // Every piece of the folded text of a literal's length, looked up.
            let folded = text.map(LiteralScanner.fold)
            var pieces = Set<ArraySlice<UInt8>>()
            for length in lengths where length <= folded.count {
                for start in 0...(folded.count - length) { pieces.insert(folded[start..<(start + length)]) }
            }
            for (id, literal) in sorted.enumerated() {
                let present = pieces.contains(literal[...])
                #expect((bits[id >> 6] & (1 << UInt64(id & 63)) != 0) == present, "literal \(String(decoding: literal, as: UTF8.self))")
                if present { hits += 1 }
            }
        }
        #expect(hits > 1_000, "\(hits) literals found")
    }

    @Test("required literals of known patterns", arguments: known)
    func literals(pattern: String, expected: [String]?) {
        #expect(RequiredLiterals.of(pattern)?.map(Self.shown) == expected)
    }

    /// A literal as text, the separator shown as `·`.
    static func shown(_ literal: [UInt8]) -> String {
        literal.split(separator: RequiredLiterals.separator, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "·")
    }

    /// Literals with separators at their edges against a plain search in which a separator is
    /// any byte but `[A-Za-z0-9_]`, or the text's start or end; with texts of letters, digits,
    /// spaces, punctuation some literals hold and some not, and bytes of non-ASCII characters.
    @Test("the scanner finds literals with separators exactly where a plain search does", arguments: [false, true])
    func separatorsAgainstPlainSearch(punctuationInLiterals: Bool) {
        var cases = RandomCases(rng: SeededGenerator(state: punctuationInLiterals ? 7 : 8))
        let sep = RequiredLiterals.separator
        let letters = Array("abcd1_".utf8) + (punctuationInLiterals ? Array("-' ".utf8) : [])
        var literals = Set<[UInt8]>()
        while literals.count < 60 {
            var literal = (0..<Int.random(in: 1...3, using: &cases.rng)).map { _ in cases.pick(letters) }
            if cases.chance(0.6) { literal.insert(sep, at: 0) }
            if cases.chance(0.6) { literal.append(sep) }
            literals.insert(literal)
        }
        literals.insert([sep])
        let sorted = literals.sorted { $0.lexicographicallyPrecedes($1) }
        let scanner = LiteralScanner(sorted)
        // Literals without punctuation of their own make separators steps of the automaton;
        // with some, separators are checked beside what the automaton finds.
        #expect(scanner.separatorsAreClasses == !punctuationInLiterals)
        let pieces: [[UInt8]] = Array("abcdABCD1_".utf8).map { [$0] } + [" ", "-", "'", ".", "\t", "é", "\u{00A0}", "\u{2028}"].map { Array($0.utf8) }
        var hits = 0, separated = 0
        for _ in 0..<2_000 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &cases.rng) { text += cases.pick(pieces) }
            var bits = [UInt64](repeating: 0, count: scanner.words)
            text.withUnsafeBufferPointer { b in
                bits.withUnsafeMutableBufferPointer { scanner.scan(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: b.count, into: $0.baseAddress!) }
            }
            // The text with a stand-in for each edge, every byte folded, searched at every offset.
            let padded = [sep] + text.map(LiteralScanner.fold) + [sep]
            func matches(_ literal: [UInt8], at start: Int) -> Bool {
                guard start + literal.count <= padded.count else { return false }
                for (k, l) in literal.enumerated() {
                    let t = padded[start + k]
                    if l == sep {
                        if t != sep && RequiredLiterals.isWordByte(t) { return false }
                    } else if t != l {
                        return false
                    }
                }
                return true
            }
            for (id, literal) in sorted.enumerated() {
                let present = padded.indices.contains { matches(literal, at: $0) }
                #expect((bits[id >> 6] & (1 << UInt64(id & 63)) != 0) == present, "\(Self.shown(literal)) in \(Self.shown(text))")
                if present {
                    hits += 1
                    if literal.first == sep || literal.last == sep { separated += 1 }
                }
            }
        }
        #expect(separated > 2_000, "\(separated) of \(hits) found literals have separators")
    }

    /// `add` scans its texts two at a time, each of the two taking the next text in line when
    /// its own ends. Whatever the texts' lengths (empty ones too) and slots, each must get the
    /// literals and summary it gets alone: with separators as classes, with separators checked
    /// (and a lone separator, which every text holds), and with a wide table of over 64 words.
    @Test("texts scanned together each get what they get alone", arguments: [0, 1, 2])
    func scannedTogether(kind: Int) {
        var cases = RandomCases(rng: SeededGenerator(state: 40 + UInt64(kind)))
        let sep = RequiredLiterals.separator
        let letters = Array("abcd1_".utf8) + (kind == 1 ? Array("-' ".utf8) : [])
        var literals = Set<[UInt8]>()
        while literals.count < (kind == 2 ? 4_500 : 80) {
            var literal = (0..<Int.random(in: kind == 2 ? 5...8 : 1...3, using: &cases.rng)).map { _ in cases.pick(letters) }
            if kind < 2 && cases.chance(0.5) { literal.insert(sep, at: 0) }
            if kind < 2 && cases.chance(0.5) { literal.append(sep) }
            literals.insert(literal)
        }
        if kind == 1 { literals.insert([sep]) }
        let sorted = literals.sorted { $0.lexicographicallyPrecedes($1) }
        let scanner = LiteralScanner(sorted)
        #expect(scanner.separatorsAreClasses == (kind == 0))
        #expect(scanner.usesWideTable == (kind == 2))
        #expect(scanner.words > (kind == 2 ? 64 : 1))
        let pieces: [[UInt8]] = Array("abcdABCD1_".utf8).map { [$0] } + [" ", "-", "'", "é"].map { Array($0.utf8) }
        var texts: [[UInt8]] = []
        for _ in 0..<300 {
            var text: [UInt8] = []
            for _ in 0..<cases.pick([0, 1, 2, 3, 8, 30, 90]) {
                // Now and then a literal, its separators as spaces, to be found.
                text += cases.chance(0.1) ? cases.pick(sorted).map { $0 == sep ? UInt8(ascii: " ") : $0 } : cases.pick(pieces)
            }
            texts.append(text)
        }
        let words = scanner.words
        let slots = Array(texts.indices).shuffled(using: &cases.rng)
        let (found, held) = scanner.add(texts, slots: slots)
        var hits = 0
        for (k, text) in texts.enumerated() {
            var alone = [UInt64](repeating: 0, count: words)
            let summary = (text + [0]).withUnsafeBufferPointer { b in
                alone.withUnsafeMutableBufferPointer { scanner.add(b.baseAddress!, count: text.count, to: $0.baseAddress!) }
            }
            let together = Array(found[(slots[k] * words)..<((slots[k] + 1) * words)])
            #expect(together == alone, "text \(k): \(Self.shown(text))")
            #expect(held[slots[k]] == summary, "text \(k)")
            hits += alone.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        #expect(hits > texts.count, "\(hits) literals found")
    }

    /// Texts are passed over eight ASCII bytes at a time: a character that may fold, or any
    /// byte above 0x7F, must be seen wherever it stands, across word boundaries too.
    @Test("every folding character is found, at every position of texts up to 24 bytes")
    func foldingFoundEverywhere() {
        for length in 0...24 {
            let plain = Array(repeating: UInt8(ascii: "a"), count: length)
            #expect(!plain.withUnsafeBufferPointer { RequiredLiterals.mayFoldToASCII($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length) })
            #expect(plain.withUnsafeBufferPointer(ByteWords.isASCII))
            for position in 0...length {
                for (character, folds) in [("\u{212A}", true), ("\u{017F}", true), ("\u{0130}", true), ("\u{0131}", true), ("é", false), ("’", false)] {
                    var text = plain
                    text.insert(contentsOf: Array(character.utf8), at: position)
                    let found = text.withUnsafeBufferPointer { RequiredLiterals.mayFoldToASCII($0.baseAddress!, count: $0.count) }
                    #expect(found == folds, "\(character) at \(position) of \(length)")
                    #expect(!text.withUnsafeBufferPointer(ByteWords.isASCII), "\(character) at \(position) of \(length)")
                }
            }
        }
    }

    /// Whether the prefilter would skip `pattern` on `text`.
    static func rejects(_ pattern: String, _ text: String) -> Bool {
        guard let literals = RequiredLiterals.of(pattern) else { return false }
        let scanner = LiteralScanner(literals)
        let bytes = Array(text.utf8)
        var found = [UInt64](repeating: 0, count: scanner.words)
        // As the evaluator reads it: a character PCRE2 may equate with an ASCII letter as that letter.
        var folded = [UInt8](repeating: 0, count: bytes.count)
        let length = bytes.withUnsafeBufferPointer { buffer in
            folded.withUnsafeMutableBufferPointer { RequiredLiterals.foldToASCII(buffer.baseAddress!, count: buffer.count, into: $0.baseAddress!) }
        }
        // An empty text is scanned too: its edges may hold a literal.
        found.withUnsafeMutableBufferPointer { scanner.scan(folded, count: length, into: $0.baseAddress!) }
        return found.allSatisfy { $0 == 0 }
    }

    @Test("sound: whenever the prefilter skips a pattern, PCRE2 would not have matched (5,000 seeded cases)")
    func soundness() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 41))
        let words = ["card", "Card", "no", "yes", "s", "k", "ok", "it's", "$5", "a.b"]
        let scratch = MatchScratch()
        var skipped = 0
        for _ in 0..<5000 {
            var pattern = ""
            for _ in 0..<Int.random(in: 1...3, using: &cases.rng) {
                switch Int.random(in: 0..<9, using: &cases.rng) {
                case 0: pattern += "(\(cases.pick(words))|\(cases.pick(words)))"
                case 1: pattern += "(?:\(cases.pick(words)))\(cases.pick(["?", "*", "+", "{2}", ""]))"
                case 2: pattern += cases.pick([#"\b"#, #"\s"#, ".", "[a-z]", #"\d"#, "^", "$"])
                case 3: pattern += "|"
                case 4: pattern += NSRegularExpressionEscape.escape(cases.pick(words))
                default: pattern += cases.pick(words) + cases.pick(["", "", "?", "+", "*"])
                }
            }
            guard let compiled = try? Pattern(pattern) else { continue }
            var text = ""
            for _ in 0..<Int.random(in: 0...4, using: &cases.rng) {
                text += cases.pick(words + [" ", "CARD", "K", "\u{212A}", "\u{17F}", "é", "YES", "$", "."])
            }
            if Self.rejects(pattern, text) {
                skipped += 1
                #expect(try !compiled.matches(text, using: scratch), "pattern \(pattern) on \(text)")
            }
        }
        #expect(skipped > 1000)
    }

    /// The constructs that give literals their separators, beside runs, in texts with every
    /// kind of neighbour: ASCII punctuation and whitespace, non-ASCII letters, marks, spaces
    /// and line separators, digits and underscores (word characters that are not letters).
    @Test("sound at word edges: whenever the prefilter skips a pattern, PCRE2 would not have matched (20,000 seeded cases)")
    func soundnessAtWordEdges() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 43))
        let words = ["no", "ok", "a", "k", "s", "in", "it's", "u.s", "4", "a_b", "-x", "€5", "£", "¥"]
        let edges = [#"\b"#, #"\B"#, "(?<!\\w)", "(?!\\w)", #"\s"#, #"\s+"#, #"\s*"#, #"\W"#, #"\W+"#, #"\h"#, #"\v"#, "^", "$", ""]
        let scratch = MatchScratch()
        var skipped = 0, withEdges = 0
        for _ in 0..<20_000 {
            var pattern = cases.pick(edges)
            for _ in 0..<Int.random(in: 1...3, using: &cases.rng) {
                pattern += NSRegularExpressionEscape.escape(cases.pick(words)) + cases.pick(["", "", "", "+", "?"]) + cases.pick(edges)
            }
            guard let compiled = try? Pattern(pattern) else { continue }
            var text = ""
            for _ in 0..<Int.random(in: 0...5, using: &cases.rng) {
                text += cases.pick(words + ["NO", "Ok", " ", "  ", "\t", "\n", ".", "-", "_", "7", "é", "\u{0301}", "\u{00A0}", "\u{2028}", "\u{212A}", "\u{17F}", "\u{130}", "\u{131}", "I"])
            }
            if Self.rejects(pattern, text) {
                skipped += 1
                if RequiredLiterals.of(pattern)?.contains(where: { $0.contains(RequiredLiterals.separator) }) == true { withEdges += 1 }
                #expect(try !compiled.matches(text, using: scratch), "pattern \(pattern) on \(text.debugDescription)")
            }
        }
        #expect(skipped > 4_000 && withEdges > 2_000, "\(skipped) skipped, \(withEdges) of them by literals with separators")
    }
}

/// Escapes regex punctuation the way a rule author would, with backslashes.
enum NSRegularExpressionEscape {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if ".$'+*?()[]{}|^\\".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension LiteralScanner {
    /// The literals and summary each text gets when all are scanned together with `add`,
    /// text k in slot `slots[k]`.
    func add(_ texts: [[UInt8]], slots: [Int]) -> (found: [UInt64], held: [UInt64]) {
        var found = [UInt64](repeating: 0, count: texts.count * words)
        var held = [UInt64](repeating: 0xDEAD, count: texts.count)
        let arena: [UInt8] = texts.joined() + [0]
        arena.withUnsafeBufferPointer { bytes in
            var offset = 0
            let list = texts.indices.map { k in
                defer { offset += texts[k].count }
                return Text(bytes: bytes.baseAddress! + offset, count: texts[k].count, slot: slots[k])
            }
            list.withUnsafeBufferPointer { list in
                found.withUnsafeMutableBufferPointer { f in
                    held.withUnsafeMutableBufferPointer { add(list, found: f.baseAddress!, held: $0.baseAddress!) }
                }
            }
        }
        return (found, held)
    }

    /// Sets bit `id` in `found` (of `words` words) for every literal that occurs in the text,
    /// clearing the others first (the evaluator clears a conversation's words once and calls
    /// `add`).
    func scan(_ text: UnsafePointer<UInt8>, count length: Int, into found: UnsafeMutablePointer<UInt64>) {
        for w in 0..<words { found[w] = 0 }
        _ = add(text, count: length, to: found)
    }

    /// `add` of one text: what it returns in `held`.
    func add(_ text: UnsafePointer<UInt8>, count length: Int, to found: UnsafeMutablePointer<UInt64>) -> UInt64 {
        var held: UInt64 = 0
        var one = Text(bytes: text, count: length, slot: 0)
        withUnsafePointer(to: &one) { add(UnsafeBufferPointer(start: $0, count: 1), found: found, held: &held) }
        return held
    }
}
