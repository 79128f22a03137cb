/// The outcome of one metric on one conversation (SPEC §5, §6).
public struct MetricResult: Sendable, Equatable {
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
    public var value: Value?
    public var triggeredAt: Int?
    /// Event indices that decided the value, sorted.
    public var evidence: [Int]
    public var error: String?
    /// For a boolean metric whose `when` is an `all` and whose value is false: the positions
    /// (from 0) of the items that did not hold, so that reports can rank failing clauses.
    public var failedItems: [Int]?

    public init(status: Status, value: Value? = nil, triggeredAt: Int? = nil, evidence: [Int] = [], error: String? = nil,
                failedItems: [Int]? = nil) {
        self.status = status
        self.value = value
        self.triggeredAt = triggeredAt
        self.evidence = evidence
        self.error = error
        self.failedItems = failedItems
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
