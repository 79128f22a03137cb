import Testing
@testable import Verdict

@Suite("JSON")
struct JSONTests {
    @Test("numbers keep their literal and compare by value")
    func numbers() throws {
        let v = try JSONParser.parse(#"[1, 1.0, -2.5e3, 9007199254740993]"#)
        guard case let .array(items) = v else { Issue.record("not an array"); return }
        var w = JSONWriter()
        w.value(v)
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[1,1.0,-2.5e3,9007199254740993]")
        #expect(items[0] == items[1])
        #expect(items[2].numberValue == -2500)
    }

    @Test("a repeated key keeps the last value")
    func duplicateKeys() throws {
        let v = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(v.objectValue?["a"] == .number(3))
        #expect(v.objectValue?.pairs.map(\.key) == ["a", "b"])
    }

    @Test("escapes, surrogate pairs and lone surrogates")
    func strings() throws {
        #expect(try JSONParser.parse(#""caf\u00e9 \ud83d\ude00 \n\t\"\\\/""#) == .string("café 😀 \n\t\"\\/"))
        #expect(try JSONParser.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test(arguments: [
        (#"{"a": }"#, "expected a value but found character '}' at column 7"),
        (#"{"a": 1"#, "expected ',' or '}' but found end of input at column 8"),
        ("[NaN]", "expected a value but found character 'N' at column 2"),
        ("[Infinity]", "expected a value but found character 'I' at column 2"),
        ("[01]", "a number must not start with 0 at column 3"),
        ("{\"a\": \"x\ny\"}", "control character in a string at line 1 column 9"),
        (#"{"a": 1} x"#, "unexpected character 'x' after the end of the value at column 10"),
        ("[1,]", "expected a value but found character ']' at column 4"),
    ])
    func syntaxErrors(text: String, message: String) {
        var bytes = Array(text.utf8)
        do {
            _ = try bytes.withUnsafeMutableBufferPointer { p in try JSONParser.parse(UnsafeBufferPointer(p)) }
            Issue.record("parsed invalid JSON")
        } catch {
            let described = bytes.withUnsafeBufferPointer { (error as! JSONSyntaxError).describe(in: $0) }
            #expect(described == message)
        }
    }

    @Test("invalid UTF-8 and deep nesting are errors, not crashes")
    func hostile() {
        let bad: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONSyntaxError.self) { try bad.withUnsafeBufferPointer { try JSONParser.parse($0) } }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test("the writer escapes what JSON requires and nothing else")
    func writer() {
        var w = JSONWriter()
        w.string("a\"b\\c\nd\u{01}é")
        #expect(String(decoding: w.bytes, as: UTF8.self) == #""a\"b\\c\nd\u0001é""#)
    }

    @Test("the writer keeps every byte as it grows past its room; take() hands them over and leaves it empty")
    func writerGrows() {
        var rng = SeededGenerator(state: 25)
        for capacity in [0, 1, 16, 100] {
            var w = JSONWriter(capacity: capacity)
            var expected = ""
            for _ in 0..<2_000 {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    let n = Int.random(in: -1_000_000...1_000_000_000, using: &rng)
                    w.int(n)
                    expected += String(n)
                case 1:
                    let text = String(repeating: "é\"x", count: Int.random(in: 0...40, using: &rng))
                    w.string(text)
                    expected += "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
                case 2:
                    w.raw(",")
                    expected += ","
                default:
                    let piece = [UInt8](repeating: UInt8(ascii: "z"), count: Int.random(in: 0...300, using: &rng))
                    w.raw(piece)
                    expected += String(decoding: piece, as: UTF8.self)
                }
            }
            #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
            let copy = w
            let taken = w.take()
            #expect(String(decoding: taken, as: UTF8.self) == expected && taken.count == expected.utf8.count)
            #expect(w.bytes.isEmpty && String(decoding: copy.bytes, as: UTF8.self) == expected)
            w.raw("1")
            #expect(w.bytes == [UInt8(ascii: "1")] && String(decoding: taken, as: UTF8.self) == expected)
        }
    }

    @Test("numbers read by the short-number path equal the text parsed in full, bit for bit")
    func shortNumbers() throws {
        var rng = SeededGenerator(state: 15)
        for _ in 0..<100_000 {
            let integerDigits = Int.random(in: 1...15, using: &rng)
            let fractionDigits = Int.random(in: 0...(15 - integerDigits), using: &rng)
            var text = Bool.random(using: &rng) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &rng))
            for _ in 1..<integerDigits { text += String(Int.random(in: 0...9, using: &rng)) }
            if Bool.random(using: &rng) { text = text.hasPrefix("-") ? "-0" : "0" }
            if fractionDigits > 0 {
                text += "."
                for _ in 0..<fractionDigits { text += String(Int.random(in: 0...9, using: &rng)) }
            }
            guard case let .number(value, literal) = try JSONParser.parse(text) else {
                Issue.record("\(text) is not a number")
                continue
            }
            #expect(literal == text)
            #expect(value.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }

    @Test("UTF-8 validation agrees with the standard library on 200,000 seeded byte strings")
    func utf8Validation() {
        var rng = SeededGenerator(state: 8)
        // Bytes around every boundary of table 3-7, so that edge cases come up often.
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                    0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        var valid = 0
        for _ in 0..<200_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Bool.random(using: &rng) ? interesting[Int.random(in: 0..<interesting.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
            }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            let got = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            #expect(got == expected, "\(bytes)")
            if expected { valid += 1 }
        }
        #expect(valid > 20_000)
    }

    /// A byte a string's fast loop must stop at: where the string may end or need the full parser.
    private static func stopsString(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20
    }

    @Test("the eight-byte string test flags exactly the words holding a quote, a backslash or a control byte")
    func eightByteStringTest() {
        var rng = SeededGenerator(state: 21)
        let clean = (UInt8(0x20)...0xFF).filter { !Self.stopsString($0) }
        func word(_ bytes: [UInt8]) -> UInt64 {
            bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        // Every byte value at every position among neighbours that are not such bytes, at their extremes.
        var flagged = 0
        for position in 0..<8 {
            for value in UInt8.min...UInt8.max {
                for fill in [0x20, 0x7E, 0x80, 0xFF, clean[Int.random(in: 0..<clean.count, using: &rng)]] {
                    var bytes = [UInt8](repeating: fill, count: 8)
                    bytes[position] = value
                    let expected = Self.stopsString(value)
                    #expect(JSONParser.holdsStringStop(word(bytes)) == expected, "\(bytes)")
                    if expected { flagged += 1 }
                }
            }
        }
        #expect(flagged == 8 * 5 * (32 + 2))
        // Random words, mostly clean, some with several such bytes or non-ASCII ones.
        for _ in 0..<200_000 {
            let bytes = (0..<8).map { _ in
                Int.random(in: 0..<6, using: &rng) == 0 ? UInt8.random(in: 0...255, using: &rng) : clean[Int.random(in: 0..<clean.count, using: &rng)]
            }
            #expect(JSONParser.holdsStringStop(word(bytes)) == bytes.contains(where: Self.stopsString), "\(bytes)")
        }
    }

    @Test("a string skipped eight bytes at a time ends where, and as, the full parser says")
    func skippedStrings() {
        var rng = SeededGenerator(state: 22)
        let pieces: [[UInt8]] = [Array("a".utf8), Array("Z9 .".utf8), Array("é".utf8), Array("\\\"".utf8), Array("\\n".utf8),
                                 Array("\\u00e9".utf8), [0x0A], [0x1F], [0xFF], [0xC3], Array("\\".utf8)]
        var kinds: [String: Int] = [:]
        for _ in 0..<50_000 {
            var text: [UInt8] = [UInt8(ascii: "\"")]
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                // Mostly plain text, so that whole words of it come before what stops a word;
                // now and then an escape or non-ASCII letter, rarely a byte that is an error.
                let r = Int.random(in: 0..<100, using: &rng)
                let piece = r < 70 ? 0 : r < 80 ? 1 : r < 88 ? 2 : r < 92 ? 3 : r < 95 ? 4 : r < 97 ? 5 : Int.random(in: 6..<pieces.count, using: &rng)
                text += pieces[piece]
            }
            if Int.random(in: 0..<10, using: &rng) > 0 { text.append(UInt8(ascii: "\"")) }
            text += Array(",\"next\": 1}".utf8)
            text.withUnsafeBufferPointer { buffer in
                var skipping = JSONParser(buffer), parsing = JSONParser(buffer)
                let skipped: Result<JSONParser.SkippedString, JSONSyntaxError>
                do throws(JSONSyntaxError) { skipped = .success(try skipping.skipStringReadingKind()) } catch { skipped = .failure(error) }
                let parsed: Result<String, JSONSyntaxError>
                do throws(JSONSyntaxError) { parsed = .success(try parsing.parseString()) } catch { parsed = .failure(error) }
                switch (skipped, parsed) {
                case let (.success(kind), .success(value)):
                    #expect(skipping.position == parsing.position, "\(text)")
                    let raw = Array(buffer[1..<(skipping.position - 1)])
                    switch kind {
                    case .ascii: #expect(raw.allSatisfy { $0 < 0x80 } && Array(value.utf8) == raw, "\(text)")
                    case .utf8: #expect(Array(value.utf8) == raw, "\(text)")
                    case .other: #expect(raw.contains(UInt8(ascii: "\\")), "\(text)")
                    }
                    kinds["\(kind)", default: 0] += 1
                case let (.failure(a), .failure(b)):
                    #expect(a == b, "\(text)")
                    kinds["error", default: 0] += 1
                default:
                    Issue.record("skipping and parsing disagree on \(text): \(skipped) against \(parsed)")
                }
            }
        }
        // Every outcome comes up often.
        for kind in ["ascii", "utf8", "other", "error"] { #expect(kinds[kind, default: 0] > 1_000, "\(kind): \(kinds)") }
    }

    @Test("the lowest byte a word's stop mask flags is the first quote, backslash, control or non-ASCII byte")
    func firstStringStop() {
        var rng = SeededGenerator(state: 23)
        let specials: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<200_000 {
            let bytes = (0..<8).map { _ in
                Int.random(in: 0..<4, using: &rng) == 0 ? specials[Int.random(in: 0..<specials.count, using: &rng)] : UInt8.random(in: 0x20...0x7E, using: &rng)
            }
            let w = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            let first = bytes.firstIndex { Self.stopsString($0) || $0 >= 0x80 }
            let stops = JSONParser.stringStops(w)
            #expect((stops == 0 ? nil : stops.trailingZeroBitCount >> 3) == first, "\(bytes)")
        }
    }

    @Test("a key looked up in a key table reads as it does among the names: same index, end or error")
    func keyTable() {
        var rng = SeededGenerator(state: 24)
        let names = ["type", "at", "text", "", "a", "events", "started_at", "equivalent_mutants", "abcdefg", "abcdefgh", "tex", "texts"].map { Array($0.utf8) }
        let table = JSONKeyTable(names)
        let spellings: [[UInt8]] = names + ["Type", "typ", "typez", "t\\u0079pe", "\\u0061t", "ty\\\"pe", "café", "x\u{01}y", "abcdefgh", "abcdefghi"].map { Array($0.utf8) }
        var found = 0, errors = 0
        for _ in 0..<20_000 {
            var text = [UInt8(ascii: "\"")] + spellings[Int.random(in: 0..<spellings.count, using: &rng)]
            // Closed in most cases; sometimes the text ends early, so that the eight bytes past
            // the quote are not all there.
            if Int.random(in: 0..<8, using: &rng) > 0 { text.append(UInt8(ascii: "\"")) }
            text += Array(":1}".utf8).prefix(Int.random(in: 0...3, using: &rng))
            text.withUnsafeBufferPointer { buffer in
                var fast = JSONParser(buffer), general = JSONParser(buffer)
                let a: Result<Int?, JSONSyntaxError>, b: Result<Int?, JSONSyntaxError>
                do throws(JSONSyntaxError) { a = .success(try fast.readKey(among: table)) } catch { a = .failure(error) }
                do throws(JSONSyntaxError) { b = .success(try general.readKey(among: names)) } catch { b = .failure(error) }
                switch (a, b) {
                case let (.success(x), .success(y)):
                    #expect(x == y && fast.position == general.position, "\(text)")
                    if x != nil { found += 1 }
                case let (.failure(x), .failure(y)):
                    #expect(x == y, "\(text)")
                    errors += 1
                default: Issue.record("\(text): \(a) against \(b)")
                }
            }
        }
        #expect(found > 5_000 && errors > 1_000)
    }
}
