import Foundation

/// Conditions told in words, for people reading a report: "the agent said “confirmed”,
/// “booked” or “all set”" rather than `agent says '\b(confirmed|booked|all set)\b'`. The
/// pattern's alternatives become the quoted phrases when it is a plain list of words between
/// word boundaries; any other pattern is quoted as written. `summary` keeps the exact form.
extension Condition {
    public var words: String {
        switch self {
        case let .leaf(leaf): return leaf.words
        case let .all(parts): return "all of: " + parts.map(\.words).joined(separator: "; ")
        case let .any(parts): return "one of: " + parts.map(\.words).joined(separator: "; ")
        case let .not(inner): return "not (" + inner.words + ")"
        case let .sequence(leaves, within):
            let chain = leaves.map(\.words).joined(separator: ", then ")
            return within.map { "\(chain), within \($0) turn\($0 == 1 ? "" : "s")" } ?? chain
        case let .metadata(matcher):
            guard case let .paths(entries) = matcher else { return "the call's metadata matches " + matcher.summary }
            return "the call's metadata has " + entries.map { $0.path.joined(separator: ".") + " " + $0.matcher.words }.joined(separator: " and ")
        }
    }
}

extension Leaf {
    public var words: String {
        var text: String
        switch kind {
        case let .user(p): text = "the caller said " + (phrases.map { "a phrase of \($0.names)" } ?? Leaf.phrases(p.source))
        case let .agent(p): text = "the agent said " + (phrases.map { "a phrase of \($0.names)" } ?? Leaf.phrases(p.source))
        case let .said(p): text = "someone said " + (phrases.map { "a phrase of \($0.names)" } ?? Leaf.phrases(p.source))
        case let .intent(name): text = "the caller's intent was \(name)"
        case let .function(name, args, result, failed):
            text = "\(name) was called"
            if let args { text += " with args \(args.summary)" }
            if let result { text += " and returned \(result.summary)" }
            if let failed { text += failed ? " and failed" : " without failing" }
        case let .flow(name, step): text = "the \(name) flow was entered" + (step.map { " at step \($0)" } ?? "")
        case let .metric(name, value): text = "metric \(name) was logged" + (value.map { " with value \($0.summary)" } ?? "")
        case let .state(key, value): text = "state \(key) was set" + (value.map { " to \($0.summary)" } ?? "")
        case let .handoff(p): text = "the call was handed off" + (p.map { " to " + Leaf.phrases($0.source) } ?? "")
        }
        if let inFlow { text += " in the \(inFlow) flow" }
        if let t = turns { text += " in turns \(Leaf.bounds(t))" }
        if let s = seconds { text += " between seconds \(Leaf.bounds(s))" }
        if let count {
            if let most = count.atMost {
                text += count.atLeast == most ? " exactly \(most) times" : " \(count.atLeast) to \(most) times"
            } else {
                text += " at least \(count.atLeast) time\(count.atLeast == 1 ? "" : "s")"
            }
        }
        return text
    }

    private static func bounds(_ r: (lower: Double, upper: Double?)) -> String {
        func number(_ d: Double) -> String { JSONNumber.text(d) }
        return r.upper.map { "\(number(r.lower))–\(number($0))" } ?? "\(number(r.lower)) and later"
    }

    /// `\b(a|b c)\b` → “a” or “b c”; a pattern with any other syntax, quoted as written.
    static func phrases(_ source: String) -> String {
        var s = Substring(source)
        for edge in [#"\b"#, "^"] where s.hasPrefix(edge) { s = s.dropFirst(edge.count) }
        for edge in [#"\b"#, "$"] where s.hasSuffix(edge) { s = s.dropLast(edge.count) }
        if s.hasPrefix("("), s.hasSuffix(")"), !s.dropFirst().dropLast().contains("("), !s.contains(")(") {
            s = s.dropFirst().dropLast()
        }
        // "post ?code": an optional space reads as a space.
        let parts = s.replacingOccurrences(of: " ?", with: " ").split(separator: "|", omittingEmptySubsequences: false)
        let plain = parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || $0 == "'" || $0 == "-" }
        }
        guard plain else { return "'\(source)'" }
        let quoted = parts.map { "“\($0)”" }
        return quoted.count == 1 ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }
}

extension Matcher {
    /// "\"voice\"", "one of [\"a\",\"b\"]", "≥ 0.5": what a metadata path must hold, in words.
    var words: String {
        switch self {
        case .equals: return "= " + summary
        case .operators, .paths: return summary
        }
    }
}
