/// One event of a transcript (SPEC §1). Fields that a type does not have stay nil.
public struct Event: Sendable {
    public enum Kind: UInt8, Sendable {
        /// Whether the event is an utterance (`user` or `agent`).
        @inline(__always) public var isSpoken: Bool { self == .user || self == .agent }

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

        static let typeNames = ["user", "agent", "flow", "function", "metric", "state", "handoff", "end"]

        /// Words other formats use for a type of SPEC §1: `assistant` is what an agent event is
        /// called in chat transcripts, which no edit distance would find.
        private static let synonyms: [String: String] = [
            "assistant": "agent", "bot": "agent", "ai": "agent", "system": "agent", "model": "agent",
            "human": "user", "customer": "user", "caller": "user", "client": "user",
            "tool": "function", "tool_call": "function", "function_call": "function",
            "slot": "state", "intent": "flow", "transfer": "handoff", "hangup": "end",
        ]

        /// The message for events of an unknown `type`, once per run and type, with a likely fix:
        /// `unknown event type 'assistant' in 12 conversations (did you mean 'agent'?)`.
        public static func unknownTypeWarning(_ name: String, conversations: Int) -> String {
            let hint = synonyms[name.lowercased()] ?? Suggestion.closest(to: name, in: typeNames)
            return "unknown event type '\(name)' in \(conversations) \(conversations == 1 ? "conversation" : "conversations")"
                + (hint.map { " (did you mean '\($0)'?)" } ?? "; such events are kept, but no rule reads them")
        }
    }

    public var kind: Kind
    /// `user`/`agent`: the utterance.
    public var text: String? {
        get { utterance?.string }
        set { utterance = newValue.map(Utterance.init) }
    }
    /// The utterance's bytes, where decoding left them: what scoring reads, without a string.
    var utterance: Utterance?
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

    @inline(__always) public var isSpoken: Bool { kind.isSpoken }
}

/// An utterance's bytes, valid UTF-8: a range of an array that all the utterances of a decoded
/// conversation share, so that decoding a text costs no allocation of its own; a text set as
/// a string has an array to itself.
struct Utterance: Sendable {
    var storage: [UInt8]
    let start: Int
    let count: Int

    init(_ text: String) {
        storage = Array(text.utf8)
        start = 0
        count = storage.count
    }

    /// `count` bytes from `start` of `storage` (the decoder sets `storage` once the
    /// conversation's texts are all read).
    init(in storage: [UInt8], start: Int, count: Int) {
        self.storage = storage
        self.start = start
        self.count = count
    }

    var string: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<(start + count)])) }
    }
}

/// A transcript as read: its id, optional start time and metadata, and its events.
public struct Conversation: Sendable {
    public var id: String
    public var startedAt: Timestamp?
    public var metadata: JSONValue?
    public var events: [Event]
    /// Turn number of each event: user and agent events at indices up to and including it.
    public let turns: [Int]
    /// The `type`s of its events that SPEC §1 does not name (kept as events no leaf reads), each
    /// once, in order of appearance: `score` reports them, since they are most often a typo.
    public var unknownTypes: [String] = []

    public init(id: String, startedAt: Timestamp? = nil, metadata: JSONValue? = nil, events: [Event]) {
        self.id = id
        self.startedAt = startedAt
        self.metadata = metadata
        self.events = events
        var turns: [Int] = []
        turns.reserveCapacity(events.count)
        var t = 0
        // The kind read in place: `for e in events` (or `isSpoken` on an element) copies
        // each event, retaining every field.
        events.withUnsafeBufferPointer { events in
            for i in events.indices {
                if events[i].kind.isSpoken { t += 1 }
                turns.append(t)
            }
        }
        self.turns = turns
    }

    /// T, the number of `user` and `agent` events: the last turn, which `turns: [-1]` names.
    public var spokenTurns: Int { turns.last ?? 0 }
}
