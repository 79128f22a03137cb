/// The outcome of one metric on one conversation (SPEC §5, §6).
public struct MetricResult: Sendable, Equatable, CustomDebugStringConvertible {
    public enum Status: String, Sendable, CaseIterable {
        case ok
        case notApplicable = "not_applicable"
        case inactive
        case unmatched
        case error
    }

    public enum Value: Sendable, Equatable, CustomStringConvertible {
        case bool(Bool)
        case label(String)
        /// A number metric's value; always finite.
        case number(Double)

        public var description: String {
            switch self {
            case let .bool(b): return b ? "true" : "false"
            case let .label(l): return l
            case let .number(d): return JSONNumber.text(d)
            }
        }
    }

    public var status: Status
    public var triggeredAt: Int?
    /// The value when it is a boolean or a number; a label's text is in `rare`. A plain value,
    /// so that copying a result (800 metrics make 800 copies a call) copies bytes and counts
    /// at most the one reference of `rare`.
    private var scalar: Scalar
    /// The evidence when it is one or two events (the commonest evidence), in order; -1 for
    /// none. An event index past Int32's range goes to `rare` instead.
    private var first: Int32
    private var second: Int32
    /// A label, evidence of three or more events, an error or failed items, or nil when there
    /// is none: the most common results (false with no evidence, true on one or two events,
    /// not applicable) then need no object of their own.
    private var rare: Rare?

    private enum Scalar: Sendable, Equatable {
        case none, bool(Bool), number(Double), label
    }

    fileprivate final class Rare: Sendable {
        let evidence: [Int]
        let label: String?
        let error: String?
        let failedItems: [Int]?

        init(evidence: [Int], label: String?, error: String?, failedItems: [Int]?) {
            self.evidence = evidence
            self.label = label
            self.error = error
            self.failedItems = failedItems
        }
    }

    public var value: Value? {
        get {
            switch scalar {
            case .none: return nil
            case let .bool(b): return .bool(b)
            case let .number(d): return .number(d)
            case .label: return .label(rare?.label ?? "")
            }
        }
        set { set(value: newValue, evidence: evidence, error: error, failedItems: failedItems) }
    }

    /// Event indices that decided the value, sorted.
    public var evidence: [Int] {
        get {
            if first < 0 { return rare?.evidence ?? [] }
            return second < 0 ? [Int(first)] : [Int(first), Int(second)]
        }
        set { set(value: value, evidence: newValue, error: error, failedItems: failedItems) }
    }

    public var error: String? {
        get { rare?.error }
        set { set(value: value, evidence: evidence, error: newValue, failedItems: failedItems) }
    }

    /// For a boolean metric whose `when` is an `all` and whose value is false: the positions
    /// (from 0) of the items that did not hold, so that reports can rank failing clauses.
    public var failedItems: [Int]? {
        get { rare?.failedItems }
        set { set(value: value, evidence: evidence, error: error, failedItems: newValue) }
    }

    /// A label's shared part, for results that carry the label and nothing else there: made
    /// once (each evaluator makes one per label of its rules) and shared by every such
    /// result, so that a label result allocates nothing and copies as plain bytes.
    struct SharedLabel {
        fileprivate let part: Rare

        init(_ label: String) {
            part = Rare(evidence: [], label: label, error: nil, failedItems: nil)
        }
    }

    /// An `ok` result with `label`'s value: its evidence inline when it is one or two events,
    /// and the label's shared part; else a part of its own.
    init(label: SharedLabel, triggeredAt: Int?, evidence: [Int]) {
        self.init(status: .ok, triggeredAt: triggeredAt)
        scalar = .label
        rare = keepInline(evidence) ? label.part : Rare(evidence: evidence, label: label.part.label, error: nil, failedItems: nil)
    }

    public init(status: Status, value: Value? = nil, triggeredAt: Int? = nil, evidence: [Int] = [], error: String? = nil,
                failedItems: [Int]? = nil) {
        self.status = status
        self.triggeredAt = triggeredAt
        scalar = .none
        first = -1
        second = -1
        set(value: value, evidence: evidence, error: error, failedItems: failedItems)
    }

    private mutating func set(value: Value?, evidence: [Int], error: String?, failedItems: [Int]?) {
        var label: String?
        switch value {
        case nil: scalar = .none
        case let .bool(b)?: scalar = .bool(b)
        case let .number(d)?: scalar = .number(d)
        case let .label(l)?:
            scalar = .label
            label = l
        }
        first = -1
        second = -1
        if label == nil && error == nil && failedItems == nil && keepInline(evidence) {
            rare = nil
        } else {
            rare = Rare(evidence: evidence, label: label, error: error, failedItems: failedItems)
        }
    }

    /// Keeps `evidence` in `first` and `second` (both -1 before) when it is at most two events
    /// that fit; else returns false, and the evidence goes to `rare`.
    private mutating func keepInline(_ evidence: [Int]) -> Bool {
        guard evidence.count <= 2, evidence.allSatisfy({ $0 <= Int(Int32.max) }) else { return false }
        if evidence.count > 0 { first = Int32(evidence[0]) }
        if evidence.count > 1 { second = Int32(evidence[1]) }
        return true
    }

    /// `ok`, false from the first event, with nothing else (`isFalseFromStart`), made field by
    /// field: appending one to an array writes its bytes, without a call to copy a result.
    static var falseFromStart: MetricResult { MetricResult(falseFromStart: ()) }

    private init(falseFromStart: Void) {
        status = .ok
        triggeredAt = 0
        scalar = .bool(false)
        first = -1
        second = -1
        rare = nil
    }

    /// Whether this is `ok`, false, from the first event, with nothing else: the commonest
    /// result of all, which a result line writes from bytes prepared once.
    var isFalseFromStart: Bool { rare == nil && first < 0 && status == .ok && scalar == .bool(false) && triggeredAt == 0 }
    /// Whether there is no value, trigger, evidence, error or failed item (as `not_applicable`
    /// and `inactive` results have).
    var isBare: Bool { rare == nil && first < 0 && scalar == .none && triggeredAt == nil }

    /// The evidence when it is one or two events, read without making an array.
    var inlineEvidence: (first: Int, second: Int?)? {
        first < 0 ? nil : (Int(first), second < 0 ? nil : Int(second))
    }

    /// Every field, as a failing test shows it.
    public var debugDescription: String {
        var parts = ["status: \(status.rawValue)", "value: \(value.map { "\($0)" } ?? "nil")", "triggered_at: \(triggeredAt.map(String.init) ?? "nil")",
                     "evidence: \(evidence)"]
        if let error { parts.append("error: \(error)") }
        if let failedItems { parts.append("failed_items: \(failedItems)") }
        return "MetricResult(" + parts.joined(separator: ", ") + ")"
    }

    public static func == (a: MetricResult, b: MetricResult) -> Bool {
        a.status == b.status && a.triggeredAt == b.triggeredAt && a.value == b.value && a.evidence == b.evidence
            && a.error == b.error && a.failedItems == b.failedItems
    }

    /// The value, or the status when it is not `ok`: what `--format csv` and `verdict test` show.
    public var display: String {
        if status == .ok, let value { return value.description }
        return status.rawValue
    }
}

/// Everything `verdict score` says about one readable conversation.
public struct ConversationResult: Sendable {
    public var id: String
    public var startedAt: Timestamp?
    /// The conversation's `metadata` as read (written to result lines, SPEC 1.2 §6).
    public var metadata: JSONValue? = nil
    /// One result per metric, in rule order.
    public var metrics: [MetricResult]
    public var flows: [String]
    public var functions: [String]
    /// Logged metrics by name in order of first write, with every value written.
    public var logged: [(name: String, values: [JSONValue])]
}
