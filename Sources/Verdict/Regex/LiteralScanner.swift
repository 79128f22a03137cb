/// Finds which of a set of literals (ASCII, or a currency symbol's UTF-8) occur in a text,
/// ASCII letters folded, in one pass (an Aho-Corasick automaton). The evaluator scans each utterance once and then rules out every
/// pattern none of whose required literals occurred, without running PCRE2.
///
/// A literal may begin or end with `RequiredLiterals.separator`: a byte that is not an ASCII
/// word character, or the text's start or end. How depends on the literals. When none holds
/// such a byte itself (a list of phrases, say), all those bytes share one class, the text's
/// edges are read as that class too, and a separator is a step of the automaton like a
/// letter: a literal such as "·o·" costs nothing at the many o's inside words. Otherwise each
/// such byte keeps its own class (a separator would have to stand for each of them, one copy
/// of the literal's path per byte), and the separators are checked where the literal's other
/// bytes are found, against the bytes either side of it.
///
/// Many whole words ("·word·", as a long phrase list's literals are) are looked up a word at a
/// time in a `WordLiterals` table instead: their automaton would be too large for the nearest
/// cache. The other literals, if any, keep a small automaton, and both run on each text. A
/// test holds them to what one automaton of all the literals finds.
struct LiteralScanner: Sendable {
    /// Number of literals; ids run from 0.
    let count: Int
    /// Words of 64 bits needed for one text's set of found literals.
    var words: Int { (count + 63) / 64 }

    /// Byte → input class, upper- and lower-case letters alike: 0 for bytes no literal holds
    /// (when separators are classes: for word characters no literal holds).
    private let classOf: Buffer<UInt8>
    private let classCount: Int
    /// state × class → where the next state's row starts (state × class count), or its
    /// complement (negative) when literals end there: the scan loads one entry per byte, adds
    /// the class, and looks up outputs only on the rare negative one; rows stored by where
    /// they start spare the multiplication on every byte's path. In 16 bits when the rows
    /// fit (fewer than 32,768 entries): half the memory, so that the table stays in a nearer
    /// cache; else in 32.
    private let narrow: Buffer<Int16>?
    private let wide: Buffer<Int32>?
    /// For each state, the literal ids that end there (its own and its suffixes'):
    /// outputIDs[outputStart[s] ..< outputStart[s + 1]], each with `before` and `after` set
    /// when a separator is to be checked there.
    private let outputStart: Buffer<Int32>
    private let outputIDs: Buffer<Int32>
    private static let idMask: Int32 = 1 << 29 - 1, before: Int32 = 1 << 29, after: Int32 = 1 << 30
    /// The class the text's start and end are read as, when separators are classes.
    private let edgeClass: Int?
    /// Per literal, the length of what the automaton spells of it (for separators checked
    /// beside it).
    private let bodyLength: Buffer<Int32>
    /// Literals every text holds (a lone separator, when separators are checks).
    private let everywhere: [Int32]

    /// The table of the literals that are whole words, when they have one; the automaton then
    /// spells only the others.
    private let wordTable: WordLiterals?
    /// Whether the automaton spells no literal (all are in the table, or there are none).
    private let automatonIsEmpty: Bool

    /// Whether the table is in 32 bits (a test looks).
    var usesWideTable: Bool { wide != nil }
    /// Whether words are looked up instead of bytes stepped through (a test looks).
    var usesWordTable: Bool { wordTable != nil }
    /// Whether separators are steps of the automaton rather than checks beside it (a test looks).
    var separatorsAreClasses: Bool { edgeClass != nil }

    /// A scanner for `literals`. Its whole words ("·word·") go to a table of words
    /// (`WordLiterals`) when `wordTable` says so (nil: when their automaton's table could
    /// outgrow the nearest cache), and the rest, if any, to an automaton; else all go to the
    /// automaton. One phrase with an apostrophe does not send a long list back to the automaton.
    init(_ literals: [[UInt8]], wordTable: Bool? = nil) {
        let whole = literals.map(WordLiterals.isWholeWord)
        if whole.contains(true), wordTable ?? LiteralScanner.mayOutgrowNearestCache(zip(literals, whole).filter(\.1).map(\.0)) {
            // The automaton spells the others; an empty literal is not spelled.
            self.init(automatonOf: zip(literals, whole).map { $1 ? [] : $0 }, count: literals.count,
                      wordTable: WordLiterals(literals, taking: whole))
        } else {
            self.init(automatonOf: literals, count: literals.count, wordTable: nil)
        }
    }

    /// Whether an automaton of `literals` may need a table of more than 32 KB (as many
    /// entries as 16 bits take), so that its steps wait on a farther cache than the first. A
    /// small one steps as fast as words are looked up; a large one is slower (the scan of a
    /// 1,000-phrase list's, 6,755 states, took 30% more time than looking up its words).
    static func mayOutgrowNearestCache(_ literals: [[UInt8]]) -> Bool {
        var seen = [Bool](repeating: false, count: 256), classes = 2, states = 1
        for literal in literals {
            states += literal.count
            for b in literal where !seen[Int(fold(b))] {
                seen[Int(fold(b))] = true
                classes += 1
            }
        }
        return states * classes > 16_384
    }

    private init(automatonOf literals: [[UInt8]], count: Int, wordTable: WordLiterals?) {
        self.count = count
        self.wordTable = wordTable
        automatonIsEmpty = literals.allSatisfy(\.isEmpty)
        let separator = RequiredLiterals.separator
        let separated = literals.contains { $0.first == separator || $0.last == separator }
        let asClasses = separated && !literals.contains { $0.contains { $0 != separator && !RequiredLiterals.isWordByte($0) } }
        // What the automaton spells: the literals, or, when separators are checks, the bytes
        // between them.
        var bodies: [ArraySlice<UInt8>] = literals.map { $0[...] }
        var edgeBits = [UInt8](repeating: 0, count: literals.count)
        var everywhere: [Int32] = []
        if separated && !asClasses {
            for (id, literal) in literals.enumerated() {
                // A lone separator: every text has one, at its start.
                if literal == [separator] {
                    everywhere.append(Int32(id))
                    bodies[id] = []
                    continue
                }
                var body = literal[...]
                if body.count > 1, body.first == separator {
                    body = body.dropFirst()
                    edgeBits[id] |= 1
                }
                if body.count > 1, body.last == separator {
                    body = body.dropLast()
                    edgeBits[id] |= 2
                }
                precondition(id <= Int(LiteralScanner.idMask), "too many literals")
                bodies[id] = body
            }
        }
        precondition(bodies.allSatisfy { $0.count == 1 || !$0.dropFirst().dropLast().contains(separator) },
                     "a separator stands only at a literal's edges")
        var classes = [UInt8](repeating: 0, count: 256)
        var n = 1
        for body in bodies {
            for b in body where b != separator && classes[Int(LiteralScanner.fold(b))] == 0 {
                classes[Int(LiteralScanner.fold(b))] = UInt8(n)
                n += 1
            }
        }
        var separatorClass: Int32 = -1
        if asClasses {
            separatorClass = Int32(n)
            for b in 0..<256 where !RequiredLiterals.isWordByte(UInt8(b)) { classes[b] = UInt8(n) }
            n += 1
        }
        for b in 0..<256 { classes[b] = classes[Int(LiteralScanner.fold(UInt8(b)))] }
        classOf = Buffer(classes)
        classCount = n
        edgeClass = asClasses ? Int(separatorClass) : nil
        bodyLength = Buffer(bodies.map { Int32($0.count) })
        self.everywhere = everywhere
        // The trie, built a depth at a time: states are numbered in order of depth, so the
        // shallow ones, where a scan spends most bytes, sit together in the table, and a
        // state's failure link (a shallower state) is complete before the state is reached.
        // State s's row is next[s * n ..< (s + 1) * n]; -1 where the trie has no edge. Room is
        // taken for as many states as the bodies have bytes, and the root, but a row is
        // written only when its state is made: the memory past the last one is never touched.
        // The table is completed in place and kept as it is when it needs 32 bits.
        let room = (bodies.reduce(0) { $0 + $1.count } + 1) * n
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: room)
        next.initialize(repeating: -1, count: n)
        var at = [Int32](repeating: 0, count: bodies.count)
        var ends: [(state: Int32, entry: Int32)] = []
        ends.reserveCapacity(bodies.count)
        var states: Int32 = 1
        var depth = 0, longer = bodies.indices.filter { !bodies[$0].isEmpty }
        while !longer.isEmpty {
            for id in longer {
                let b = bodies[id][bodies[id].startIndex + depth]
                let k = Int(at[id]) * n + (b == separator ? Int(separatorClass) : Int(classes[Int(b)]))
                if next[k] < 0 {
                    next[k] = states
                    (next + Int(states) * n).initialize(repeating: -1, count: n)
                    states += 1
                }
                at[id] = next[k]
                if depth + 1 == bodies[id].count { ends.append((next[k], Int32(id) | Int32(edgeBits[id]) << 29)) }
            }
            depth += 1
            longer.removeAll { bodies[$0].count == depth }
        }
        let entries = Int(states) * n
        // Each state's own literals, in the order of their ids.
        var ownStart = [Int32](repeating: 0, count: Int(states) + 1)
        for e in ends { ownStart[Int(e.state) + 1] += 1 }
        for s in 0..<Int(states) { ownStart[s + 1] += ownStart[s] }
        var own = [Int32](repeating: 0, count: ends.count)
        var filled = ownStart
        for e in ends {
            own[Int(filled[Int(e.state)])] = e.entry
            filled[Int(e.state)] += 1
        }
        // Failure links in order of state, completing the transitions into a DFA; a state's
        // literals are its own and its failure link's.
        var fail = [Int32](repeating: 0, count: Int(states))
        var starts = [Int32](repeating: 0, count: Int(states) + 1)
        var ids: [Int32] = []
        for state in 0..<Int(states) {
            let f = Int(fail[state])
            starts[state] = Int32(ids.count)
            if ownStart[state] < ownStart[state + 1] { ids += own[Int(ownStart[state])..<Int(ownStart[state + 1])] }
            if state > 0, starts[f] < starts[f + 1] { ids += ids[Int(starts[f])..<Int(starts[f + 1])] }
            for c in 0..<n {
                let child = next[state * n + c]
                if child < 0 {
                    next[state * n + c] = state == 0 ? 0 : next[f * n + c]
                } else {
                    fail[Int(child)] = state == 0 ? 0 : next[f * n + c]
                }
            }
        }
        starts[Int(states)] = Int32(ids.count)
        // Each entry becomes where its state's row starts, complemented when literals end there.
        for k in 0..<entries {
            let t = next[k]
            next[k] = starts[Int(t) + 1] > starts[Int(t)] ? ~(t * Int32(n)) : t * Int32(n)
        }
        if entries <= Int(Int16.max) {
            narrow = Buffer(UnsafeBufferPointer(start: next, count: entries).lazy.map { Int16($0) })
            wide = nil
            next.deinitialize(count: entries)
            next.deallocate()
        } else {
            narrow = nil
            wide = Buffer(adopting: next, capacity: room, count: entries)
        }
        outputStart = Buffer(starts)
        outputIDs = Buffer(ids)
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    /// Sets literal `id`'s bit in `found`, and its word's bit in `held` (see `add`).
    @inline(__always)
    static func note(_ id: Int, in found: UnsafeMutablePointer<UInt64>, held: inout UInt64) {
        found[id >> 6] |= 1 << UInt64(id & 63)
        held |= 1 << UInt64(min(id >> 6, 63))
    }

    /// The words of a text's found literals that bit `bit` of what `add` returned stands for.
    @inline(__always)
    static func heldWords(ofBit bit: Int, words: Int) -> Range<Int> { bit..<(bit == 63 ? words : bit + 1) }

    /// The ids of the literals a text holds, in order: the set bits of `found` (`words` words),
    /// reading only the words its held bits (`add`'s summary) point to.
    struct FoundIDs: Sequence, IteratorProtocol {
        private let found: UnsafePointer<UInt64>
        private let words: Int
        private var rest: UInt64
        private var word = 0, end = 0
        private var bits: UInt64 = 0

        init(held: UInt64, found: UnsafePointer<UInt64>, words: Int) {
            self.found = found
            self.words = words
            rest = held
        }

        @inline(__always)
        mutating func next() -> Int? {
            while bits == 0 {
                if word + 1 < end {
                    word += 1
                } else {
                    guard rest != 0 else { return nil }
                    let range = LiteralScanner.heldWords(ofBit: rest.trailingZeroBitCount, words: words)
                    rest &= rest &- 1
                    word = range.lowerBound
                    end = range.upperBound
                }
                bits = found[word]
            }
            let id = word << 6 | bits.trailingZeroBitCount
            bits &= bits &- 1
            return id
        }
    }

    /// Whether `bits` (one per literal id) holds one of `ids`.
    @inline(__always)
    static func holdsAny(_ ids: UnsafeBufferPointer<Int32>, in bits: UnsafePointer<UInt64>) -> Bool {
        for id in ids where bits[Int(id) >> 6] & (1 << UInt64(id & 63)) != 0 { return true }
        return false
    }

    /// One text for `add`: its bytes, and the slot its results go to.
    struct Text {
        let bytes: UnsafePointer<UInt8>
        let count: Int
        let slot: Int
    }

    /// For each text, sets bit `id` in its words of `found` (`found + slot × words`, which it
    /// does not clear) for every literal that occurs in it, and writes to `held[slot]` the words
    /// it set bits in: bit w for word w, and bit 63 for word 63 and every word after it. Most
    /// texts hold none of a long list's literals: their words need not be read.
    ///
    /// Texts are scanned two at a time, a byte of each in turn. A byte's step waits for the
    /// table entry the byte before it loaded, so one text's scan spends most of its time
    /// waiting; two texts' chains of loads overlap. When one text ends, the next one in line
    /// takes its place.
    func add(_ texts: UnsafeBufferPointer<Text>, found: UnsafeMutablePointer<UInt64>, held: UnsafeMutablePointer<UInt64>) {
        guard !texts.isEmpty else { return }
        // The automaton writes each text's summary, and the word table adds to it.
        if automatonIsEmpty {
            for t in texts { held[t.slot] = 0 }
        } else if let narrow {
            scan(texts, found, held, narrow.base)
        } else if let wide {
            scan(texts, found, held, wide.base)
        }
        wordTable?.add(texts, found: found, held: held, words: words)
    }

    /// Notes the literals of the state at `row`, found in `t` with their last byte at `end`;
    /// those with separators to check, only where the bytes beside them are not word
    /// characters. Out of line: it runs on a small share of bytes, and the scan loop keeps
    /// its registers.
    @inline(never)
    private func note(_ row: Int, endingAt end: Int, in t: Text, _ found: UnsafeMutablePointer<UInt64>, _ held: inout UInt64) {
        let state = row / classCount
        let text = t.bytes, length = t.count, into = found + t.slot * words
        let ids = outputIDs.base
        for k in Int(outputStart[state])..<Int(outputStart[state + 1]) {
            let entry = ids[k]
            let id = Int(entry & LiteralScanner.idMask)
            if entry > LiteralScanner.idMask {
                let before = end - Int(bodyLength[id])
                if entry & LiteralScanner.before != 0, before >= 0, RequiredLiterals.isWordByte(text[before]) { continue }
                if entry & LiteralScanner.after != 0, end + 1 < length, RequiredLiterals.isWordByte(text[end + 1]) { continue }
            }
            LiteralScanner.note(id, in: into, held: &held)
        }
    }

    @inline(__always)
    private func scan<Entry: FixedWidthInteger & SignedInteger>(_ texts: UnsafeBufferPointer<Text>, _ found: UnsafeMutablePointer<UInt64>,
                                                                _ heldOut: UnsafeMutablePointer<UInt64>, _ next: UnsafePointer<Entry>) {
        let classOf = classOf.base
        /// The row a text's scan starts from, its start read as the edge class.
        @inline(__always) func begin(_ t: Text, _ held: inout UInt64) -> Int {
            held = 0
            for id in everywhere { LiteralScanner.note(Int(id), in: found + t.slot * words, held: &held) }
            guard let edge = edgeClass else { return 0 }
            let entry = next[edge]
            if entry >= 0 { return Int(entry) }
            note(Int(~entry), endingAt: -1, in: t, found, &held)
            return Int(~entry)
        }
        /// Reads a text's end as the edge class, and stores what it held.
        @inline(__always) func end(_ t: Text, _ row: Int, _ held: inout UInt64) {
            if let edge = edgeClass {
                let entry = next[row &+ edge]
                if entry < 0 { note(Int(~entry), endingAt: t.count, in: t, found, &held) }
            }
            heldOut[t.slot] = held
        }
        /// The entry for the byte at `i` of a text, from the state at `row`.
        @inline(__always) func entry(_ t: Text, _ i: Int, _ row: Int) -> Entry {
            next[row &+ Int(classOf[Int(t.bytes[i])])]
        }
        /// Moves to the state `e` names, noting its literals when it has some.
        @inline(__always) func take(_ e: Entry, _ t: Text, _ i: Int, _ row: inout Int, _ held: inout UInt64) {
            if e >= 0 {
                row = Int(e)
            } else {
                row = Int(~e)
                note(row, endingAt: i, in: t, found, &held)
            }
        }
        var a = texts[0], ia = 0, heldA: UInt64 = 0
        var rowA = begin(a, &heldA)
        var waiting = 1
        if texts.count > 1 {
            var b = texts[1], ib = 0, heldB: UInt64 = 0
            var rowB = begin(b, &heldB)
            waiting = 2
            while true {
                let stop = ia &+ min(a.count &- ia, b.count &- ib)
                while ia < stop {
                    let ea = entry(a, ia, rowA), eb = entry(b, ib, rowB)
                    if ea | eb >= 0 {
                        rowA = Int(ea)
                        rowB = Int(eb)
                    } else {
                        take(ea, a, ia, &rowA, &heldA)
                        take(eb, b, ib, &rowB, &heldB)
                    }
                    ia &+= 1
                    ib &+= 1
                }
                if ia == a.count {
                    end(a, rowA, &heldA)
                    if waiting == texts.count {
                        (a, ia, rowA, heldA) = (b, ib, rowB, heldB)
                        break
                    }
                    a = texts[waiting]
                    waiting += 1
                    ia = 0
                    rowA = begin(a, &heldA)
                }
                if ib == b.count {
                    end(b, rowB, &heldB)
                    if waiting == texts.count { break }
                    b = texts[waiting]
                    waiting += 1
                    ib = 0
                    rowB = begin(b, &heldB)
                }
            }
        }
        // The one text left.
        while ia < a.count {
            take(entry(a, ia, rowA), a, ia, &rowA, &heldA)
            ia &+= 1
        }
        end(a, rowA, &heldA)
    }
}
