/// The member names a reader looks for, laid out for finding a key among them by its bytes:
/// by length first, then byte by byte, with no array retained or string made per key.
struct JSONKeyTable: Sendable {
    /// The names, end to end, and where each starts (`starts[i] ..< starts[i + 1]`).
    private let bytes: [UInt8]
    private let starts: [Int]
    /// The names of each length `n`, as indices: `byLength[lengthStart[n] ..< lengthStart[n + 1]]`.
    private let lengthStart: [Int]
    private let byLength: [Int]
    /// Per name of fewer than 8 bytes, its bytes as a little-endian integer (0 for longer ones).
    private let packed: [UInt64]
    /// The names as given, for the reader's general path.
    let names: [[UInt8]]

    init(_ names: [[UInt8]]) {
        self.names = names
        bytes = names.flatMap { $0 }
        starts = names.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let longest = names.map(\.count).max() ?? 0
        var lengthStart = [0], byLength: [Int] = []
        for n in 0...longest {
            byLength += names.indices.filter { names[$0].count == n }
            lengthStart.append(byLength.count)
        }
        self.lengthStart = lengthStart
        self.byLength = byLength
        packed = names.map { name in
            name.count < 8 ? name.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) } : 0
        }
    }

    /// The index of the name of `count` bytes (fewer than 8) whose bytes, as a little-endian
    /// integer, are `key`; or nil.
    @inline(__always)
    func index(packed key: UInt64, count: Int) -> Int? {
        guard count + 1 < lengthStart.count else { return nil }
        return byLength.withUnsafeBufferPointer { byLength in
            packed.withUnsafeBufferPointer { packed in
                lengthStart.withUnsafeBufferPointer { lengthStart -> Int? in
                    for k in lengthStart[count]..<lengthStart[count + 1] where packed[byLength[k]] == key { return byLength[k] }
                    return nil
                }
            }
        }
    }

    /// The index of the name whose bytes are `count` bytes at `raw`, or nil (the first, if a
    /// name is given twice).
    @inline(__always)
    func index(of raw: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard count + 1 < lengthStart.count else { return nil }
        return byLength.withUnsafeBufferPointer { byLength in
            bytes.withUnsafeBufferPointer { bytes in
                starts.withUnsafeBufferPointer { starts in
                    lengthStart.withUnsafeBufferPointer { lengthStart -> Int? in
                        for k in lengthStart[count]..<lengthStart[count + 1] {
                            let i = byLength[k], name = bytes.baseAddress! + starts[i]
                            var same = true
                            for j in 0..<count where name[j] != raw[j] {
                                same = false
                                break
                            }
                            if same { return i }
                        }
                        return nil
                    }
                }
            }
        }
    }
}
