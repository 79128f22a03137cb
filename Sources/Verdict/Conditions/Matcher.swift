/// A matcher for `args` entries, `result` and `value` (SPEC §3).
public indirect enum Matcher: Sendable {
    /// Equal to this JSON value (scalars and lists).
    case equals(JSONValue)
    /// Every operator holds.
    case operators([Operator])
    /// Each dotted path leads to a value its matcher accepts.
    case paths([(path: [String], matcher: Matcher)])

    public enum Operator: Sendable {
        case regex(Pattern)
        case oneOf([JSONValue])
        case exists(Bool)
        case greaterThan(Double)
        case greaterOrEqual(Double)
        case lessThan(Double)
        case lessOrEqual(Double)
        case not(Matcher)
    }

    /// Whether the matcher holds for `value`; nil stands for a missing value.
    public func matches(_ value: JSONValue?, using scratch: MatchScratch) throws(MatchLimitError) -> Bool {
        switch self {
        case let .equals(expected):
            guard let value else { return false }
            return value == expected
        case let .operators(ops):
            for op in ops where try !op.holds(value, using: scratch) { return false }
            return true
        case let .paths(entries):
            for entry in entries where try !entry.matcher.matches(Matcher.resolve(entry.path, in: value), using: scratch) {
                return false
            }
            return true
        }
    }

    /// Follows a dotted path: an all-digit segment indexes an array, and is a plain key on an object.
    static func resolve(_ path: [String], in value: JSONValue?) -> JSONValue? {
        var current = value
        for segment in path {
            switch current {
            case let .object(o)?:
                current = o[segment]
            case let .array(a)?:
                guard let i = Matcher.arrayIndex(segment), i < a.count else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    private static func arrayIndex(_ segment: String) -> Int? {
        guard !segment.isEmpty, segment.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(segment)
    }
}

extension Matcher.Operator {
    func holds(_ value: JSONValue?, using scratch: MatchScratch) throws(MatchLimitError) -> Bool {
        switch self {
        case let .exists(flag):
            return (value != nil) == flag
        case let .not(m):
            return try !m.matches(value, using: scratch)
        case let .regex(p):
            guard case let .string(s)? = value else { return false }
            return try p.matches(s, using: scratch)
        case let .oneOf(options):
            guard let value else { return false }
            return options.contains { $0 == value }
        case let .greaterThan(n):
            guard case let .number(d, _)? = value else { return false }
            return d > n
        case let .greaterOrEqual(n):
            guard case let .number(d, _)? = value else { return false }
            return d >= n
        case let .lessThan(n):
            guard case let .number(d, _)? = value else { return false }
            return d < n
        case let .lessOrEqual(n):
            guard case let .number(d, _)? = value else { return false }
            return d <= n
        }
    }
}
