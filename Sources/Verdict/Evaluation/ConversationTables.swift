/// What the tables know of one (leaf, event) pair.
enum LeafMemo: UInt8 {
    case unknown = 0, hit = 1, miss = 2
}

/// What the evaluator knows of the conversation in hand, in tables that live as long as the
/// evaluator and only grow: a longer conversation than any before reallocates once, every
/// other one reuses the memory. Filled by `load`, read by the walks.
final class ConversationTables {
    private(set) var eventCount = 0
    /// leafCount × events, each a `LeafMemo` raw value.
    let memo = Buffer<UInt8>()
    /// The kind bit of each event, plus `FlowMachine.entryMark` where a flow is entered.
    let eventKinds = Buffer<UInt16>()
    /// Per leaf mask m, the events it admits, in order: candidates[m * eventCount ..< + candidateCount[m]].
    /// A leaf walks only these, not every event of its window.
    let candidates = Buffer<Int32>()
    let candidateCount = Buffer<Int>()
    /// The same lists as bits, one per event: candidateBits[m * eventWords ..< + eventWords].
    let candidateBits = Buffer<UInt64>()
    /// Per `metadata` condition, a `LeafMemo` raw value: whether the conversation's metadata
    /// matches it, decided once per conversation.
    let metadataMemo = Buffer<UInt8>()
    /// Hits of each leaf in events 0...k while a trigger search walks k upwards, by leaf id.
    let prefixCounts = Buffer<Int>()
    /// The conversation's texts as written; event i's text is bytes textStart[i] ..< textStart[i + 1].
    let textBytes = Buffer<UInt8>()
    let textStart = Buffer<Int>()
    /// Per event, the literals its text holds (`scanner.words` words each), and whether the
    /// prefilter was used on it (it has a text, and the rules literals).
    let foundLiterals = Buffer<UInt64>()
    let prefilterUsable = Buffer<Bool>()
    /// Per event whose text the prefilter may be used on, which words of its literals hold
    /// any (`LiteralScanner.add`): none for most texts and a long phrase list, whose words
    /// need not be read then.
    let heldWords = Buffer<UInt64>()
    /// Per text pattern, whether none of its required literals occurs anywhere in the
    /// conversation (and every text could be prefiltered): its leaves then hit nowhere, and
    /// cost nothing per event.
    let patternAbsent = Buffer<Bool>()
    /// Per text pattern with literals and without branches (`CompiledRules.patternsOfLiteral`),
    /// the events whose text holds one of its literals, one bit per event:
    /// mayMatch[p * eventWords ..< + eventWords]. Only these, and the events the prefilter was
    /// not used on (`unscanned`), can match it. Filled when `literalsByEvent` is true.
    let mayMatch = Buffer<UInt64>()
    let unscanned = Buffer<UInt64>()
    /// Words of 64 events, for the bit tables above.
    private(set) var eventWords = 0
    private(set) var literalsByEvent = false
    /// The literals found anywhere in the conversation (`loadTexts`), one bit per literal.
    private let wholeLiterals = Buffer<UInt64>()
    /// The texts that hold a character `foldToASCII` replaces, as the scanner reads them.
    private let foldedText = Buffer<UInt8>()
    /// The texts to scan, each in `textBytes` or `foldedText`.
    private let scanTexts = Buffer<LiteralScanner.Text>()

    /// Sizes the tables for `events` and fills what does not depend on flows.
    func load(_ events: [Event], _ rules: CompiledRules) {
        let n = events.count
        eventCount = n
        eventWords = (n + 63) >> 6
        let size = rules.leafCount * n
        memo.reserve(size)
        memo.base.initialize(repeating: LeafMemo.unknown.rawValue, count: size)
        prefixCounts.reserve(rules.leafCount)
        metadataMemo.reserve(rules.metadataMatchers.count)
        metadataMemo.base.initialize(repeating: LeafMemo.unknown.rawValue, count: rules.metadataMatchers.count)
        eventKinds.reserve(n)
        events.withUnsafeBufferPointer { events in
            for i in events.indices { eventKinds[i] = 1 << UInt16(events[i].kind.rawValue) }
        }
        literalsByEvent = false
        if rules.readsTexts {
            loadTexts(events, rules)
        } else {
            patternAbsent.reserve(rules.textPatterns.count)
            patternAbsent.base.initialize(repeating: false, count: rules.textPatterns.count)
        }
        candidates.reserve(rules.masks.count * n)
        candidateCount.reserve(rules.masks.count)
        candidateBits.reserve(rules.masks.count * eventWords)
        for m in rules.masks.indices { collectCandidates(m, mask: rules.masks[m]) }
    }

    /// Marks the events where `flows` entered a flow, and lists them for the masks that read them.
    func markFlowEntries(_ flows: FlowMachine, _ rules: CompiledRules) {
        flows.markEntries(in: eventKinds.base)
        for m in rules.masks.indices where rules.masks[m] & FlowMachine.entryMark != 0 {
            collectCandidates(m, mask: rules.masks[m])
        }
    }

    /// Lists the events that `mask` admits, as list `m`.
    private func collectCandidates(_ m: Int, mask: UInt16) {
        let kinds = eventKinds.base, list = candidates.base + m * eventCount, bits = candidateBits.base + m * eventWords
        bits.initialize(repeating: 0, count: eventWords)
        var count = 0
        for i in 0..<eventCount where kinds[i] & mask != 0 {
            list[count] = Int32(i)
            bits[i >> 6] |= 1 << UInt64(i & 63)
            count += 1
        }
        candidateCount[m] = count
    }

    /// Copies the events' texts into the arena and notes which literals each one holds. An
    /// event without a text (a `user` event built by hand without one) reads as empty.
    private func loadTexts(_ events: [Event], _ rules: CompiledRules) {
        // The scanner is used in place and each text read where it is: a copy of either
        // would retain what it holds, and the scanner's tables are shared by every thread.
        let words = rules.literalWords
        // The literals of the whole conversation, and whether some text could not be prefiltered.
        wholeLiterals.reserve(words)
        let whole = wholeLiterals.base
        whole.initialize(repeating: 0, count: words)
        textStart.reserve(events.count + 1)
        prefilterUsable.reserve(events.count)
        heldWords.reserve(events.count)
        foundLiterals.reserve(events.count * words)
        foundLiterals.base.initialize(repeating: 0, count: events.count * words)
        var total = 0
        for i in events.indices { total += events[i].utterance?.count ?? 0 }
        textBytes.reserve(total)
        // A folded text is never longer than the text.
        foldedText.reserve(total)
        scanTexts.reserve(events.count)
        var offset = 0, folded = 0, scanned = 0
        /// Copies a text to the arena and queues it for the scan: an empty one too, whose edges
        /// the scan reads like any text's (a literal may stand for a text's edge), so that the
        /// prefilter serves it as well, and a phrase list's branches rather than its whole
        /// alternation.
        func load(_ utf8: UnsafeBufferPointer<UInt8>, _ i: Int) {
            let copy = textBytes.base + offset
            if let base = utf8.baseAddress, !utf8.isEmpty { copy.update(from: base, count: utf8.count) }
            offset += utf8.count
            guard words > 0 else { return }
            prefilterUsable[i] = true
            // A character PCRE2 may equate with an ASCII letter is read as that letter.
            if RequiredLiterals.mayFoldToASCII(copy, count: utf8.count) {
                let out = foldedText.base + folded
                let length = RequiredLiterals.foldToASCII(copy, count: utf8.count, into: out)
                folded += length
                scanTexts[scanned] = LiteralScanner.Text(bytes: out, count: length, slot: i)
            } else {
                scanTexts[scanned] = LiteralScanner.Text(bytes: copy, count: utf8.count, slot: i)
            }
            scanned += 1
        }
        for i in events.indices {
            textStart[i] = offset
            prefilterUsable[i] = false
            heldWords[i] = 0
            // An event without a text (a function call, or a hand-built `user` event, which
            // reads as "") is not scanned: a text leaf seldom reads one.
            events[i].utterance?.withUTF8 { load($0, i) }
        }
        rules.scanner.add(UnsafeBufferPointer(start: scanTexts.base, count: scanned), found: foundLiterals.base, held: heldWords.base)
        for t in UnsafeBufferPointer(start: scanTexts.base, count: scanned) {
            let found = foundLiterals.base + t.slot * words
            var rest = heldWords[t.slot]
            while rest != 0 {
                let w = rest.trailingZeroBitCount
                rest &= rest &- 1
                for v in LiteralScanner.heldWords(ofBit: w, words: words) { whole[v] |= found[v] }
            }
        }
        textStart[events.count] = offset
        if words > 0 { markMayMatch(events.count, scanned, rules) }
        // A text without a literal of a pattern cannot match it (an empty text is scanned as
        // any other); an event without a text reads as "", which holds only its edges.
        let patterns = rules.textPatterns.count
        patternAbsent.reserve(patterns)
        for p in 0..<patterns {
            patternAbsent[p] = rules.literalStart[p] < rules.literalStart[p + 1] && !rules.holdsLiteral(ofPattern: p, in: whole)
        }
    }

    /// Fills `mayMatch` and `unscanned` from the literals each scanned text holds: a pass over
    /// the literals found, not over patterns × texts.
    private func markMayMatch(_ n: Int, _ scanned: Int, _ rules: CompiledRules) {
        let words = eventWords
        let patterns = rules.textPatterns.count
        mayMatch.reserve(patterns * words)
        mayMatch.base.initialize(repeating: 0, count: patterns * words)
        unscanned.reserve(words)
        unscanned.base.initialize(repeating: 0, count: words)
        for i in 0..<n where !prefilterUsable[i] { unscanned[i >> 6] |= 1 << UInt64(i & 63) }
        let literalWords = rules.literalWords
        let byStart = rules.patternsOfLiteralStart.base, by = rules.patternsOfLiteral.base, bits = mayMatch.base
        for t in UnsafeBufferPointer(start: scanTexts.base, count: scanned) {
            let i = t.slot, bit: UInt64 = 1 << UInt64(i & 63)
            for id in LiteralScanner.FoundIDs(held: heldWords[i], found: foundLiterals.base + i * literalWords, words: literalWords) {
                for k in Int(byStart[id])..<Int(byStart[id + 1]) { bits[Int(by[k]) * words + i >> 6] |= bit }
            }
        }
        literalsByEvent = true
    }
}
