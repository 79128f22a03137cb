/// Writes compact JSON (no spaces, UTF-8 as is) into a byte buffer.
public struct JSONWriter {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func string(_ s: String) {
        var s = s
        // Most strings need no escaping: copy them whole.
        let plain = s.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ n: Int) {
        if n < 0 {
            bytes.append(contentsOf: String(n).utf8)
            return
        }
        // Digits without a String: small event indices are most of what is written.
        if n < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(n))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = n, i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: buffer.count - i))
        }
    }

    /// Bytes written as they are (already JSON).
    @inline(__always) public mutating func raw(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
    }

    /// The bytes of `range` in `source`, copied without counting a reference.
    @inline(__always) mutating func raw(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[range]))
    }

    /// Whether `text` is a JSON number (RFC 8259 §6).
    static func isNumberLiteral(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            let n = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(n)
            return n
        }
        let leading = bytes.first
        let whole = digits()
        guard whole > 0, !(whole > 1 && leading == UInt8(ascii: "0")) else { return false }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    public mutating func bool(_ b: Bool) {
        if b { raw("true") } else { raw("false") }
    }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: raw("null")
        case let .bool(b): bool(b)
        case let .number(_, literal): bytes.append(contentsOf: literal.utf8)
        case let .string(s): string(s)
        case let .array(a):
            bytes.append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                value(e)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(o):
            bytes.append(UInt8(ascii: "{"))
            for (i, pair) in o.pairs.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                string(pair.key)
                bytes.append(UInt8(ascii: ":"))
                value(pair.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    public mutating func intArray(_ a: [Int]) {
        bytes.append(UInt8(ascii: "["))
        for (i, n) in a.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            int(n)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func stringArray(_ a: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in a.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

/// The members of a JSON object being written: commas and keys are taken care of.
public struct JSONMembers {
    fileprivate var writer = JSONWriter(capacity: 0)
    fileprivate var first = true

    /// Writes the key (and the comma before it when needed); the value must follow.
    public mutating func key(_ key: StaticString) {
        if !first { writer.raw(",") }
        first = false
        writer.raw("\"")
        writer.raw(key)
        writer.raw("\":")
    }

    /// A member whose key is not known in advance.
    public mutating func add(key: String, _ value: Int) {
        if !first { writer.raw(",") }
        first = false
        writer.string(key)
        writer.raw(":")
        writer.int(value)
    }

    /// A member whose key is not known in advance, with any value written by `body`.
    public mutating func add(key: String, _ body: (inout JSONWriter) -> Void) {
        if !first { writer.raw(",") }
        first = false
        writer.string(key)
        writer.raw(":")
        body(&writer)
    }

    public mutating func add(_ key: StaticString, _ value: String) {
        self.key(key)
        writer.string(value)
    }

    public mutating func add(_ key: StaticString, _ value: Int) {
        self.key(key)
        writer.int(value)
    }

    public mutating func add(_ key: StaticString, _ value: Bool) {
        self.key(key)
        writer.bool(value)
    }

    public mutating func add(_ key: StaticString, strings: [String]) {
        self.key(key)
        writer.stringArray(strings)
    }

    /// A number as written by `text`, or null when there is none or when `text` is no JSON
    /// number (an infinite or NaN value formatted as `inf` or `nan`): the output stays JSON.
    public mutating func add(_ key: StaticString, number text: String?) {
        self.key(key)
        if let text, JSONWriter.isNumberLiteral(text) { writer.bytes.append(contentsOf: text.utf8) } else { writer.raw("null") }
    }

    /// Any value, written by `body`.
    public mutating func add(_ key: StaticString, _ body: (inout JSONWriter) -> Void) {
        self.key(key)
        body(&writer)
    }
}

extension JSONWriter {
    /// Writes an object whose members `body` adds.
    public mutating func object(_ body: (inout JSONMembers) -> Void) {
        var members = JSONMembers()
        swap(&members.writer, &self)
        members.writer.raw("{")
        body(&members)
        members.writer.raw("}")
        swap(&members.writer, &self)
    }

    /// Writes an array with one element per item, each written by `body`.
    public mutating func array<T>(_ items: some Sequence<T>, _ body: (inout JSONWriter, T) -> Void) {
        raw("[")
        for (i, item) in items.enumerated() {
            if i > 0 { raw(",") }
            body(&self, item)
        }
        raw("]")
    }
}
