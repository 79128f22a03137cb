import Foundation

/// Reading past a JSON value without building it: the same checks, in the same order, with
/// the same messages and offsets as `parseValue`, so that a decoder skipping what it does not
/// need reports exactly the error a full parse would. Only strings that hold an escape or a
/// non-ASCII byte, and numbers, are handed to the full parser.
extension JSONParser {
    mutating func skipValue() throws(JSONSyntaxError) {
        guard position < bytes.count else { throw failure(JSONMessage.expected("a value", found: "end of input")) }
        switch bytes[position] {
        case UInt8(ascii: "{"): try skipObject()
        case UInt8(ascii: "["): try skipArray()
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "N") where nonFiniteAsText: try expectWord("NaN")
        case UInt8(ascii: "I") where nonFiniteAsText: try expectWord("Infinity")
        case UInt8(ascii: "-") where nonFiniteAsText && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I"):
            position += 1
            try expectWord("Infinity")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default: throw failure(JSONMessage.expected("a value", found: describeByte()))
        }
    }

    /// Skips a number: the grammar of `parseNumber`, with its messages. No conversion: every
    /// literal the grammar admits converts (past the range of a Double, to an infinity).
    mutating func skipNumber() throws(JSONSyntaxError) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits(_ p: inout Int) -> Int {
            let s = p
            while p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 { p += 1 }
            return p - s
        }
        guard position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 else {
            throw failure(JSONMessage.expected("a digit", found: describeByte()))
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                throw failure("a number must not start with 0")
            }
        } else {
            _ = digits(&position)
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&position) > 0 else { throw failure(JSONMessage.expected("a digit after '.'", found: describeByte())) }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits(&position) > 0 else { throw failure(JSONMessage.expected("a digit in the exponent", found: describeByte())) }
        }
    }

    /// Skips a string; returns whether its raw bytes are its value (no escape, ASCII only).
    @discardableResult
    mutating func skipString() throws(JSONSyntaxError) -> Bool {
        try skipStringReadingKind() == .ascii
    }

    /// What a skipped string's raw bytes are: its value, ASCII (`ascii`) or valid UTF-8
    /// (`utf8`), or not (`other`: it holds an escape).
    enum SkippedString { case ascii, utf8, other }

    /// Skips a string; says whether its bytes between the quotes are its value, so that a
    /// reader can make the string of them without parsing it again.
    mutating func skipStringReadingKind() throws(JSONSyntaxError) -> SkippedString {
        let open = position
        var p = position + 1
        var ascii = true
        if let base = bytes.baseAddress {
            // Eight bytes at a time while all are plain ASCII; a short string (a type, a name)
            // ends in its first eight.
            while p + 8 <= bytes.count {
                let stops = Self.stringStops(UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
                if stops == 0 {
                    p += 8
                    continue
                }
                p += stops.trailingZeroBitCount >> 3
                if base[p] == UInt8(ascii: "\"") {
                    position = p + 1
                    return .ascii
                }
                break
            }
            // Past a non-ASCII letter, eight at a time while none is a quote, a backslash or a
            // control character: most of a transcript's text.
            if p < bytes.count && base[p] >= 0x80 {
                ascii = false
                while p + 8 <= bytes.count && !Self.holdsStringStop(UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)) {
                    p += 8
                }
            }
        }
        while p < bytes.count {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") {
                if ascii {
                    position = p + 1
                    return .ascii
                }
                // Non-ASCII text without escapes: valid UTF-8 is all there is to check.
                if UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[(open + 1)..<p])) {
                    position = p + 1
                    return .utf8
                }
                break
            }
            if b == UInt8(ascii: "\\") { break }
            if b >= 0x80 {
                ascii = false
            } else if b < 0x20 {
                position = p
                throw failure(JSONMessage.controlCharacter)
            }
            p += 1
        }
        // Escapes, invalid UTF-8 or no closing quote: the full parser says what it finds.
        position = open
        _ = try parseString()
        return .other
    }

    /// The high bit of each of the eight bytes of `w` that a plain string's scan stops at (a
    /// quote, a backslash, below 0x20 or above 0x7F), exact from the lowest byte up to the
    /// first such byte, which is all a reader looks at.
    @inline(__always)
    static func stringStops(_ w: UInt64) -> UInt64 {
        endOrEscapeBits(w) | w & 0x8080_8080_8080_8080
    }

    /// Whether any of the eight bytes of `w` is a quote, a backslash or below 0x20 (exact).
    @inline(__always)
    static func holdsStringStop(_ w: UInt64) -> Bool {
        endOrEscapeBits(w) != 0
    }

    /// The high bit of the bytes of `w` that are a quote, a backslash or below 0x20: exact for
    /// whether there is one and for the lowest, since a borrow starts only at such a byte (a
    /// byte above 0x7F flags nothing).
    @inline(__always)
    private static func endOrEscapeBits(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
        // A byte x below n, and only such a byte, sets its high bit in (x - n) & ~x.
        let control = (w &- ones &* 0x20) & ~w
        let zeroQuote = (quote &- ones) & ~quote, zeroBackslash = (backslash &- ones) & ~backslash
        return (control | zeroQuote | zeroBackslash) & 0x8080_8080_8080_8080
    }

    mutating func skipObject() throws(JSONSyntaxError) {
        guard try enterObject() else { return }
        repeat {
            try expectKey()
            try skipString()
            try skipColon()
            try skipValue()
        } while try !endOfMember(closing: UInt8(ascii: "}"))
    }

    /// At an object's '{': enters it; false when it is empty (then it is read to its end).
    mutating func enterObject() throws(JSONSyntaxError) -> Bool {
        try enterContainer(closing: UInt8(ascii: "}"))
    }

    /// Enters an object or array at its opening bracket; false when it is empty (then read to
    /// its closing bracket).
    private mutating func enterContainer(closing: UInt8) throws(JSONSyntaxError) -> Bool {
        try enter()
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == closing {
            position += 1
            depth -= 1
            return false
        }
        return true
    }

    /// Reads a key; returns its index in `names`, or nil for any other key. A key of plain
    /// ASCII is compared as bytes, without making a string of it.
    mutating func readKey(among names: [[UInt8]]) throws(JSONSyntaxError) -> Int? {
        let start = position
        if try skipString() {
            let first = start + 1, count = position - 1 - first
            let raw = bytes.baseAddress! + first
            // Names read in place (a copy of one counts a reference) and compared a byte at a
            // time: keys are a few bytes, shorter than a call to memcmp.
            return names.withUnsafeBufferPointer { list -> Int? in
                for i in list.indices {
                    let same = list[i].withUnsafeBufferPointer { name -> Bool in
                        guard name.count == count else { return false }
                        for k in 0..<count where name[k] != raw[k] { return false }
                        return true
                    }
                    if same { return i }
                }
                return nil
            }
        }
        // A key written with escapes or non-ASCII text: compare what it says.
        let end = position
        position = start
        let text = try parseString()
        position = end
        return names.firstIndex { String(decoding: $0, as: UTF8.self).isExactly(text) }
    }

    /// Reads a key; returns its index in `table`'s names, or nil for any other key. A key of
    /// ASCII without escapes, nearly every key, is read and looked up in one pass.
    mutating func readKey(among table: JSONKeyTable) throws(JSONSyntaxError) -> Int? {
        let start = position, n = bytes.count
        // A key of fewer than 8 bytes: its closing quote is the first byte of the next eight
        // that a plain string stops at, and its bytes are compared as one integer.
        if start + 9 <= n {
            let w = UnsafeRawPointer(bytes.baseAddress! + start + 1).loadUnaligned(as: UInt64.self)
            let stops = Self.stringStops(w)
            if stops != 0 {
                let count = stops.trailingZeroBitCount >> 3
                if bytes[start + 1 + count] == UInt8(ascii: "\"") {
                    position = start + 2 + count
                    return table.index(packed: count == 0 ? 0 : w & (~0 >> UInt64(64 - 8 * count)), count: count)
                }
            }
        }
        var p = start + 1
        while p < n {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            p += 1
        }
        guard p < n, bytes[p] == UInt8(ascii: "\"") else {
            // An escape, non-ASCII text, a control byte or no closing quote: the general path
            // reads it, or reports its error, from the start.
            return try readKey(among: table.names)
        }
        position = p + 1
        return table.index(of: bytes.baseAddress! + start + 1, count: p - start - 1)
    }

    /// Before a member: whitespace, then the key's opening quote (not consumed), or the error.
    mutating func expectKey() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
            throw failure(JSONMessage.expected("a string key", found: describeByte()))
        }
    }

    mutating func skipArray() throws(JSONSyntaxError) {
        guard try enterContainer(closing: UInt8(ascii: "]")) else { return }
        repeat {
            skipWhitespace()
            try skipValue()
        } while try !endOfMember(closing: UInt8(ascii: "]"))
    }

    /// After a key: optional whitespace, ':', optional whitespace.
    mutating func skipColon() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
            throw failure(JSONMessage.expected("':'", found: describeByte()))
        }
        position += 1
        skipWhitespace()
    }

    /// After a member or element: true at the closing bracket (consumed, depth left), false
    /// after a ',' (consumed).
    mutating func endOfMember(closing: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        if position < bytes.count {
            if bytes[position] == UInt8(ascii: ",") { position += 1; return false }
            if bytes[position] == closing { position += 1; depth -= 1; return true }
        }
        // The message is made only here: a string made at every member costs a call to release it.
        let what = closing == UInt8(ascii: "}") ? "'}'" : "']'"
        guard position < bytes.count else { throw failure(JSONMessage.expected("',' or \(what)", found: "end of input")) }
        throw failure(JSONMessage.expected("',' or \(what)", found: describeByte()))
    }
}
