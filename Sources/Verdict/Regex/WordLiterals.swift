/// The literal scanner's table for the literals that are whole words: word characters
/// (`[A-Za-z0-9_]`) between two separators, "·gvpxmghb·", as a phrase list's mostly are. Such a
/// literal occurs in a text exactly when one of the text's words (a longest run of word
/// characters) is it, letters folded: so the scan reads each text as words and looks each one
/// up, instead of stepping an automaton a byte at a time. An automaton for a thousand phrases
/// has thousands of states; each byte's step waits for a load from a table too large for the
/// nearest cache. Here a byte costs a load from a 256-byte table, and a word one probe of a
/// small hash table.
///
/// A literal with anything else (one separator, none, punctuation inside) stays with the
/// scanner's automaton, which then spells only such literals; both run on every text. A test
/// holds the pair to what the automaton alone finds, on random words, other literals and texts.
struct WordLiterals: Sendable {
    /// Byte → the byte folded (ASCII letters lower-cased), or 0 for a byte that is not a word
    /// character.
    private let wordByte: Buffer<UInt8>
    /// Open addressing, linear probing: 0 for an empty slot, else an entry's number plus one.
    private let slots: Buffer<Int32>
    private let slotMask: Int
    private let slotShift: UInt64
    /// Per entry: its literal's id, its word's hash (`hash`), and its folded bytes,
    /// bytes[start[k] ..< start[k + 1]].
    private let ids: Buffer<Int32>
    private let hashes: Buffer<UInt64>
    private let start: Buffer<Int32>
    private let bytes: Buffer<UInt8>
    /// Bit n set when some literal's word has n bytes (bit 63: 63 or more): most of a text's
    /// words are passed over without a probe.
    private let lengths: UInt64
    /// One bit per value of a word hash's top `filterBits` bits, set for the literals' words: a
    /// text word whose bit is clear is no literal, known from one load of a table that stays in
    /// the nearest cache, without a probe.
    private let filter: Buffer<UInt64>
    private static let filterBits: UInt64 = 15

    /// Whether `literal` is a whole word: word characters between two separators.
    static func isWholeWord(_ literal: [UInt8]) -> Bool {
        let separator = RequiredLiterals.separator
        return literal.count >= 3 && literal.first == separator && literal.last == separator
            && literal.dropFirst().dropLast().allSatisfy(RequiredLiterals.isWordByte)
    }

    /// The table of the literals that `taking` marks, whole words all (their ids are their
    /// places in `literals`).
    init(_ literals: [[UInt8]], taking: [Bool]) {
        precondition(literals.count < Int(Int32.max), "too many literals")
        var folded: [(id: Int, word: [UInt8])] = []
        for (id, literal) in literals.enumerated() where taking[id] {
            precondition(WordLiterals.isWholeWord(literal), "a literal of the word table is a whole word")
            folded.append((id, literal.dropFirst().dropLast().map(LiteralScanner.fold)))
        }
        wordByte = Buffer((0..<256).map { RequiredLiterals.isWordByte(UInt8($0)) ? LiteralScanner.fold(UInt8($0)) : 0 })
        // At least twice as many slots as literals: probes stay short.
        var bits = 1
        while 1 << bits < 2 * folded.count { bits += 1 }
        var table = [Int32](repeating: 0, count: 1 << bits)
        slotMask = (1 << bits) - 1
        slotShift = UInt64(64 - bits)
        var starts: [Int32] = [0], all: [UInt8] = [], hashes: [UInt64] = [], lengths: UInt64 = 0
        var filter = [UInt64](repeating: 0, count: 1 << Int(WordLiterals.filterBits) / 64)
        for (k, (_, word)) in folded.enumerated() {
            var h: UInt64 = 0
            for b in word { h = WordLiterals.hash(h, b) }
            hashes.append(h)
            all += word
            starts.append(Int32(all.count))
            lengths |= 1 << UInt64(min(word.count, 63))
            let f = WordLiterals.filterIndex(h)
            filter[f >> 6] |= 1 << UInt64(f & 63)
            var s = WordLiterals.slot(h, shift: slotShift)
            while table[s] != 0 { s = (s + 1) & slotMask }
            table[s] = Int32(k + 1)
        }
        ids = Buffer(folded.map { Int32($0.id) })
        slots = Buffer(table)
        self.hashes = Buffer(hashes)
        start = Buffer(starts)
        bytes = Buffer(all)
        self.lengths = lengths
        self.filter = Buffer(filter)
    }

    /// A hash's bit in `filter`: the top bits of another mix than `slot`'s.
    @inline(__always) private static func filterIndex(_ h: UInt64) -> Int {
        Int(truncatingIfNeeded: (h &* 0xC2B2_AE3D_27D4_EB4F) &>> (64 - filterBits))
    }

    /// A word's hash so far, with folded byte `b` added: a rotation and an exclusive or, two
    /// cycles on the byte loop's path; `slot` mixes it.
    @inline(__always) private static func hash(_ h: UInt64, _ b: UInt8) -> UInt64 {
        (h &<< 5 | h &>> 59) ^ UInt64(b)
    }

    @inline(__always) private static func slot(_ h: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (h &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// `LiteralScanner.add` for these literals: sets each text's found bits, and adds to its
    /// summary (which the automaton, or the scanner for it, has written).
    func add(_ texts: UnsafeBufferPointer<LiteralScanner.Text>, found: UnsafeMutablePointer<UInt64>, held: UnsafeMutablePointer<UInt64>, words: Int) {
        let wordByte = wordByte.base
        for t in texts {
            let p = t.bytes, n = t.count, into = found + t.slot * words
            var summary: UInt64 = 0
            var i = 0
            while i < n {
                var c = wordByte[Int(p[i])]
                if c == 0 {
                    i &+= 1
                    continue
                }
                let first = i
                var h: UInt64 = 0
                repeat {
                    h = WordLiterals.hash(h, c)
                    i &+= 1
                    if i == n { break }
                    c = wordByte[Int(p[i])]
                } while c != 0
                // Most words are no literal: the filter says so without a probe.
                let length = i &- first, f = WordLiterals.filterIndex(h)
                if filter[f >> 6] & (1 << UInt64(f & 63)) != 0, lengths & (1 << UInt64(min(length, 63))) != 0,
                   let id = lookup(h, p + first, length) {
                    LiteralScanner.note(id, in: into, held: &summary)
                }
            }
            held[t.slot] |= summary
        }
    }

    /// The id of the literal whose word is the `length` bytes at `word` (hashed to `h`), if any.
    @inline(__always)
    private func lookup(_ h: UInt64, _ word: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        var s = WordLiterals.slot(h, shift: slotShift)
        while true {
            let entry = slots[s]
            if entry == 0 { return nil }
            let k = Int(entry) - 1
            if hashes[k] == h, Int(start[k + 1] - start[k]) == length, same(k, word, length) { return Int(ids[k]) }
            s = (s + 1) & slotMask
        }
    }

    /// Whether entry `k`'s word is the text's `length` bytes at `word`, folded.
    @inline(__always)
    private func same(_ k: Int, _ word: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let mine = bytes.base + Int(start[k])
        for j in 0..<length where wordByte[Int(word[j])] != mine[j] { return false }
        return true
    }
}
