/// Why a text is not JSON, and where (byte offset from the start of the text).
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public let message: String
    public let offset: Int

    /// "message at line L column C", counting in `text`.
    public func describe(in text: [UInt8]) -> String {
        text.withUnsafeBufferPointer { describe(in: $0) }
    }

    func describe(in text: UnsafeBufferPointer<UInt8>) -> String {
        var line = 1, column = 1
        for i in 0..<min(offset, text.count) {
            if text[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        if line == 1, !text.contains(UInt8(ascii: "\n")) { return "\(message) at column \(column)" }
        return "\(message) at line \(line) column \(column)"
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes: no NaN or Infinity, no comments, no trailing
/// commas, no control characters in strings, valid UTF-8 only. Nesting is limited so that
/// hostile input cannot exhaust the stack.
public struct JSONParser {
    public static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// Reads Python's `NaN`, `Infinity` and `-Infinity` as the strings "NaN", "Infinity" and
    /// "-Infinity" (for stores written by Python's `json`, which writes them: a value that is
    /// set, unlike null); off everywhere else.
    var nonFiniteAsText = false
    /// Keys looked at to find a duplicate, over the whole parse: at most 8 per key, so linear
    /// in the keys (a test counts them).
    private(set) var keyLookups = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses one value like `parse`, but takes `NaN`, `Infinity` and `-Infinity` as text.
    static func parseReadingNonFiniteAsText(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
            var parser = JSONParser(buffer)
            parser.nonFiniteAsText = true
            do throws(JSONSyntaxError) {
                parser.skipWhitespace()
                let value = try parser.parseValue()
                try parser.expectEnd()
                return .success(value)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses exactly one JSON value, surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        try parser.expectEnd()
        return value
    }

    /// After the one value a text holds: nothing but whitespace may follow.
    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        if position < bytes.count {
            throw failure("unexpected \(describeByte()) after the end of the value")
        }
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONSyntaxError> = copy.withUTF8 { buffer in
            do throws(JSONSyntaxError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a top-level array and hands each element to `body` as raw bytes with its
    /// element number (from 1), without building the whole array: a `.json` file's elements are
    /// read, and fail, on their own. Returns nil when the text is not an array.
    static func forEachArrayElement(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void
    ) throws(JSONSyntaxError) -> Bool {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "[") else { return false }
        // Validate the whole text first so that a broken file yields one error, not a partial run.
        _ = try parse(bytes)
        parser.position += 1
        parser.depth = 1
        parser.skipWhitespace()
        if bytes[parser.position] == UInt8(ascii: "]") { return true }
        var n = 0
        while true {
            parser.skipWhitespace()
            let start = parser.position
            _ = try parser.parseValue()
            n += 1
            body(UnsafeBufferPointer(rebasing: bytes[start..<parser.position]), n)
            parser.skipWhitespace()
            if bytes[parser.position] == UInt8(ascii: ",") { parser.position += 1; continue }
            return true
        }
    }

    func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: position)
    }

    func describeByte() -> String {
        guard position < bytes.count else { return "end of input" }
        let b = bytes[position]
        if b >= 0x21 && b < 0x7F { return "character '\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard position < bytes.count else { throw failure(JSONMessage.expected("a value", found: "end of input")) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "N") where nonFiniteAsText: try expectWord("NaN"); return .string("NaN")
        case UInt8(ascii: "I") where nonFiniteAsText: try expectWord("Infinity"); return .string("Infinity")
        case UInt8(ascii: "-") where nonFiniteAsText && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I"):
            position += 1
            try expectWord("Infinity")
            return .string("-Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure(JSONMessage.expected("a value", found: describeByte()))
        }
    }

    mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw failure(JSONMessage.expected("a value", found: describeByte())) }
        for i in 0..<n where bytes[position + i] != word.utf8Start[i] {
            throw failure(JSONMessage.expected("a value", found: describeByte()))
        }
        position += n
    }

    mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw failure("nesting deeper than \(JSONParser.maximumDepth) levels")
        }
    }

    /// The members or elements a non-empty object or array has room for from the start.
    static let firstCapacity = 4

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var object = JSONObject()
        var index: [ExactKey: Int] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1; depth -= 1
            return .object(object)
        }
        // Room for a few members at once: most objects have a few, and growing one member at a
        // time would allocate again at the second and the third.
        object.reserveCapacity(JSONParser.firstCapacity)
        while true {
            try expectKey()
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure(JSONMessage.expected("':'", found: describeByte()))
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            // Last duplicate wins. Small objects are searched; past 8 keys an index by exact
            // bytes keeps an object of many keys linear.
            if object.count < 8 {
                keyLookups &+= object.count
                if let i = object.pairs.firstIndex(where: { $0.key.isExactly(key) }) {
                    object.replaceValue(at: i, with: value)
                } else {
                    object.appendUnchecked(key, value)
                }
            } else {
                if index.isEmpty {
                    for (i, pair) in object.pairs.enumerated() { index[ExactKey(pair.key)] = i }
                }
                keyLookups &+= 1
                if let i = index[ExactKey(key)] {
                    object.replaceValue(at: i, with: value)
                } else {
                    index[ExactKey(key)] = object.count
                    object.appendUnchecked(key, value)
                }
            }
            skipWhitespace()
            guard position < bytes.count else { throw failure(JSONMessage.expected("',' or '}'", found: "end of input")) }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; depth -= 1; return .object(object) }
            throw failure(JSONMessage.expected("',' or '}'", found: describeByte()))
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1; depth -= 1
            return .array(elements)
        }
        elements.reserveCapacity(JSONParser.firstCapacity)
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw failure(JSONMessage.expected("',' or ']'", found: "end of input")) }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; depth -= 1; return .array(elements) }
            throw failure(JSONMessage.expected("',' or ']'", found: describeByte()))
        }
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        try skipNumber()
        let text = UnsafeBufferPointer(rebasing: bytes[start..<position])
        let literal = String(decoding: text, as: UTF8.self)
        // Up to 15 digits and no exponent: the digits as an integer and a power of ten are both
        // exact in a Double, so one division rounds correctly, as parsing the text would.
        var mantissa: Int64 = 0, digits = 0, fractionDigits = 0, inFraction = false
        for b in text {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa = mantissa &* 10 &+ Int64(b - 0x30)
                digits += 1
                if inFraction { fractionDigits += 1 }
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "-"): continue
            default: digits = .max  // an exponent
            }
            if digits > 15 { break }
        }
        if digits <= 15 {
            let magnitude = Double(mantissa) / JSONParser.powersOfTen[fractionDigits]
            return .number(text[0] == UInt8(ascii: "-") ? -magnitude : magnitude, literal: literal)
        }
        guard let value = Double(literal) else { throw failure("number \(literal) is out of range") }
        return .number(value, literal: literal)
    }

    private static let powersOfTen: [Double] = (0...15).map { Double("1e\($0)")! }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try decodeUTF8(raw, at: start)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw failure(JSONMessage.controlCharacter) }
            position += 1
        }
        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                return try out.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> String in
                    try decodeUTF8(buffer, at: start)
                }
            }
            if b < 0x20 { throw failure(JSONMessage.controlCharacter) }
            if b != UInt8(ascii: "\\") { out.append(b); position += 1; continue }
            position += 1
            guard position < bytes.count else { break }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate pairs with a following \uDC00-\uDFFF; alone it becomes U+FFFD.
                    if position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                        let save = position
                        position += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                position -= 1
                throw failure("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw failure("unterminated string")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure(JSONMessage.hexDigits) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw failure(JSONMessage.hexDigits)
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }

    private func decodeUTF8(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONSyntaxError) -> String {
        // Most text is ASCII, which is valid UTF-8 as it stands: skip the general validator.
        var ascii = true
        for byte in raw where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: raw, as: UTF8.self) }
        if UTF8Validation.isValid(raw) { return String(decoding: raw, as: UTF8.self) }
        // Point at the first bad byte. Escapes in the source are ASCII, so the first invalid
        // sequence after the string's opening quote is the one that made `raw` invalid.
        var iterator = UnsafeBufferPointer(rebasing: bytes[start...]).makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = start
        while case let .valid(scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        throw JSONSyntaxError(message: "invalid UTF-8 in a string", offset: offset)
    }
}
