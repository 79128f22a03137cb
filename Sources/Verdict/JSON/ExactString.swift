import Foundation

extension String {
    /// Equality by Unicode code points (UTF-8 bytes), with no normalization: what SPEC §3
    /// asks of names and strings. Swift's `==` would treat "é" and "e\u{301}" as equal.
    @inline(__always)
    func isExactly(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        if let result = a.withContiguousStorageIfAvailable({ pa in
            b.withContiguousStorageIfAvailable { pb in memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
        }), let result { return result }
        return a.elementsEqual(b)
    }

    /// The same against UTF-8 bytes held elsewhere (a compiled rule's name, read in place).
    @inline(__always)
    func isExactly(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let a = utf8
        guard a.count == bytes.count else { return false }
        if bytes.isEmpty { return true }
        if let result = a.withContiguousStorageIfAvailable({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return result }
        return a.elementsEqual(bytes)
    }
}

/// A string as a dictionary key compared by its bytes, as `isExactly` does (Swift's own
/// `String` hashing treats canonically equivalent strings as one key).
struct ExactKey: Hashable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (a: ExactKey, b: ExactKey) -> Bool { a.string.isExactly(b.string) }
    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
