/// Phrases (SPEC 1.2 §3.1) as PCRE2 patterns. An occurrence of a phrase is its words in order,
/// separated by runs of whitespace, compared caselessly, with no word character right before
/// it where it starts with one, and none right after where it ends with one: exactly the
/// pattern `(?<!\w)` + the words, each character escaped, joined by `\s+` + `(?!\w)`, each
/// lookaround only where the phrase starts or ends with a word character. A list of phrases is
/// the alternation of their patterns (`Pattern(alternatives:)`), so it costs one search per
/// text, not one per phrase, and its literals go through the prefilter like any pattern's.
///
/// What counts as whitespace and as a word character is PCRE2's own `\s` and `\w` with UCP,
/// asked of PCRE2 itself, so a phrase's words split exactly where its pattern would.
public enum PhrasePattern {
    /// The words of `phrase`: the parts between runs of whitespace; none for a blank phrase.
    public static func words(_ phrase: String) -> [String] {
        let classes = CharacterClasses()
        // Most phrases are ASCII: split their bytes, no string built a character at a time.
        if phrase.utf8.allSatisfy({ $0 < 0x80 }) {
            return phrase.utf8.split(whereSeparator: { classes.isWhitespace(Unicode.Scalar($0)) }).map { String(decoding: $0, as: UTF8.self) }
        }
        var words: [String] = [], current = ""
        for scalar in phrase.unicodeScalars {
            if classes.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.unicodeScalars.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `phrase` without the whitespace around it.
    public static func trimmed(_ phrase: String) -> String {
        let classes = CharacterClasses()
        if let first = phrase.unicodeScalars.first, let last = phrase.unicodeScalars.last,
           !classes.isWhitespace(first), !classes.isWhitespace(last) { return phrase }
        let scalars = Array(phrase.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !classes.isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !classes.isWhitespace($0) }) else { return "" }
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars[first...last])
        return out
    }

    /// The pattern that finds exactly the occurrences of the phrase made of `words`.
    public static func source(words: [String]) -> String {
        let edges = Edges(words, CharacterClasses())
        return edges.before + body(words) + edges.after
    }

    /// The phrases made of `phrases` (each a phrase's words) as alternatives of one pattern,
    /// in as few groups as their edges allow: phrases that start and end the same way share
    /// one lookaround around a group, `(?<!\w)(?:a\s+b|c)(?!\w)`, which matches wherever one of
    /// `(?<!\w)a\s+b(?!\w)` and `(?<!\w)c(?!\w)` does (PCRE2 backtracks into the group), and
    /// lets PCRE2 use its start-of-match optimisations, which a lookbehind in every branch
    /// defeats. Groups hold at most `groupSize` phrases, so that a part too large to compile
    /// alone never arises (`Pattern(alternatives:)` splits between groups).
    public static func alternatives(_ phrases: [[String]], groupSize: Int = 256) -> [String] {
        grouped(distinct(phrases), groupSize: groupSize)
    }

    /// Each distinct phrase's own pattern (`source(words:)`), in the order of `phrases`: the
    /// branches that match together exactly where `alternatives(phrases)` does.
    public static func branches(_ phrases: [[String]]) -> [String] {
        distinct(phrases).map(\.source)
    }

    /// The one pattern of a list of phrases: `alternatives(phrases)`, with `branches(phrases)`
    /// as its branches (`Pattern(alternatives:branches:)`). Each branch's literals are worked
    /// out from its words (`RequiredLiterals.analysis(phraseWords:)`), which finds what
    /// analysing the branch's pattern would, without parsing a pattern per phrase.
    public static func pattern(_ phrases: [[String]]) throws(PatternCompileError) -> Pattern {
        let all = distinct(phrases)
        let branches = all.count > 1 ? all.map { phrase in
            Pattern.Branch(source: phrase.source, analysis: RequiredLiterals.analysis(
                phraseWords: phrase.words, wordBefore: !phrase.edges.before.isEmpty, wordAfter: !phrase.edges.after.isEmpty))
        } : []
        return try Pattern(alternatives: grouped(all), analysedBranches: branches)
    }

    /// A phrase as its pattern is made: its words, their pattern (`body`) and its edges.
    private struct Made {
        let words: [String]
        let body: String
        let edges: Edges
        var source: String { edges.before + body + edges.after }
    }

    /// The phrases, each made once, the first of those with the same pattern kept.
    private static func distinct(_ phrases: [[String]]) -> [Made] {
        var seen = Set<String>(), out: [Made] = []
        let classes = CharacterClasses()
        for words in phrases {
            let text = body(words)
            guard seen.insert(text).inserted else { continue }
            out.append(Made(words: words, body: text, edges: Edges(words, classes)))
        }
        return out
    }

    /// `alternatives` of phrases already made.
    private static func grouped(_ phrases: [Made], groupSize: Int = 256) -> [String] {
        var byEdges: [Edges: [String]] = [:], order: [Edges] = []
        for phrase in phrases {
            if byEdges[phrase.edges] == nil { order.append(phrase.edges) }
            byEdges[phrase.edges, default: []].append(phrase.body)
        }
        var out: [String] = []
        for edges in order {
            let bodies = byEdges[edges]!
            for start in stride(from: 0, to: bodies.count, by: groupSize) {
                let group = bodies[start..<min(bodies.count, start + groupSize)]
                out.append(edges.before + "(?:" + group.joined(separator: "|") + ")" + edges.after)
            }
        }
        return out
    }

    /// The words escaped, joined by runs of whitespace.
    static func body(_ words: [String]) -> String { words.map(escaped).joined(separator: #"\s+"#) }

    /// Whether a phrase starts and ends with a word character, as the lookarounds it needs.
    private struct Edges: Hashable {
        var before = "", after = ""

        init(_ words: [String], _ classes: CharacterClasses) {
            if let first = words.first?.unicodeScalars.first, classes.isWord(first) { before = #"(?<!\w)"# }
            if let last = words.last?.unicodeScalars.last, classes.isWord(last) { after = #"(?!\w)"# }
        }
    }

    /// Every character stands for itself: ASCII other than letters and digits is escaped with
    /// a backslash (which PCRE2 reads as the character itself); the rest is literal in UTF mode.
    static func escaped(_ word: String) -> String {
        if word.utf8.allSatisfy({ $0 >= 0x80 || isASCIIAlphanumeric(UInt32($0)) }) { return word }
        var out = ""
        for scalar in word.unicodeScalars {
            if scalar.value < 0x80, !isASCIIAlphanumeric(scalar.value) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// Whether an ASCII code point is a letter or a digit.
    @inline(__always) private static func isASCIIAlphanumeric(_ v: UInt32) -> Bool { (v | 0x20) &- 0x61 < 26 || v &- 0x30 < 10 }

    /// PCRE2's `\s` and `\w` with UCP, one character at a time: ASCII from tables PCRE2 filled
    /// once, the rest asked of PCRE2 as it comes (with one scratch, made when first needed:
    /// a scratch holds a JIT stack, a mapping of megabytes).
    private final class CharacterClasses {
        // Both compile: they are fixed.
        static let space = try! Pattern(#"\A\s\z"#, caseless: false)
        static let word = try! Pattern(#"\A\w\z"#, caseless: false)
        /// Bit 0: whitespace; bit 1: word character; for each ASCII scalar.
        static let ascii: [UInt8] = {
            let scratch = MatchScratch()
            return (0..<128).map { v in
                let scalar = Unicode.Scalar(UInt8(v))
                return (test(space, scalar, scratch) ? 1 : 0) | (test(word, scalar, scratch) ? 2 : 0)
            }
        }()
        private lazy var scratch = MatchScratch()

        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? Self.ascii[Int(scalar.value)] & 1 != 0 : Self.test(Self.space, scalar, scratch)
        }

        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? Self.ascii[Int(scalar.value)] & 2 != 0 : Self.test(Self.word, scalar, scratch)
        }

        private static func test(_ pattern: Pattern, _ scalar: Unicode.Scalar, _ scratch: MatchScratch) -> Bool {
            (try? pattern.matches(String(Character(scalar)), using: scratch)) ?? false
        }
    }
}
