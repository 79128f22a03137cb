/// The pattern edits `verdict mutate` makes: removing one alternative of the outermost
/// alternation, or one `\b`. The pattern is read as PCRE2 reads it, as far as these edits
/// need: escapes, character classes (where `\b` is a backspace and `|` a character) and groups.
enum PatternEdits {
    /// The alternatives of the outermost alternation: those of the whole pattern when it has a
    /// top-level `|`, else those of each group at the shallowest depth that holds one. Each
    /// edit is (the alternative removed, the pattern without it).
    static func alternativesRemoved(_ source: String) -> [(removed: String, pattern: String)] {
        let b = Array(source.utf8)
        // Every `|` outside classes and escapes, with its depth and the start of its group's content.
        var bars: [(at: Int, depth: Int, group: Int)] = []
        var stack: [Int] = []
        var closing: [Int: Int] = [:]
        var i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "["): i = classEnd(b, from: i)
            case UInt8(ascii: "("):
                stack.append(contentStart(b, open: i))
            case UInt8(ascii: ")"):
                if let start = stack.popLast() { closing[start] = i }
            case UInt8(ascii: "|"):
                bars.append((i, stack.count, stack.last ?? 0))
            default: break
            }
            i += 1
        }
        guard let depth = bars.map(\.depth).min() else { return [] }
        var groups: [Int] = []
        for bar in bars where bar.depth == depth && !groups.contains(bar.group) { groups.append(bar.group) }
        var edits: [(String, String)] = []
        for start in groups {
            let end = depth == 0 ? b.count : (closing[start] ?? b.count)
            let cuts = bars.filter { $0.depth == depth && $0.group == start }.map(\.at)
            let bounds = [start - 1] + cuts + [end]
            for k in 0..<(bounds.count - 1) {
                let from = bounds[k] + 1, to = bounds[k + 1]
                let removed = String(decoding: b[from..<to], as: UTF8.self)
                // The alternative goes with the bar before it (the one after it, for the first).
                let cut = k == 0 ? from..<(to + 1) : bounds[k]..<to
                var rest = b
                rest.removeSubrange(cut)
                edits.append((removed, String(decoding: rest, as: UTF8.self)))
            }
        }
        return edits
    }

    /// The pattern without each `\b` in turn (outside character classes), with its offset.
    static func wordBoundariesDropped(_ source: String) -> [(offset: Int, pattern: String)] {
        let b = Array(source.utf8)
        var edits: [(Int, String)] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                if b[i + 1] == UInt8(ascii: "b") {
                    var rest = b
                    rest.removeSubrange(i..<(i + 2))
                    edits.append((i, String(decoding: rest, as: UTF8.self)))
                }
                i += 2
                continue
            }
            if b[i] == UInt8(ascii: "[") { i = classEnd(b, from: i) }
            i += 1
        }
        return edits
    }

    /// The index of the `]` closing the class opened at `open` (a `]` right after `[` or `[^`
    /// is a character), or the last index when it is not closed.
    private static func classEnd(_ b: [UInt8], from open: Int) -> Int {
        var i = open + 1
        if i < b.count, b[i] == UInt8(ascii: "^") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1 }
        while i < b.count {
            if b[i] == UInt8(ascii: "\\") { i += 2; continue }
            if b[i] == UInt8(ascii: "[") && i + 1 < b.count && b[i + 1] == UInt8(ascii: ":") {
                // A POSIX class such as [:alpha:] inside the class.
                if let close = (i + 2..<b.count).first(where: { b[$0] == UInt8(ascii: "]") }) { i = close + 1; continue }
            }
            if b[i] == UInt8(ascii: "]") { return i }
            i += 1
        }
        return b.count - 1
    }

    /// Where the content of the group opened at `open` starts: after `(`, `(?:`, `(?i:`,
    /// `(?<name>`, `(?'name'`, `(?P<name>`, a lookaround's `(?=` and the like.
    private static func contentStart(_ b: [UInt8], open: Int) -> Int {
        var i = open + 1
        guard i < b.count, b[i] == UInt8(ascii: "?") else { return i }
        i += 1
        guard i < b.count else { return i }
        switch b[i] {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"):
            return i + 1
        case UInt8(ascii: "<") where i + 1 < b.count && (b[i + 1] == UInt8(ascii: "=") || b[i + 1] == UInt8(ascii: "!")):
            return i + 2
        case UInt8(ascii: "<"), UInt8(ascii: "'"), UInt8(ascii: "P"):
            let close: UInt8 = b[i] == UInt8(ascii: "'") ? UInt8(ascii: "'") : UInt8(ascii: ">")
            var j = i + 1
            while j < b.count && b[j] != close { j += 1 }
            return j + 1
        default:
            // Option settings: `(?i:` opens a group; `(?i)` alone changes options and opens none
            // that holds content, so its content is empty.
            var j = i
            while j < b.count && b[j] != UInt8(ascii: ":") && b[j] != UInt8(ascii: ")") { j += 1 }
            return j + 1
        }
    }
}
