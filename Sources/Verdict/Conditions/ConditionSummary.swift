/// Short, readable descriptions of conditions, for reports ("why it fails") and explanations.
extension Condition {
    public var summary: String {
        switch self {
        case let .leaf(leaf): return leaf.summary
        case let .all(parts): return "all of (" + parts.map(\.summary).joined(separator: "; ") + ")"
        case let .any(parts): return "any of (" + parts.map(\.summary).joined(separator: "; ") + ")"
        case let .not(inner): return "not (" + inner.summary + ")"
        case let .sequence(leaves, within):
            let chain = leaves.map(\.summary).joined(separator: " → ")
            return within.map { "sequence \(chain) within \($0) turns" } ?? "sequence \(chain)"
        case let .metadata(matcher): return "metadata " + matcher.summary
        }
    }
}

extension Leaf {
    public var summary: String {
        var text: String
        switch kind {
        case let .user(p), let .agent(p), let .said(p):
            text = phrases.map { "\(kind.noun) a phrase of \($0.names)" } ?? "\(kind.noun) '\(p.source)'"
        case let .intent(name): text = "\(kind.noun) \(name)"
        case let .function(name, args, result, failed):
            text = "\(kind.noun) \(name)"
            if let args { text += " with args \(args.summary)" }
            if let result { text += " with result \(result.summary)" }
            if let failed { text += failed ? " failing" : " not failing" }
        case let .flow(name, step):
            text = "\(kind.noun) \(name)"
            if let step { text += " at step \(step)" }
        case let .metric(name, value):
            text = "\(kind.noun) \(name)"
            if let value { text += " with value \(value.summary)" }
        case let .state(key, value):
            text = "\(kind.noun) \(key)"
            if let value { text += " with value \(value.summary)" }
        case let .handoff(pattern):
            text = pattern.map { "\(kind.noun) to '\($0.source)'" } ?? kind.noun
        }
        if let inFlow { text += " in flow \(inFlow)" }
        if let t = turns { text += " in turns \(Leaf.range(t))" }
        if let s = seconds { text += " in seconds \(Leaf.range(s))" }
        if let count {
            if let most = count.atMost {
                text += count.atLeast == most ? " exactly \(most) times" : " \(count.atLeast) to \(most) times"
            } else {
                text += " at least \(count.atLeast) times"
            }
        }
        return text
    }

    private static func range(_ r: (lower: Double, upper: Double?)) -> String {
        func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)" }
        return r.upper.map { "\(number(r.lower))–\(number($0))" } ?? "\(number(r.lower)) on"
    }
}

extension Matcher {
    public var summary: String {
        switch self {
        case let .equals(value):
            var w = JSONWriter()
            w.value(value)
            return String(decoding: w.bytes, as: UTF8.self)
        case let .operators(ops): return ops.map(\.summary).joined(separator: ", ")
        case let .paths(paths): return "{" + paths.map { $0.path.joined(separator: ".") + ": " + $0.matcher.summary }.joined(separator: ", ") + "}"
        }
    }
}

extension Matcher.Operator {
    var summary: String {
        func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)" }
        switch self {
        case let .regex(p): return "matches '\(p.source)'"
        case let .oneOf(values): return "one of " + Matcher.equals(.array(values)).summary
        case let .exists(b): return b ? "present" : "absent"
        case let .greaterThan(n): return "> \(number(n))"
        case let .greaterOrEqual(n): return "≥ \(number(n))"
        case let .lessThan(n): return "< \(number(n))"
        case let .lessOrEqual(n): return "≤ \(number(n))"
        case let .not(m): return "not \(m.summary)"
        }
    }
}

extension ValueExpression {
    /// "turns between user says '...' and agent says '...'", for explanations and reports.
    public var summary: String {
        switch self {
        case let .hits(leaf): return "hits of \(leaf.summary)"
        case let .turnsBetween(a, b): return "turns between \(a.summary) and \(b.summary)"
        case let .secondsBetween(a, b): return "seconds between \(a.summary) and \(b.summary)"
        case let .valueOf(leaf, path): return "value of \(leaf.summary)" + (path.isEmpty ? "" : " at \(path.joined(separator: "."))")
        case .duration: return "duration"
        }
    }

    /// Why such an expression can have no value, said plainly.
    var missingReason: String {
        switch self {
        case .hits: return "no events in the window"
        case .turnsBetween: return "no hit of the second leaf after the first hit of the first"
        case .secondsBetween: return "no such pair of hits, or one of them without 'at'"
        case .valueOf: return "no hit, or no number at that place"
        case .duration: return "no event of the window has 'at'"
        }
    }
}

extension ValueExpression {
    /// The unit such an expression usually has, for lint's advice.
    var naturalUnit: String {
        switch self {
        case .hits: return "unit: times"
        case .turnsBetween: return "unit: turns"
        case .secondsBetween, .duration: return "unit: seconds"
        case .valueOf: return "the logged value's unit"
        }
    }
}
