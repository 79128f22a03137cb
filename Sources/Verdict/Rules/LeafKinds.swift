/// The leaf kinds of the rule format, each described once: its key, what its value is, the
/// modifiers it takes beyond the common ones, and how summaries name it. The rule loader
/// (which keys and modifiers are allowed, and "did you mean"), `verdict schema` and the
/// condition summaries (`Conditions/ConditionSummary.swift`) read this table; adding a leaf
/// kind means a row here plus its matching in `Evaluation/LeafMatcher.swift`.
struct LeafKindSpec: Sendable {
    /// What the kind's value is, as the loader reads it.
    enum Value: Sendable {
        /// A PCRE2 pattern on the event's text.
        case pattern
        /// A name compared exactly.
        case name
        /// `true`, or a pattern on the handoff's destination.
        case trueOrPattern
    }

    let key: String
    let value: Value
    /// Modifiers beyond `in_flow`, `turns`, `seconds` and `count`.
    let modifiers: [String]
    /// How a summary starts: "agent says '...'", "function create_booking".
    let noun: String
}

enum LeafKinds {
    static let all: [LeafKindSpec] = [
        LeafKindSpec(key: "user", value: .pattern, modifiers: [], noun: "user says"),
        LeafKindSpec(key: "agent", value: .pattern, modifiers: [], noun: "agent says"),
        LeafKindSpec(key: "said", value: .pattern, modifiers: [], noun: "someone says"),
        LeafKindSpec(key: "intent", value: .name, modifiers: [], noun: "intent"),
        LeafKindSpec(key: "function", value: .name, modifiers: ["args", "result", "failed"], noun: "function"),
        LeafKindSpec(key: "flow", value: .name, modifiers: ["step"], noun: "flow"),
        LeafKindSpec(key: "metric", value: .name, modifiers: ["value"], noun: "metric"),
        LeafKindSpec(key: "state", value: .name, modifiers: ["value"], noun: "state"),
        LeafKindSpec(key: "handoff", value: .trueOrPattern, modifiers: [], noun: "handoff"),
    ]

    /// Modifiers every leaf takes.
    static let commonModifiers = ["in_flow", "turns", "seconds", "count"]

    static func spec(_ key: String) -> LeafKindSpec? { all.first { $0.key == key } }

    /// Every kind-specific modifier once, in table order.
    static let specificModifiers: [String] = {
        var seen: [String] = []
        for kind in all { for m in kind.modifiers where !seen.contains(m) { seen.append(m) } }
        return seen
    }()

    /// Who takes a kind-specific modifier, for messages: "'metric' and 'state' leaves".
    static func owners(of modifier: String) -> String {
        let keys = all.filter { $0.modifiers.contains(modifier) }.map { "'\($0.key)'" }
        return keys.joined(separator: " and ") + " leaves"
    }
}

extension Leaf.Kind {
    /// The rule-format key of this kind.
    var key: String {
        switch self {
        case .user: return "user"
        case .agent: return "agent"
        case .said: return "said"
        case .intent: return "intent"
        case .function: return "function"
        case .flow: return "flow"
        case .metric: return "metric"
        case .state: return "state"
        case .handoff: return "handoff"
        }
    }

    /// How summaries name this kind (from `LeafKinds`).
    var noun: String { LeafKinds.spec(key)?.noun ?? key }
}

/// Keys the rule format knows, for validation and "did you mean".
enum RuleKeys {
    static let top = ["version", "phrases", "flows", "metrics", "lint"]
    static let lint = ["disable", "synonyms"]
    static let flow = ["enter_when"]
    static let metric = ["name", "type", "definition", "applies_when", "scope", "active_from", "when", "labels", "otherwise", "value", "unit"]
    static let label = ["label", "when"]
    static let leafKinds = LeafKinds.all.map(\.key)
    static let combinators = ["all", "any", "not", "sequence"]
    /// Conditions on the whole conversation, not leaves (SPEC 1.2 §3).
    static let conversationConditions = ["metadata"]
    static let commonModifiers = LeafKinds.commonModifiers
    static let modifiers = commonModifiers + LeafKinds.specificModifiers + ["within_turns"]
    static let condition = leafKinds + combinators + conversationConditions + modifiers
    static let operators = ["regex", "in", "exists", "gt", "gte", "lt", "lte", "not"]
    static let count = ["at_least", "at_most"]

    /// Modifiers a leaf of this kind takes beyond the common ones.
    static func specific(to kind: String) -> [String] { LeafKinds.spec(kind)?.modifiers ?? [] }
}
