/// One event of a transcript (SPEC §1). Fields that a type does not have stay nil.
public struct Event: Sendable {
    public enum Kind: UInt8, Sendable {
        case user, agent, flow, function, metric, state, handoff, end
        /// A `type` Verdict does not know: it keeps its index, matches nothing and is no turn.
        case other

        /// The kind a `type` names (SPEC §1); `other` for any name Verdict does not know.
        init(typeName: String) {
            switch typeName {
            case "user": self = .user
            case "agent": self = .agent
            case "flow": self = .flow
            case "function": self = .function
            case "metric": self = .metric
            case "state": self = .state
            case "handoff": self = .handoff
            case "end": self = .end
            default: self = .other
            }
        }
    }

    public var kind: Kind
    /// `user`/`agent`: the utterance.
    public var text: String?
    /// `function`/`metric`: the name; `state`: the key; `flow`: the flow.
    public var name: String?
    /// `flow`: the step, when given.
    public var step: String?
    /// `user`: the intents an NLU model detected.
    public var intents: [String] = []
    /// `function`: arguments, result and error. nil means absent; `.null` is a JSON null.
    public var args: JSONValue?
    public var result: JSONValue?
    public var error: String?
    /// `metric`/`state`: the value; nil when the event omits it.
    public var value: JSONValue?
    /// `handoff`: where to and why; `end`: why.
    public var destination: String?
    public var reason: String?
    /// Seconds since the call started.
    public var at: Double?

    public init(kind: Kind) { self.kind = kind }

    public var isSpoken: Bool { kind == .user || kind == .agent }
}

/// A transcript as read: its id, optional start time and metadata, and its events.
public struct Conversation: Sendable {
    public var id: String
    public var startedAt: Timestamp?
    public var metadata: JSONValue?
    public var events: [Event]
    /// Turn number of each event: user and agent events at indices up to and including it.
    public let turns: [Int]

    public init(id: String, startedAt: Timestamp? = nil, metadata: JSONValue? = nil, events: [Event]) {
        self.id = id
        self.startedAt = startedAt
        self.metadata = metadata
        self.events = events
        var turns: [Int] = []
        turns.reserveCapacity(events.count)
        var t = 0
        for e in events {
            if e.isSpoken { t += 1 }
            turns.append(t)
        }
        self.turns = turns
    }
}
