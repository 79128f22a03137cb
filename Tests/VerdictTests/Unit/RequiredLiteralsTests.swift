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
        ("", nil),
        ("a{2", nil),
        ("(?<name>x)", nil),
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

    @Test("required literals of known patterns", arguments: known)
    func literals(pattern: String, expected: [String]?) {
        let got = RequiredLiterals.of(pattern)?.map { String(decoding: $0, as: UTF8.self) }
        #expect(got == expected)
    }

    /// Whether the prefilter would skip `pattern` on `text`.
    static func rejects(_ pattern: String, _ text: String) -> Bool {
        guard let literals = RequiredLiterals.of(pattern) else { return false }
        let scanner = LiteralScanner(literals)
        let bytes = Array(text.utf8)
        var found = [UInt64](repeating: 0, count: scanner.words)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return false }
            if RequiredLiterals.mayFoldToASCII(base, count: buffer.count) { return false }
            found.withUnsafeMutableBufferPointer { scanner.scan(base, count: buffer.count, into: $0.baseAddress!) }
            return found.allSatisfy { $0 == 0 }
        }
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
