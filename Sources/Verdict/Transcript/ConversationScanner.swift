import Foundation

/// What a decoder must keep of the fields only some rules read (SPEC §1). Skipped fields are
/// still checked, so a conversation is unreadable for the same reasons, with the same message.
public struct DecodeNeeds: Sendable, Equatable {
    /// The conversation's `metadata` (no rule reads it; `explain` and importers do).
    public var metadata = true
    /// Function events' `args` and `result`, and state events' `value`.
    public var functionArgs = true
    public var functionResult = true
    public var stateValues = true
    /// The functions whose `args` are kept, those whose `result` is (by name, compared by
    /// bytes), and the state keys whose `value` is; nil keeps every one's. A rule reads them
    /// only of the function or key it names, and a function's `args` only where a rule reads
    /// its `args`, so the others' are checked and skipped, not built.
    public var argsRead: [String]?
    public var resultsRead: [String]?
    public var statesRead: [String]?

    public init(metadata: Bool = true, functionArgs: Bool = true, functionResult: Bool = true, stateValues: Bool = true,
                argsRead: [String]? = nil, resultsRead: [String]? = nil, statesRead: [String]? = nil) {
        self.metadata = metadata
        self.functionArgs = functionArgs
        self.functionResult = functionResult
        self.stateValues = stateValues
        self.argsRead = argsRead
        self.resultsRead = resultsRead
        self.statesRead = statesRead
    }

    /// Whether `name` is among `names` (nil: every name is).
    @inline(__always)
    static func includes(_ names: [String]?, _ name: String) -> Bool {
        guard let names else { return true }
        return names.contains { $0.isExactly(name) }
    }

    public static let everything = DecodeNeeds()
}

/// Decodes a conversation in one pass over its bytes, without building a JSON tree of it: the
/// envelope and the events are read field by field, and only the values kept (`args`,
/// `result`, `value`, `metadata` when needed, fixture annotations) are built as JSON values.
/// Gives exactly what `ConversationDecoder.decode` gives for the fields kept, and the same
/// errors: a syntax error anywhere comes first, then the same checks in the same order.
struct ConversationScanner {
    private var parser: JSONParser
    private let needs: DecodeNeeds
    /// Where each field of the event being read starts, or `absent` (last duplicate wins).
    /// Both tables are held in place, not in arrays: a scanner is made per conversation.
    private var slots = InlineArray<14, Int>(repeating: ConversationScanner.absent)
    /// In `slots`: the event has no such field.
    private static let absent = -1
    /// Where each string field of the event being read ends (after its closing quote) when
    /// its bytes between the quotes are its value, else `absent`: it is then made from them
    /// without being parsed a second time.
    private var plainEnds = InlineArray<14, Int>(repeating: ConversationScanner.absent)
    /// Event types SPEC §1 does not name, each once (`Conversation.unknownTypes`).
    private var unknownTypes: [String] = []
    /// The utterances read so far, end to end: every text event's `Utterance` is a range of it.
    private var utterances: [UInt8] = []

    private enum EventField: Int, CaseIterable {
        case type, at, text, intents, flow, step, name, args, result, error, value, key, destination, reason
        static let names = JSONKeyTable(allCases.map { Array(String(describing: $0).utf8) })
    }

    private enum TopField: CaseIterable {
        case id, started_at, metadata, events, expect, todo, equivalent_mutants
        static let names = JSONKeyTable(allCases.map { Array(String(describing: $0).utf8) })
    }

    /// A field of the envelope as found: absent, null, or where its value starts.
    private enum Found: Equatable {
        case absent, null, at(Int)
    }

    private init(_ bytes: UnsafeBufferPointer<UInt8>, needs: DecodeNeeds) {
        parser = JSONParser(bytes)
        self.needs = needs
        assert(slots.count == EventField.allCases.count, "a slot for each event field")
    }

    /// The conversation, and its fixture annotations (`expect`, `todo`) when it has any.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, needs: DecodeNeeds) -> Result<(Conversation, JSONObject?), UnreadableConversation> {
        var scanner = ConversationScanner(bytes, needs: needs)
        do {
            return try scanner.conversation()
        } catch {
            return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.invalidJSON(error.describe(in: bytes))))
        }
    }

    /// A conversation's `id` (the last one, as duplicate keys go) when it is a string, read
    /// without decoding anything else: for finding a few conversations among many. Nil for
    /// text that is not a JSON object, or one without a string `id`.
    static func id(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var parser = JSONParser(bytes)
        var found: String?
        do {
            parser.skipWhitespace()
            guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "{"), try parser.enterObject() else { return nil }
            repeat {
                try parser.expectKey()
                let isID = try parser.readKey(among: [Array("id".utf8)]) != nil
                try parser.skipColon()
                if isID, parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "\"") {
                    found = try parser.parseString()
                } else {
                    if isID { found = nil }
                    try parser.skipValue()
                }
            } while try !parser.endOfMember(closing: UInt8(ascii: "}"))
        } catch {
            return nil
        }
        return found
    }

    private mutating func conversation() throws(JSONSyntaxError) -> Result<(Conversation, JSONObject?), UnreadableConversation> {
        let bytes = parser.bytes
        parser.skipWhitespace()
        guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "{") else {
            try parser.skipValue()
            try parser.expectEnd()
            return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.notAnObject))
        }
        var id = Found.absent, startedAt = Found.absent, events = Found.absent
        var metadata: JSONValue?
        // The first byte of `metadata`'s value (the last one written wins), for its type check.
        var metadataLead: UInt8?
        var annotated: [(key: String, value: JSONValue)] = []
        var decoded: [Event] = []
        var eventProblem: String?
        if try parser.enterObject() {
            repeat {
                try parser.expectKey()
                let field = try parser.readKey(among: TopField.names).map { TopField.allCases[$0] }
                try parser.skipColon()
                let start = parser.position
                let lead = start < bytes.count ? bytes[start] : 0
                let isNull = lead == UInt8(ascii: "n")
                switch field {
                case .id?:
                    id = isNull ? .null : .at(start)
                    try parser.skipValue()
                case .started_at?:
                    startedAt = isNull ? .null : .at(start)
                    try parser.skipValue()
                case .metadata?:
                    metadataLead = lead
                    if needs.metadata {
                        let value = try parser.parseValue()
                        metadata = value == .null ? nil : value
                    } else {
                        try parser.skipValue()
                    }
                case .events?:
                    events = isNull ? .null : .at(start)
                    decoded = []
                    eventProblem = nil
                    if lead == UInt8(ascii: "[") {
                        // Room for the events the rest of the line likely holds (an event takes
                        // some 64 bytes or more), rather than growing one doubling at a time.
                        decoded.reserveCapacity(min((parser.bytes.count - parser.position) / 64, 1_024))
                        eventProblem = try readEvents(into: &decoded)
                    } else {
                        try parser.skipValue()
                    }
                case .expect?, .todo?, .equivalent_mutants?:
                    // The last of duplicate keys wins, as for every field.
                    let key = String(describing: field!)
                    annotated.removeAll { $0.key == key }
                    annotated.append((key, try parser.parseValue()))
                case nil: try parser.skipValue()
                }
            } while try !parser.endOfMember(closing: UInt8(ascii: "}"))
        }
        try parser.expectEnd()

        // The checks of `ConversationDecoder.decode`, in its order.
        var idString: String?
        switch id {
        case .absent, .null: return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.missing("id")))
        case let .at(p):
            guard bytes[p] == UInt8(ascii: "\"") else { return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.notAString("id"))) }
            idString = try string(at: p)
        }
        var started: Timestamp?
        if case let .at(p) = startedAt {
            guard bytes[p] == UInt8(ascii: "\"") else {
                return .failure(UnreadableConversation(id: idString, message: TranscriptMessage.startedAtNotATime))
            }
            let s = try string(at: p)
            guard let t = Timestamp.parseDateTime(s) else {
                return .failure(UnreadableConversation(id: idString, message: TranscriptMessage.startedAtNotATime(s)))
            }
            started = t
        }
        // SPEC 1.2 §1: `metadata` is an object or null.
        if let lead = metadataLead, lead != UInt8(ascii: "{"), lead != UInt8(ascii: "n") {
            return .failure(UnreadableConversation(id: idString, message: TranscriptMessage.metadataNotAnObject))
        }
        switch events {
        case .absent, .null: return .failure(UnreadableConversation(id: idString, message: TranscriptMessage.missing("events")))
        case let .at(p) where bytes[p] != UInt8(ascii: "["):
            return .failure(UnreadableConversation(id: idString, message: TranscriptMessage.eventsNotAnArray))
        default: break
        }
        if let eventProblem { return .failure(UnreadableConversation(id: idString, message: eventProblem)) }
        var annotations: JSONObject?
        if !annotated.isEmpty {
            var object = JSONObject()
            for key in ConversationDecoder.annotationKeys {
                if let found = annotated.first(where: { $0.key == key }) { object.appendUnchecked(key, found.value) }
            }
            annotations = object
        }
        // The texts' bytes, all read: each utterance gets the array it is a range of.
        if !utterances.isEmpty {
            let shared = utterances
            for i in decoded.indices where decoded[i].utterance != nil { decoded[i].utterance!.storage = shared }
        }
        var conversation = Conversation(id: idString!, startedAt: started, metadata: metadata, events: decoded)
        conversation.unknownTypes = unknownTypes
        return .success((conversation, annotations))
    }

    private mutating func string(at p: Int) throws(JSONSyntaxError) -> String {
        let saved = parser.position
        parser.position = p
        defer { parser.position = saved }
        return try parser.parseString()
    }

    private mutating func value(at p: Int) throws(JSONSyntaxError) -> JSONValue {
        let saved = parser.position, depth = parser.depth
        parser.position = p
        defer { parser.position = saved; parser.depth = depth }
        return try parser.parseValue()
    }

    /// Reads the events array; returns the first event's problem, as the decoder words it.
    private mutating func readEvents(into events: inout [Event]) throws(JSONSyntaxError) -> String? {
        let bytes = parser.bytes
        var problem: String?
        try parser.enter()
        parser.position += 1
        parser.skipWhitespace()
        if parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "]") {
            parser.position += 1
            parser.depth -= 1
            return nil
        }
        var index = 0
        while true {
            parser.skipWhitespace()
            if problem != nil {
                try parser.skipValue()
            } else {
                if let p = try event(into: &events) { problem = TranscriptMessage.inEvent(index, p.message) }
            }
            index += 1
            if try parser.endOfMember(closing: UInt8(ascii: "]")) { return problem }
        }
    }

    /// Reads one event: its fields' positions first, then the checks of `decodeEvent`.
    /// Appends the event, or returns its problem (and appends nothing).
    private mutating func event(into events: inout [Event]) throws(JSONSyntaxError) -> ConversationDecoder.Problem? {
        let bytes = parser.bytes
        guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "{") else {
            try parser.skipValue()
            return .init(TranscriptMessage.eventNotAnObject)
        }
        for i in slots.indices {
            slots[i] = Self.absent
            plainEnds[i] = Self.absent
        }
        if try parser.enterObject() {
            repeat {
                try parser.expectKey()
                let field = try parser.readKey(among: EventField.names)
                try parser.skipColon()
                if let field {
                    slots[field] = parser.position
                    if parser.position < bytes.count && bytes[parser.position] == UInt8(ascii: "\"") {
                        plainEnds[field] = try parser.skipStringReadingKind() == .other ? Self.absent : parser.position
                        continue
                    }
                    plainEnds[field] = Self.absent
                }
                try parser.skipValue()
            } while try !parser.endOfMember(closing: UInt8(ascii: "}"))
        }
        do throws(ConversationDecoder.Problem) {
            // Built in place: an Event is large, and moving it costs more than filling it.
            events.append(Event(kind: try eventKind()))
            do throws(ConversationDecoder.Problem) {
                try fill(&events[events.count - 1])
            } catch {
                events.removeLast()
                throw error
            }
            return nil
        } catch {
            return error
        }
    }

    /// The first byte of a field's value, or nil when the field is absent or null.
    private func lead(_ field: EventField) -> UInt8? {
        let p = slots[field.rawValue]
        guard p != Self.absent, parser.bytes[p] != UInt8(ascii: "n") else { return nil }
        return parser.bytes[p]
    }

    private func isPresent(_ field: EventField) -> Bool { slots[field.rawValue] != Self.absent }

    private mutating func eventKind() throws(ConversationDecoder.Problem) -> Event.Kind {
        let kind: Event.Kind
        switch lead(.type) {
        case nil: throw .init(TranscriptMessage.missing("type"))
        case UInt8(ascii: "\"")?:
            if let known = knownKind() { return known }
            let name = readString(.type)
            kind = Event.Kind(typeName: name)
            if kind == .other, !unknownTypes.contains(where: { $0.isExactly(name) }) { unknownTypes.append(name) }
        default: throw .init(TranscriptMessage.notAString("type"))
        }
        return kind
    }

    /// SPEC §1's types as bytes, in the order of `Event.Kind`'s raw values.
    private static let typeBytes = Event.Kind.typeNames.map { Array($0.utf8) }

    /// The kind a `type` written as one of SPEC §1's names, without escapes, names: read from
    /// the bytes in place (every event has a type, and making a string of each costs). Nil for
    /// any other `type`, which is read as a string.
    private func knownKind() -> Event.Kind? {
        let end = plainEnds[EventField.type.rawValue]
        guard end != Self.absent else { return nil }
        let first = slots[EventField.type.rawValue] + 1, count = end - 1 - first
        let raw = parser.bytes.baseAddress! + first
        for (i, name) in Self.typeBytes.enumerated() where name.count == count {
            if name.withUnsafeBufferPointer({ n in (0..<count).allSatisfy { n[$0] == raw[$0] } }) { return Event.Kind(rawValue: UInt8(i)) }
        }
        return nil
    }

    /// The checks of `decodeEvent` after `type`, in its order.
    private mutating func fill(_ e: inout Event) throws(ConversationDecoder.Problem) {
        let kind = e.kind
        if let b = lead(.at) {
            guard b == UInt8(ascii: "-") || (b >= 0x30 && b <= 0x39) else { throw .init(TranscriptMessage.atNotANumber) }
            e.at = readValue(.at).numberValue
        }
        switch kind {
        case .user:
            e.utterance = try requiredUtterance()
            if lead(.intents) != nil {
                guard case let .array(items) = readValue(.intents) else { throw .init(TranscriptMessage.intentsNotStrings) }
                e.intents = try items.map { (item) throws(ConversationDecoder.Problem) -> String in
                    guard case let .string(s) = item else { throw .init(TranscriptMessage.intentsNotStrings) }
                    return s
                }
            }
        case .agent:
            e.utterance = try requiredUtterance()
        case .flow:
            e.name = try requiredString(.flow, "flow")
            e.step = try optionalString(.step, "step")
        case .function:
            let name = try requiredString(.name, "name")
            e.name = name
            if let b = lead(.args) {
                guard b == UInt8(ascii: "{") else { throw .init(TranscriptMessage.argsNotAnObject) }
                if needs.functionArgs && DecodeNeeds.includes(needs.argsRead, name) { e.args = readValue(.args) }
            }
            if isPresent(.result) && needs.functionResult && DecodeNeeds.includes(needs.resultsRead, name) { e.result = readValue(.result) }
            e.error = try optionalString(.error, "error")
        case .metric:
            e.name = try requiredString(.name, "name")
            if isPresent(.value) {
                let b = parser.bytes[slots[EventField.value.rawValue]]
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { throw .init(TranscriptMessage.valueNotAScalar) }
                e.value = readValue(.value)
            }
        case .state:
            let key = try requiredString(.key, "key")
            e.name = key
            if isPresent(.value) && needs.stateValues && DecodeNeeds.includes(needs.statesRead, key) { e.value = readValue(.value) }
        case .handoff:
            e.destination = try optionalString(.destination, "destination")
            e.reason = try optionalString(.reason, "reason")
        case .end:
            e.reason = try optionalString(.reason, "reason")
        case .other:
            break
        }
    }

    /// A field's value, already checked: building it again cannot fail.
    private mutating func readValue(_ field: EventField) -> JSONValue {
        (try? value(at: slots[field.rawValue])) ?? .null
    }

    private mutating func readString(_ field: EventField) -> String {
        let end = plainEnds[field.rawValue]
        if end != Self.absent {
            return String(decoding: UnsafeBufferPointer(rebasing: parser.bytes[(slots[field.rawValue] + 1)..<(end - 1)]), as: UTF8.self)
        }
        return (try? string(at: slots[field.rawValue])) ?? ""
    }

    /// The event's `text`, added to `utterances`: a range of it, whose array is set once the
    /// conversation is read.
    private mutating func requiredUtterance() throws(ConversationDecoder.Problem) -> Utterance {
        switch lead(.text) {
        case nil: throw .init(TranscriptMessage.missing("text"))
        case UInt8(ascii: "\"")?: break
        default: throw .init(TranscriptMessage.notAString("text"))
        }
        let p = slots[EventField.text.rawValue], end = plainEnds[EventField.text.rawValue]
        if end != Self.absent {
            // As written (checked UTF-8, no escape): copied, not decoded.
            let bytes = UnsafeBufferPointer(rebasing: parser.bytes[(p + 1)..<(end - 1)])
            return utterance(bytes)
        }
        var text = (try? string(at: p)) ?? ""
        return text.withUTF8 { utterance($0) }
    }

    private mutating func utterance(_ bytes: UnsafeBufferPointer<UInt8>) -> Utterance {
        // Room for every text of the line at once: they are never longer than the line.
        if utterances.capacity == 0 { utterances.reserveCapacity(parser.bytes.count - parser.position) }
        let start = utterances.count
        utterances.append(contentsOf: bytes)
        return Utterance(in: [], start: start, count: bytes.count)
    }

    private mutating func requiredString(_ field: EventField, _ name: String) throws(ConversationDecoder.Problem) -> String {
        switch lead(field) {
        case nil: throw .init(TranscriptMessage.missing(name))
        case UInt8(ascii: "\"")?: return readString(field)
        default: throw .init(TranscriptMessage.notAString(name))
        }
    }

    private mutating func optionalString(_ field: EventField, _ name: String) throws(ConversationDecoder.Problem) -> String? {
        switch lead(field) {
        case nil: return nil
        case UInt8(ascii: "\"")?: return readString(field)
        default: throw .init(TranscriptMessage.notAString(name))
        }
    }
}
