/// Literals a pattern cannot match without: when none of them occurs in a text, the pattern
/// does not match it, and PCRE2 need not run. Used as a prefilter on the evaluator's hot path.
///
/// The analysis is deliberately conservative. It understands literal characters, escaped
/// punctuation, `.`, classes, groups (`(...)`, `(?:...)`), alternation, lookarounds and
/// quantifiers; anything else (inline options, back-references, `\Q`, `\x`, named groups, ...)
/// gives no literals, so the pattern always runs. Literals are ASCII and lower-cased; they are
/// looked for with ASCII letters folded (`LiteralScanner`), which is exact for caseless
/// matching as long as the text holds none of the few non-ASCII characters that fold to ASCII
/// letters (`mayFoldToASCII`).
enum RequiredLiterals {
    /// A set of literals, one of which every match contains; nil when nothing is known.
    static func of(_ pattern: String) -> [[UInt8]]? {
        var parser = Parser(bytes: Array(pattern.utf8))
        guard let alternatives = parser.alternation(), parser.atEnd else { return nil }
        guard let found = alternatives, !found.isEmpty, found.allSatisfy({ !$0.isEmpty }) else { return nil }
        return Array(Set(found)).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Whether the text holds a character that PCRE2's caseless matching may equate with an
    /// ASCII letter: KELVIN SIGN (k), LATIN SMALL LETTER LONG S (s), and the Turkish dotted and
    /// dotless I. Texts with one of them skip the prefilter.
    static func mayFoldToASCII(_ bytes: UnsafePointer<UInt8>, count: Int) -> Bool {
        var i = 0
        while i + 1 < count {
            let b = bytes[i]
            if b == 0xC4, bytes[i + 1] == 0xB0 || bytes[i + 1] == 0xB1 { return true }
            if b == 0xC5, bytes[i + 1] == 0xBF { return true }
            if b == 0xE2, i + 2 < count, bytes[i + 1] == 0x84, bytes[i + 2] == 0xAA { return true }
            i += 1
        }
        return false
    }

    /// What a piece of pattern tells: `required`, one of which any match of the piece contains
    /// (nil when unknown), and, when the piece is a plain run of literal characters, that run.
    private struct Facts {
        var required: [[UInt8]]?
        var run: [UInt8]?
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        var atEnd: Bool { i == bytes.count }

        /// Parses alternatives up to `)` or the end. Returns nil (outer) when the pattern uses
        /// something the analysis does not understand; the inner optional is the literal set.
        mutating func alternation() -> [[UInt8]]?? {
            var branches: [[[UInt8]]?] = []
            while true {
                guard let branch = sequence() else { return nil }
                branches.append(branch)
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
            func consider(_ set: [[UInt8]]?) {
                guard let set, !set.isEmpty, set.allSatisfy({ !$0.isEmpty }) else { return }
                if let current = best, Parser.quality(current) >= Parser.quality(set) { return }
                best = set
            }
            func endRun() {
                if !run.isEmpty { consider([run]) }
                run = []
            }
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "|") || b == UInt8(ascii: ")") { break }
                guard let atom = self.atom() else { return nil }
                let (minimum, ok) = quantifier()
                guard ok else { return nil }
                if minimum == 0 {
                    // Optional: contributes nothing and breaks the run.
                    endRun()
                    continue
                }
                if let chars = atom.run, minimum == 1, !quantified {
                    run += chars
                    continue
                }
                if let chars = atom.run {
                    // Repeated: the characters occur at least once, but what follows need not
                    // be adjacent to a single copy.
                    run += chars
                    endRun()
                    continue
                }
                endRun()
                consider(atom.required)
            }
            endRun()
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
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                i += 1
                return Facts(required: nil, run: nil)
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { return nil }
                let e = bytes[i + 1]
                i += 2
                if Parser.escapedPunctuation.contains(e) { return Facts(required: nil, run: [e]) }
                if Parser.classEscapes.contains(e) { return Facts(required: nil, run: nil) }
                return nil
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "]"):
                return nil
            default:
                i += 1
                // Non-ASCII characters are not folded here: they end a run.
                if b >= 0x80 {
                    while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
                    return Facts(required: nil, run: nil)
                }
                let lower = b &- 0x41 < 26 ? b | 0x20 : b
                return Facts(required: nil, run: [lower])
            }
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

        /// A literal set is as selective as its shortest member.
        static func quality(_ set: [[UInt8]]) -> Int { set.map(\.count).min() ?? 0 }

        static let escapedPunctuation = Set(Array(".-\\/'\"$+*?()[]{}|^ #&~,:;=!<>@%`_".utf8))
        static let classEscapes = Set(Array("dDwWsShHvVbB".utf8))
    }
}
