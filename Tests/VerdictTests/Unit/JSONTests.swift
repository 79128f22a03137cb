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
}
