/// A condition (SPEC §3): a leaf, or a combinator over conditions.
public indirect enum Condition: Sendable {
    case leaf(Leaf)
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// Leaves hit at strictly increasing indices, optionally within N turns.
    case sequence([Leaf], withinTurns: Int?)
    /// A condition on the conversation's `metadata` (SPEC 1.2 §3): a path mapping, holding on
    /// every prefix and window exactly when the metadata matches; no hits, no evidence.
    case metadata(Matcher)

    /// Every leaf in the condition, depth first.
    public var leaves: [Leaf] {
        switch self {
        case let .leaf(l): return [l]
        case let .all(cs), let .any(cs): return cs.flatMap(\.leaves)
        case let .not(c): return c.leaves
        case let .sequence(ls, _): return ls
        case .metadata: return []
        }
    }

    /// Whether a `metadata` condition stands anywhere in it.
    public var readsMetadata: Bool {
        switch self {
        case .leaf, .sequence: return false
        case .metadata: return true
        case let .all(cs), let .any(cs): return cs.contains(where: \.readsMetadata)
        case let .not(c): return c.readsMetadata
        }
    }
}

/// A leaf selects a set of event indices, its hits, then modifiers narrow them.
public struct Leaf: Sendable {
    public enum Kind: Sendable {
        case user(Pattern)
        case agent(Pattern)
        case said(Pattern)
        case intent(String)
        case function(name: String, args: Matcher?, result: Matcher?, failed: Bool?)
        case flow(name: String, step: String?)
        case metric(name: String, value: Matcher?)
        case state(key: String, value: Matcher?)
        /// nil: every handoff; otherwise a pattern on the destination ("" when missing).
        case handoff(Pattern?)
    }

    /// How many hits a leaf needs: at least `atLeast`, at most `atMost` when given.
    public struct Count: Sendable, Equatable {
        public var atLeast: Int
        public var atMost: Int?

        public func holds(_ n: Int) -> Bool { n >= atLeast && (atMost.map { n <= $0 } ?? true) }
    }

    public var kind: Kind
    public var inFlow: String?
    /// Inclusive bounds; an upper bound of nil is unbounded.
    public var turns: (lower: Double, upper: Double?)?
    public var seconds: (lower: Double, upper: Double?)?
    public var count: Count?
    /// Unique within a rule set: indexes per-conversation caches.
    public var id: Int
    /// For a `user`, `agent` or `said` leaf written with `{phrases: ...}`: the lists it names
    /// (its pattern is theirs, `PhraseReference.pattern()`).
    public var phrases: PhraseReference? = nil

    /// A `turns` bound as a turn number: −k counts from the end, standing for T − k + 1 in a
    /// conversation of T spoken turns (SPEC 1.2 §3); other bounds stand for themselves.
    public static func turn(_ bound: Double, of total: Int) -> Double {
        bound < 0 ? Double(total) + bound + 1 : bound
    }

    public var usesFlows: Bool {
        if inFlow != nil { return true }
        if case .flow = kind { return true }
        return false
    }
}
