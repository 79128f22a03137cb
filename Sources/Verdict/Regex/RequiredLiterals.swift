/// Literals a pattern cannot match without: when none of them occurs in a text, the pattern
/// does not match it, and PCRE2 need not run. Used as a prefilter on the evaluator's hot path.
///
/// The analysis is deliberately conservative. It understands literal characters, escaped
/// punctuation, `.`, classes, groups (`(...)`, `(?:...)`), alternation, lookarounds and
/// quantifiers; anything else (inline options, back-references, `\Q`, `\x`, named groups, ...)
/// gives no literals, so the pattern always runs. Literals are ASCII, lower-cased, but for the
/// UTF-8 of currency symbols (`€`, `£`: no case, so PCRE2 matches them only as written); they are
/// looked for with ASCII letters folded (`LiteralScanner`), which is exact for caseless
/// matching once the few non-ASCII characters that PCRE2 may equate with ASCII letters are
/// read as those letters (`foldToASCII`).
///
/// A literal may begin or end with `separator`, which stands for one byte that is not an ASCII
/// word character (`[A-Za-z0-9_]`) or for the edge of the text. It is added where the pattern
/// says what lies beside a run of literal characters: `\b` next to a word character,
/// `(?<!\w)`, `(?!\w)`, `^`, `$`, and `\s`, `\W`, `\h`, `\v` repeated at least once. So
/// `\bno\b` requires "no" with no letter on either side, not every "no" in "know" and
/// "nothing": far fewer texts are handed to PCRE2. Sound with UCP as without: a character
/// that is not a word character, or is whitespace, is either ASCII other than `[A-Za-z0-9_]`
/// or made of bytes from 0x80 up, all of which the separator stands for.
enum RequiredLiterals {
    /// The byte that stands for "not an ASCII word character, or the text's edge" at the
    /// start or end of a literal; never a byte of a literal itself (literals are ASCII).
    static let separator: UInt8 = 0xFF

    /// Whether `b` is an ASCII word character, `[A-Za-z0-9_]`.
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 || b == UInt8(ascii: "_")
    }

    /// A set of literals, one of which every match contains; nil when nothing is known.
    static func of(_ pattern: String) -> [[UInt8]]? {
        analysis(pattern)?.literals
    }

    /// The literals of `pattern` (`of`), and, when the pattern is one sequence (no `|` outside
    /// a group) and those literals are short, the next best set of its other parts: a match
    /// holds one of each. "·on·" alone lets through every text with the word "on"; with
    /// "·my·" beside it, only those that also hold "my".
    static func analysis(_ pattern: String) -> (literals: [[UInt8]], alsoRequired: [[[UInt8]]])? {
        var parser = Parser(bytes: Array(pattern.utf8))
        guard let alternatives = parser.alternation(), parser.atEnd else { return nil }
        guard let found = alternatives, Parser.isUsable(found) else { return nil }
        let literals = normalized(found)
        var also: [[[UInt8]]] = []
        if parser.topLevelSequences == 1, Parser.quality(literals) < shortLiteral {
            let others = parser.lastClauses.map(normalized).filter { $0 != literals }
            if let next = others.max(by: { Parser.quality($0) < Parser.quality($1) }) { also = [next] }
        }
        return (literals, also)
    }

    /// What `analysis` finds in the pattern of the phrase made of `words`
    /// (`PhrasePattern.source(words:)`), worked out from the words: `wordBefore` and `wordAfter`
    /// tell whether the pattern has its `(?<!\w)` and `(?!\w)`. The pattern is one sequence:
    /// each word's characters, a run of whitespace between words. So each literal is a run of
    /// ASCII characters and currency symbols within a word, with a separator where whitespace
    /// or an edge lookaround stands beside it; any other character ends a run. A control
    /// character, which the pattern escapes and the analysis does not understand, gives nil,
    /// as it does there. A test compares the two on random phrases.
    static func analysis(phraseWords words: [String], wordBefore: Bool, wordAfter: Bool) -> (literals: [[UInt8]], alsoRequired: [[[UInt8]]])? {
        var clauses: [[UInt8]] = [], run: [UInt8] = []
        var runAfterSeparator = false, afterSeparator = wordBefore
        func endRun(separatorAfter: Bool) {
            if !run.isEmpty {
                let literal = (runAfterSeparator ? [separator] : []) + run + (separatorAfter ? [separator] : [])
                if !Parser.isBlank(literal) { clauses.append(literal) }
            }
            run = []
            runAfterSeparator = false
        }
        func extend(_ bytes: some Collection<UInt8>) {
            if run.isEmpty { runAfterSeparator = afterSeparator }
            afterSeparator = false
            run += bytes
        }
        for (k, word) in words.enumerated() {
            if k > 0 {
                endRun(separatorAfter: true)
                afterSeparator = true
            }
            for scalar in word.unicodeScalars {
                let v = scalar.value
                if v >= 0x80 {
                    if scalar.properties.generalCategory == .currencySymbol, !scalar.properties.changesWhenCaseMapped {
                        extend(String(scalar).utf8)
                    } else {
                        endRun(separatorAfter: false)
                        afterSeparator = false
                    }
                    continue
                }
                // A word character stands for itself, folded; so does escaped punctuation, which
                // has no case (`_` is both).
                let b = UInt8(v)
                guard isWordByte(b) || Parser.escapedPunctuation.contains(b) else { return nil }
                extend(CollectionOfOne(LiteralScanner.fold(b)))
            }
        }
        endRun(separatorAfter: wordAfter)
        // The first of the longest, as a sequence picks; and when it is short, the first of
        // the longest of the others.
        guard let best = clauses.max(by: { $0.count < $1.count }) else { return nil }
        var also: [[[UInt8]]] = []
        if best.count < shortLiteral, let next = clauses.filter({ $0 != best }).max(by: { $0.count < $1.count }) {
            also = [[next]]
        }
        return ([best], also)
    }

    /// Literals shorter than this (separators counted) let through many texts.
    static let shortLiteral = 6

    /// A literal set without repeats, in byte order.
    static func normalized(_ set: [[UInt8]]) -> [[UInt8]] {
        // Most sets are one literal (a run of a sequence): nothing to sort, nothing to hash.
        if set.count < 2 { return set }
        return Array(Set(set)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Whether the text holds a character that PCRE2's caseless matching may equate with an
    /// ASCII letter: KELVIN SIGN (k), LATIN SMALL LETTER LONG S (s), and the Turkish dotted and
    /// dotless I. Texts with one of them are scanned as `foldToASCII` writes them.
    static func mayFoldToASCII(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        // Each of them starts with a byte above 0x7F: eight ASCII bytes are passed at once, and
        // a word that holds another byte is read byte by byte.
        var i = 0, bytewiseUntil = 0
        while i < count {
            if i >= bytewiseUntil, i + 8 <= count {
                if !ByteWords.hasNonASCII(ByteWords.load(bytes + i)) {
                    i += 8
                    continue
                }
                bytewiseUntil = i + 8
            }
            if foldedLetter(bytes, at: i, count: count) != nil { return true }
            i += 1
        }
        return false
    }

    /// Writes the text to `out` (room for `count` bytes) with each character `mayFoldToASCII`
    /// looks for replaced by the ASCII letter it may match; returns the length written. A
    /// literal PCRE2 could match in the text occurs in what this writes: the letters stay
    /// letters (word characters), and every other byte is kept.
    static func foldToASCII(_ bytes: UnsafePointer<UInt8>, count: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0, n = 0
        while i < count {
            let folded = foldedLetter(bytes, at: i, count: count)
            out[n] = folded?.letter ?? bytes[i]
            n += 1
            i += folded?.width ?? 1
        }
        return n
    }

    /// The ASCII letter PCRE2's caseless matching may equate with the character starting at
    /// byte `i`, and that character's width in bytes; nil for every other character.
    @inline(__always)
    private static func foldedLetter(_ bytes: UnsafePointer<UInt8>, at i: Int, count: Int) -> (letter: UInt8, width: Int)? {
        guard i + 1 < count else { return nil }
        let b = bytes[i]
        if b == 0xC4, bytes[i + 1] == 0xB0 || bytes[i + 1] == 0xB1 { return (UInt8(ascii: "i"), 2) }
        if b == 0xC5, bytes[i + 1] == 0xBF { return (UInt8(ascii: "s"), 2) }
        if b == 0xE2, i + 2 < count, bytes[i + 1] == 0x84, bytes[i + 2] == 0xAA { return (UInt8(ascii: "k"), 3) }
        return nil
    }

    /// What a piece of pattern tells: `required`, one of which any match of the piece contains
    /// (nil when unknown), when the piece is a plain run of literal characters, that run, and
    /// what it says about the characters beside it.
    private struct Facts {
        var required: [[UInt8]]?
        var run: [UInt8]?
        var edge: Edge = .none
    }

    /// What a piece says about its neighbours, for the runs of literal characters beside it.
    private enum Edge {
        case none
        /// `\b`: a word character on one side only.
        case wordBoundary
        /// `(?<!\w)`, `^`: the character before (if any) is not a word character.
        case notWordBefore
        /// `(?!\w)`, `$`: the character after (if any) is not a word character.
        case notWordAfter
        /// `\s`, `\W`, `\h`, `\v`: one character that is not a word character.
        case separator
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0
        /// The literal sets of the sequence parsed last, one for each of its parts that gave
        /// some: a match of the sequence holds one of each set.
        var lastClauses: [[[UInt8]]] = []
        /// How many sequences the outermost alternation had.
        var topLevelSequences = 0
        var depth = 0

        var atEnd: Bool { i == bytes.count }

        /// Parses alternatives up to `)` or the end. Returns nil (outer) when the pattern uses
        /// something the analysis does not understand; the inner optional is the literal set.
        mutating func alternation() -> [[UInt8]]?? {
            var branches: [[[UInt8]]?] = []
            depth += 1
            defer { depth -= 1 }
            while true {
                guard let branch = sequence() else { return nil }
                branches.append(branch)
                if depth == 1 { topLevelSequences += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "|") {
                    i += 1
                    continue
                }
                break
            }
            // Every branch must contribute, or nothing is known.
            var union: [[UInt8]] = []
            for branch in branches {
                guard let branch else { return .some(nil) }
                union += branch
            }
            return .some(union)
        }

        /// Parses one branch; returns the best literal set found in it (inner nil: none).
        mutating func sequence() -> [[UInt8]]?? {
            var best: [[UInt8]]?
            var run: [UInt8] = []
            // Whether the run began right after a character that is not a word character (or
            // at the text's start); and the same of the position reached, and whether a `\b`
            // stands there.
            var runAfterSeparator = false
            var afterSeparator = false, boundary = false
            var clauses: [[[UInt8]]] = []
            func consider(_ set: [[UInt8]]?) {
                guard let set, Parser.isUsable(set) else { return }
                clauses.append(set)
                if let current = best, Parser.quality(current) >= Parser.quality(set) { return }
                best = set
            }
            func endRun(separatorAfter: Bool = false) {
                if !run.isEmpty {
                    consider([(runAfterSeparator ? [separator] : []) + run + (separatorAfter ? [separator] : [])])
                }
                run = []
                runAfterSeparator = false
            }
            func forget() {
                endRun()
                afterSeparator = false
                boundary = false
            }
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "|") || b == UInt8(ascii: ")") { break }
                guard let atom = self.atom() else { return nil }
                let (minimum, ok) = quantifier()
                guard ok else { return nil }
                if minimum == 0 {
                    // Optional: contributes nothing and breaks the run.
                    forget()
                    continue
                }
                switch atom.edge {
                case .none:
                    break
                case _ where quantified && atom.edge != .separator:
                    forget()
                    continue
                case .wordBoundary:
                    endRun(separatorAfter: run.last.map(isWordByte) ?? false)
                    boundary = true
                    continue
                case .notWordBefore:
                    endRun()
                    afterSeparator = true
                    continue
                case .notWordAfter:
                    endRun(separatorAfter: true)
                    continue
                case .separator:
                    // At least one such character: the last of them precedes what follows.
                    endRun(separatorAfter: true)
                    afterSeparator = true
                    boundary = false
                    continue
                }
                if let chars = atom.run {
                    if run.isEmpty, let first = chars.first {
                        runAfterSeparator = afterSeparator || (boundary && isWordByte(first))
                    }
                    afterSeparator = false
                    boundary = false
                    run += chars
                    // Repeated: the characters occur at least once, but what follows need not
                    // be adjacent to a single copy.
                    if minimum != 1 || quantified { endRun() }
                    continue
                }
                forget()
                consider(atom.required)
            }
            endRun()
            lastClauses = clauses
            return .some(best)
        }

        /// Whether the last quantifier parsed repeated its atom (so runs must end there).
        var quantified = false

        /// Parses a quantifier if there is one; returns the minimum count (1 without one) and
        /// false when the text is not something the analysis understands.
        mutating func quantifier() -> (Int, Bool) {
            quantified = false
            guard i < bytes.count else { return (1, true) }
            var minimum = 1
            switch bytes[i] {
            case UInt8(ascii: "?"), UInt8(ascii: "*"):
                minimum = 0
                i += 1
            case UInt8(ascii: "+"):
                i += 1
            case UInt8(ascii: "{"):
                // {n}, {n,}, {n,m}; anything else is not understood.
                var j = i + 1
                var n = 0, digits = 0
                while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 {
                    n = min(1_000_000, n * 10 + Int(bytes[j] - 0x30))
                    j += 1
                    digits += 1
                }
                guard digits > 0 else { return (1, false) }
                if j < bytes.count, bytes[j] == UInt8(ascii: ",") {
                    j += 1
                    while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 { j += 1 }
                }
                guard j < bytes.count, bytes[j] == UInt8(ascii: "}") else { return (1, false) }
                i = j + 1
                minimum = n
            default:
                return (1, true)
            }
            quantified = true
            // Lazy or possessive forms.
            if i < bytes.count, bytes[i] == UInt8(ascii: "?") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            return (minimum, true)
        }

        /// Parses one atom; nil when it is not understood.
        mutating func atom() -> Facts? {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "("):
                if follows(#"(?<!\w)"#) { return Facts(edge: .notWordBefore) }
                if follows(#"(?!\w)"#) { return Facts(edge: .notWordAfter) }
                i += 1
                var lookaround = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "?") {
                    guard i + 1 < bytes.count else { return nil }
                    let c = bytes[i + 1]
                    if c == UInt8(ascii: ":") {
                        i += 2
                    } else if c == UInt8(ascii: "=") || c == UInt8(ascii: "!") {
                        i += 2
                        lookaround = true
                    } else if c == UInt8(ascii: "<"), i + 2 < bytes.count,
                              bytes[i + 2] == UInt8(ascii: "=") || bytes[i + 2] == UInt8(ascii: "!") {
                        i += 3
                        lookaround = true
                    } else {
                        return nil  // inline options, named groups, comments, ...
                    }
                }
                guard let inner = alternation(), i < bytes.count, bytes[i] == UInt8(ascii: ")") else { return nil }
                i += 1
                return Facts(required: lookaround ? nil : inner, run: nil)
            case UInt8(ascii: "["):
                guard skipClass() else { return nil }
                return Facts(required: nil, run: nil)
            case UInt8(ascii: "."):
                i += 1
                return Facts(required: nil, run: nil)
            case UInt8(ascii: "^"):
                i += 1
                return Facts(edge: .notWordBefore)
            case UInt8(ascii: "$"):
                // The end, or before a final newline.
                i += 1
                return Facts(edge: .notWordAfter)
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { return nil }
                let e = bytes[i + 1]
                i += 2
                if Parser.escapedPunctuation.contains(e) { return Facts(required: nil, run: [e]) }
                if e == UInt8(ascii: "b") { return Facts(edge: .wordBoundary) }
                if Parser.separatorEscapes.contains(e) { return Facts(edge: .separator) }
                if Parser.classEscapes.contains(e) { return Facts(required: nil, run: nil) }
                return nil
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "]"):
                return nil
            default:
                i += 1
                // Non-ASCII characters are not folded here: they end a run, but for currency
                // symbols, which have no other case: their bytes are literal as they stand.
                if b >= 0x80 {
                    let start = i - 1
                    while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
                    let character = bytes[start..<i]
                    if let scalar = String(decoding: character, as: UTF8.self).unicodeScalars.first,
                       scalar.value >= 0x80, scalar.properties.generalCategory == .currencySymbol,
                       !scalar.properties.changesWhenCaseMapped {
                        return Facts(required: nil, run: Array(character))
                    }
                    return Facts(required: nil, run: nil)
                }
                return Facts(required: nil, run: [LiteralScanner.fold(b)])
            }
        }

        /// Whether `text` comes next; if so, steps over it.
        mutating func follows(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            for k in 0..<n where bytes[i + k] != text.utf8Start[k] { return false }
            i += n
            return true
        }

        /// Skips a character class, `[` to its closing `]`.
        mutating func skipClass() -> Bool {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "^") { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1 }
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\\"): i += 2
                case UInt8(ascii: "["):
                    // POSIX classes such as [:alpha:] are not understood.
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ":") { return false }
                    i += 1
                case UInt8(ascii: "]"):
                    i += 1
                    return true
                default: i += 1
                }
            }
            return false
        }

        /// Whether a literal is whitespace alone: nearly every text of two words holds it, so it
        /// would rule out almost nothing, while the scan stopped at every space to note it.
        static func isBlank(_ literal: [UInt8]) -> Bool {
            literal.allSatisfy { $0 == 0x20 || $0 &- 0x09 < 5 }
        }

        /// Whether a literal set can serve: some literals, none empty or blank.
        static func isUsable(_ set: [[UInt8]]) -> Bool {
            !set.isEmpty && set.allSatisfy { !$0.isEmpty && !isBlank($0) }
        }

        /// A literal set is as selective as its shortest member.
        static func quality(_ set: [[UInt8]]) -> Int { set.map(\.count).min() ?? 0 }

        static let escapedPunctuation = Set(Array(".-\\/'\"$+*?()[]{}|^ #&~,:;=!<>@%`_".utf8))
        static let classEscapes = Set(Array("dDwSHVB".utf8))
        /// Escapes for one character that is not a word character.
        static let separatorEscapes = Set(Array("sWhv".utf8))
    }
}
