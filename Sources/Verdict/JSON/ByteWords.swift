/// Eight bytes looked at as one 64-bit word: a run of plain ASCII is passed over a word at a
/// time, and only a word that holds a byte above 0x7F is read byte by byte.
enum ByteWords {
    /// The eight bytes from `p` on, in any alignment.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
    }

    /// Whether a byte of `w` is 0x80 or above.
    @inline(__always)
    static func hasNonASCII(_ w: UInt64) -> Bool { w & 0x8080_8080_8080_8080 != 0 }

    /// Whether every byte is below 0x80.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var i = 0
        while i + 8 <= bytes.count {
            if hasNonASCII(load(base + i)) { return false }
            i += 8
        }
        while i < bytes.count {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}
