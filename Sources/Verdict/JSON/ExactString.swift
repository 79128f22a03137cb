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
