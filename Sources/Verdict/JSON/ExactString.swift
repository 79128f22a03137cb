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
