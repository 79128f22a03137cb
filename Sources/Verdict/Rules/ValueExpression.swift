/// What a number metric computes over its window (SPEC 1.1 §5.1).
public enum ValueExpression: Sendable {
    /// The number of hits of the leaf.
    case hits(Leaf)
    /// turn(h2) − turn(h1): h1 the first hit of A, h2 the first hit of B after it.
    case turnsBetween(Leaf, Leaf)
    /// at(h2) − at(h1) for the same h1 and h2.
    case secondsBetween(Leaf, Leaf)
    /// The number at the last hit of a `metric`, `state` or `function` leaf: the event's
    /// `value`, or for a function its `args` or `result`, descended along `path`.
    case valueOf(Leaf, path: [String])
    /// at(last) − at(first) over the window's events that have `at`.
    case duration

    /// The expression's leaves, in the order written.
    public var leaves: [Leaf] {
        switch self {
        case let .hits(l), let .valueOf(l, _): return [l]
        case let .turnsBetween(a, b), let .secondsBetween(a, b): return [a, b]
        case .duration: return []
        }
    }

    /// The keys a value expression may have.
    static let keys = ["hits", "turns_between", "seconds_between", "value_of", "duration"]
}
