/// Finds which of a set of ASCII literals occur in a text, ASCII letters folded, in one pass
/// (an Aho-Corasick automaton). The evaluator scans each utterance once and then rules out every
/// pattern none of whose required literals occurred, without running PCRE2.
struct LiteralScanner: Sendable {
    /// Number of literals; ids run from 0.
    let count: Int
    /// Words of 64 bits needed for one text's set of found literals.
    var words: Int { (count + 63) / 64 }

    /// Byte → input class: 0 for bytes no literal holds, upper- and lower-case letters alike.
    private let classOf: [UInt8]
    private let classCount: Int
    /// state × class → where the next state's row starts (state × class count), or its
    /// complement (negative) when literals end there: the scan loads one entry per byte, adds
    /// the class, and looks up outputs only on the rare negative one; rows stored by where
    /// they start spare the multiplication on every byte's path. In 16 bits when the rows
    /// fit (fewer than 32,768 entries): half the memory, so that the table stays in a nearer
    /// cache; else in 32.
    private enum Transitions: Sendable {
        case narrow([Int16])
        case wide([Int32])
    }
    private let next: Transitions
    /// For each state, the literal ids that end there (its own and its suffixes'):
    /// outputIDs[outputStart[s] ..< outputStart[s + 1]].
    private let outputStart: [Int32]
    private let outputIDs: [Int32]

    /// Whether the table is in 32 bits (a test looks).
    var usesWideTable: Bool {
        if case .wide = next { return true }
        return false
    }

    init(_ literals: [[UInt8]]) {
        count = literals.count
        var classes = [UInt8](repeating: 0, count: 256)
        var n = 1
        for literal in literals {
            for b in literal where classes[Int(LiteralScanner.fold(b))] == 0 {
                classes[Int(LiteralScanner.fold(b))] = UInt8(n)
                n += 1
            }
        }
        for b in 0..<256 { classes[b] = classes[Int(LiteralScanner.fold(UInt8(b)))] }
        classOf = classes
        classCount = n
        // The trie.
        var goto: [[Int32]] = [[Int32](repeating: -1, count: n)]
        var out: [[Int32]] = [[]]
        for (id, literal) in literals.enumerated() {
            var state = 0
            for b in literal {
                let c = Int(classes[Int(b)])
                if goto[state][c] < 0 {
                    goto.append([Int32](repeating: -1, count: n))
                    out.append([])
                    goto[state][c] = Int32(goto.count - 1)
                }
                state = Int(goto[state][c])
            }
            out[state].append(Int32(id))
        }
        // Failure links, breadth first, completing the transitions into a DFA.
        var fail = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for c in 0..<n {
            if goto[0][c] < 0 {
                goto[0][c] = 0
            } else {
                queue.append(Int(goto[0][c]))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            out[state] += out[fail[state]]
            for c in 0..<n {
                let child = goto[state][c]
                if child < 0 {
                    goto[state][c] = goto[fail[state]][c]
                } else {
                    fail[Int(child)] = Int(goto[fail[state]][c])
                    queue.append(Int(child))
                }
            }
        }
        let entries = goto.flatMap { row in row.map { out[Int($0)].isEmpty ? $0 * Int32(n) : ~($0 * Int32(n)) } }
        next = goto.count * n <= Int(Int16.max) ? .narrow(entries.map { Int16($0) }) : .wide(entries)
        var starts: [Int32] = [0]
        for o in out { starts.append(starts.last! + Int32(o.count)) }
        outputStart = starts
        outputIDs = out.flatMap { $0 }
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    /// Sets bit `id` in `found` (of `words` words) for every literal that occurs in the text.
    func scan(_ text: UnsafePointer<UInt8>, count length: Int, into found: UnsafeMutablePointer<UInt64>) {
        for w in 0..<words { found[w] = 0 }
        guard count > 0 else { return }
        classOf.withUnsafeBufferPointer { classOf in
            outputStart.withUnsafeBufferPointer { starts in
                outputIDs.withUnsafeBufferPointer { ids in
                    switch next {
                    case let .narrow(table): table.withUnsafeBufferPointer { scan(text, length, found, $0, classOf, starts, ids) }
                    case let .wide(table): table.withUnsafeBufferPointer { scan(text, length, found, $0, classOf, starts, ids) }
                    }
                }
            }
        }
    }

    @inline(__always)
    private func scan<Entry: FixedWidthInteger & SignedInteger>(_ text: UnsafePointer<UInt8>, _ length: Int, _ found: UnsafeMutablePointer<UInt64>,
                                                                _ next: UnsafeBufferPointer<Entry>, _ classOf: UnsafeBufferPointer<UInt8>,
                                                                _ starts: UnsafeBufferPointer<Int32>, _ ids: UnsafeBufferPointer<Int32>) {
        var row = 0
        for i in 0..<length {
            let entry = next[row + Int(classOf[Int(text[i])])]
            if entry >= 0 {
                row = Int(entry)
                continue
            }
            row = Int(~entry)
            let state = row / classCount
            for k in Int(starts[state])..<Int(starts[state + 1]) {
                let id = ids[k]
                found[Int(id) >> 6] |= 1 << UInt64(id & 63)
            }
        }
    }
}
