/// What a fixture says a metric must get (SPEC §7), and how that is compared with a result:
/// shared by `verdict test`, its coverage and agreement reports, and `verdict mutate`.
public enum Expectation {
    /// One `expect` or `todo` group of a fixture: its metric names and expected values, or why
    /// it cannot be read.
    public struct Group: Sendable {
        public var key: String
        public var isTodo: Bool
        public var entries: Result<[(metric: String, expected: JSONValue)], Problem>
    }

    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The `expect` and `todo` groups of a fixture's annotations, in that order (a null group
    /// is absent).
    public static func groups(_ annotations: JSONObject?) -> [Group] {
        [("expect", false), ("todo", true)].compactMap { key, isTodo in
            guard let value = annotations?[key], value != .null else { return nil }
            guard case let .object(object) = value else {
                return Group(key: key, isTodo: isTodo,
                             entries: .failure(Problem(message: "`\(key)` must be an object from metric names to expected values")))
            }
            return Group(key: key, isTodo: isTodo, entries: .success(object.pairs.map { ($0.key, $0.value) }))
        }
    }

    /// The expected value as people write it and the output shows it (`true`, a label, a
    /// status name, a number as written); nil when it is none of those.
    public static func text(of expected: JSONValue) -> String? {
        switch expected {
        case let .bool(b): return b ? "true" : "false"
        case let .string(s): return s
        case let .number(_, literal): return literal
        default: return nil
        }
    }

    /// Whether `actual` is what `expected` asks for. Numbers are equal when they differ by at
    /// most 1e-9 × max(1, |expected|) (SPEC §7); a string may name a status.
    public static func holds(_ expected: JSONValue, _ actual: MetricResult) -> Bool {
        switch expected {
        case let .bool(b):
            return actual.status == .ok && actual.value == .bool(b)
        case let .string(s):
            if let status = MetricResult.Status(rawValue: s), status == actual.status { return true }
            return actual.status == .ok && actual.value == .label(s)
        case let .number(e, _):
            guard actual.status == .ok, case let .number(a)? = actual.value else { return false }
            return abs(a - e) <= 1e-9 * max(1, abs(e))
        default:
            return false
        }
    }

    /// What the output shows for `actual` when it is compared with `expected`: the expected
    /// text when it holds (so that 19.6 and 19.600000000000001 count as the same), else the
    /// value or status.
    public static func shown(_ actual: MetricResult, against expected: JSONValue) -> String {
        if holds(expected, actual), let text = text(of: expected) { return text }
        return actual.display
    }
}
