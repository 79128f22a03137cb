/// Writes compact JSON (no spaces, UTF-8 as is) into a byte buffer.
///
/// The buffer is an array kept longer than what is written (`count` bytes), so that a piece is
/// copied in with one bounds check and a `memcpy` rather than through `Array.append`'s
/// general path: a result line is a few hundred short pieces.
public struct JSONWriter {
    /// Written bytes, then spare room (`storage.count` ≥ `count`).
    private var storage: [UInt8]
    private var count = 0

    public init(capacity: Int = 1024) { storage = [UInt8](repeating: 0, count: max(capacity, 16)) }

    /// What has been written.
    public var bytes: [UInt8] {
        get { Array(storage[..<count]) }
        set {
            storage = newValue
            count = newValue.count
        }
    }

    /// What has been written, without a copy; the writer is empty afterwards.
    public mutating func take() -> [UInt8] {
        storage.removeLast(storage.count - count)
        defer {
            storage = []
            count = 0
        }
        return storage
    }

    /// Room for `n` more bytes.
    @inline(__always) private mutating func reserve(_ n: Int) {
        if storage.count - count < n { grow(n) }
    }

    private mutating func grow(_ n: Int) {
        storage.append(contentsOf: repeatElement(0, count: max(n, storage.count, 16)))
    }

    @inline(__always) mutating func append(_ start: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        let at = count
        storage.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: at).update(from: start, count: n) }
        count += n
    }

    @inline(__always) mutating func append(_ b: UInt8) {
        reserve(1)
        storage[count] = b
        count += 1
    }

    @inline(__always) mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if let start = b.baseAddress { append(start, b.count) }
    }

    /// A string's UTF-8 bytes as they are.
    @inline(__always) mutating func append(utf8 s: String) {
        var s = s
        s.withUTF8 { append($0) }
    }

    @inline(__always) public mutating func raw(_ s: StaticString) {
        append(s.utf8Start, s.utf8CodeUnitCount)
    }

    public mutating func string(_ s: String) {
        var s = s
        // Most strings need no escaping: copy them whole.
        let plain = s.withUTF8 { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            append(UInt8(ascii: "\""))
            append(utf8)
            append(UInt8(ascii: "\""))
            return true
        }
        if plain { return }
        append(UInt8(ascii: "\""))
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
                append(hex[Int(b >> 4)])
                append(hex[Int(b & 0xF)])
            default: append(b)
            }
        }
        append(UInt8(ascii: "\""))
    }

    public mutating func int(_ n: Int) {
        if n < 0 {
            append(utf8: String(n))
            return
        }
        // Digits without a String: small event indices are most of what is written.
        if n < 10 {
            append(UInt8(ascii: "0") + UInt8(n))
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
            append(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, buffer.count - i)
        }
    }

    /// Bytes written as they are (already JSON).
    @inline(__always) public mutating func raw(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { append($0) }
    }

    /// The bytes of `range` in `source`, copied without counting a reference.
    @inline(__always) mutating func raw(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        append(source.baseAddress! + range.lowerBound, range.count)
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
        case let .number(_, literal): append(utf8: literal)
        case let .string(s): string(s)
        case let .array(a):
            append(UInt8(ascii: "["))
            for (i, e) in a.enumerated() {
                if i > 0 { append(UInt8(ascii: ",")) }
                value(e)
            }
            append(UInt8(ascii: "]"))
        case let .object(o):
            append(UInt8(ascii: "{"))
            for (i, pair) in o.pairs.enumerated() {
                if i > 0 { append(UInt8(ascii: ",")) }
                string(pair.key)
                append(UInt8(ascii: ":"))
                value(pair.value)
            }
            append(UInt8(ascii: "}"))
        }
    }

    public mutating func intArray(_ a: [Int]) {
        append(UInt8(ascii: "["))
        for (i, n) in a.enumerated() {
            if i > 0 { append(UInt8(ascii: ",")) }
            int(n)
        }
        append(UInt8(ascii: "]"))
    }

    public mutating func stringArray(_ a: [String]) {
        append(UInt8(ascii: "["))
        for (i, s) in a.enumerated() {
            if i > 0 { append(UInt8(ascii: ",")) }
            string(s)
        }
        append(UInt8(ascii: "]"))
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
        if let text, JSONWriter.isNumberLiteral(text) { writer.append(utf8: text) } else { writer.raw("null") }
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
