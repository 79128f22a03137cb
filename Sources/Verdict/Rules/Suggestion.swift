/// "Did you mean" for misspelt keys: the closest candidate within a small edit distance.
public enum Suggestion {
    static func closest(to word: String, in candidates: [String]) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, Array(c.unicodeScalars))
            let limit = max(1, min(3, c.unicodeScalars.count / 3 + 1))
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance, with a transposition of neighbours counting as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
                }
            }
        }
        return rows[a.count][b.count]
    }

    /// "no metric named 'Greted' in the results (did you mean 'Greeted'?)": the one wording for
    /// a name given on the command line that the rules or results do not have. Without a close
    /// candidate, the known ones are listed (up to `listed`).
    public static func noSuch(_ what: String, _ name: String, in place: String, among candidates: [String], listed: Int = 0) -> String {
        let sorted = candidates.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let hint = didYouMean(name, in: sorted) { return "no \(what) '\(name)' in \(place) (\(hint))" }
        guard listed > 0, !sorted.isEmpty else { return "no \(what) '\(name)' in \(place)" }
        let shown = sorted.prefix(listed).map { "'\($0)'" }.joined(separator: ", ")
        return "no \(what) '\(name)' in \(place); \(sorted.count > listed ? "some of those there" : "those there"): \(shown)"
    }

    /// "did you mean 'x'?" for the closest candidate, or nil.
    static func didYouMean(_ word: String, in candidates: [String]) -> String? {
        closest(to: word, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// The message and suggestion for an unknown key: the closest expected key, or the list.
    static func unknownKey(_ key: String, expected: [String]) -> (message: String, suggestion: String?) {
        if let hint = didYouMean(key, in: expected) { return ("unknown key '\(key)'", hint) }
        return ("unknown key '\(key)'; expected one of: " + expected.map { "'\($0)'" }.joined(separator: ", "), nil)
    }
}
