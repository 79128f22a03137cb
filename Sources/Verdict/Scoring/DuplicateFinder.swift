import Foundation

/// Finds the conversation ids that occur more than once, exactly, in memory that does not grow
/// with the number of conversations: ids are kept up to a budget, then sorted and spilled to an
/// unlinked temporary file; at the end the sorted runs are merged. Runs of millions of
/// conversations cost a few megabytes of temporary disk instead of memory.
final class DuplicateFinder {
    private struct Entry {
        var hash: UInt64
        var index: Int
        var id: String

        static func < (a: Entry, b: Entry) -> Bool {
            if a.hash != b.hash { return a.hash < b.hash }
            if !a.id.isExactly(b.id) { return a.id.utf8.lexicographicallyPrecedes(b.id.utf8) }
            return a.index < b.index
        }
    }

    private let budget: Int
    private var pending: [Entry] = []
    private var runs: [SpillFile] = []
    private var count = 0
    /// Set when a spill file cannot be written; duplicates are then looked for in memory only.
    private var spillFailed = false

    init(budget: Int = 8_192) {
        self.budget = budget
        pending.reserveCapacity(min(budget, 1024))
    }

    /// Records the next conversation's id.
    func add(_ id: String) {
        pending.append(Entry(hash: DuplicateFinder.fingerprint(id), index: count, id: id))
        count += 1
        if pending.count >= budget && !spillFailed { spill() }
    }

    /// Every id seen more than once, in the order of its second occurrence.
    func duplicates() -> [String] {
        pending.sort(by: <)
        var sources: [EntrySource] = runs.map { .file($0) }
        sources.append(.memory(pending, 0))
        var heads: [Entry?] = sources.indices.map { sources[$0].next() }
        var found: [(second: Int, id: String)] = []
        var previous: Entry?
        var groupSize = 0
        while true {
            // The smallest head; few runs, so a linear scan is enough.
            var best = -1
            for (i, head) in heads.enumerated() {
                guard let head else { continue }
                if best < 0 || head < heads[best]! { best = i }
            }
            if best < 0 { break }
            let entry = heads[best]!
            heads[best] = sources[best].next()
            if let p = previous, p.hash == entry.hash, p.id.isExactly(entry.id) {
                groupSize += 1
                if groupSize == 2 { found.append((entry.index, entry.id)) }
            } else {
                groupSize = 1
            }
            previous = entry
        }
        return found.sorted { $0.second < $1.second }.map(\.id)
    }

    /// FNV-1a over the id's UTF-8 bytes.
    static func fingerprint(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private func spill() {
        pending.sort(by: <)
        guard let file = SpillFile() else {
            spillFailed = true
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pending.count * 32)
        for e in pending {
            withUnsafeBytes(of: e.hash.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt64(e.index).littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(e.id.utf8.count).littleEndian) { bytes += $0 }
            bytes += e.id.utf8
        }
        guard file.write(bytes) else {
            spillFailed = true
            return
        }
        runs.append(file)
        pending.removeAll(keepingCapacity: true)
    }

    private enum EntrySource {
        case file(SpillFile)
        case memory([Entry], Int)

        mutating func next() -> Entry? {
            switch self {
            case let .file(f):
                guard let hash = f.readUInt64(), let index = f.readUInt64(), let length = f.readUInt32(),
                      let id = f.readBytes(Int(length)) else { return nil }
                return Entry(hash: hash, index: Int(index), id: String(decoding: id, as: UTF8.self))
            case let .memory(entries, position):
                guard position < entries.count else { return nil }
                self = .memory(entries, position + 1)
                return entries[position]
            }
        }
    }
}

/// An unlinked temporary file: written once, then read back from the start through a buffer.
/// Closed when the last reference goes.
private final class SpillFile {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var rewound = false

    init?() {
        var template = Array((NSTemporaryDirectory() + "/verdict-ids-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private func fill(_ needed: Int) -> Bool {
        if !rewound {
            lseek(fd, 0, SEEK_SET)
            rewound = true
        }
        if buffer.count - position >= needed { return true }
        buffer.removeSubrange(0..<position)
        position = 0
        var chunk = [UInt8](repeating: 0, count: max(4_096, needed))
        while buffer.count < needed {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { return false }
            buffer += chunk[0..<n]
        }
        return true
    }

    func readBytes(_ n: Int) -> ArraySlice<UInt8>? {
        guard fill(n) else { return nil }
        defer { position += n }
        return buffer[position..<(position + n)]
    }

    func readUInt64() -> UInt64? {
        guard let b = readBytes(8) else { return nil }
        return b.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    func readUInt32() -> UInt32? {
        guard let b = readBytes(4) else { return nil }
        return b.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
