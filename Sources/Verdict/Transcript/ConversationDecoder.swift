/// Why a conversation could not be read (SPEC §6): the message, and the id when it was readable.
public struct UnreadableConversation: Error, Sendable {
    public let id: String?
    public let message: String

    public init(id: String?, message: String) {
        self.id = id
        self.message = message
    }
}

/// Turns parsed JSON into a `Conversation`, checking every field SPEC §1 names.
public enum ConversationDecoder {
    /// Parses and decodes one conversation from its JSON text. On success also returns the
    /// top-level object, so that callers can read fields of their own (a fixture's `expect`).
    public static func decode(_ bytes: [UInt8]) -> Result<(Conversation, JSONObject), UnreadableConversation> {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<(Conversation, JSONObject), UnreadableConversation> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.invalidJSON(error.describe(in: bytes))))
        }
        return decode(value)
    }

    public static func decode(_ value: JSONValue) -> Result<(Conversation, JSONObject), UnreadableConversation> {
        guard case let .object(object) = value else {
            return .failure(UnreadableConversation(id: nil, message: TranscriptMessage.notAnObject))
        }
        var id: String?
        do throws(Problem) {
            switch object["id"] {
            case nil, .null?: throw Problem(TranscriptMessage.missing("id"))
            case let .string(s)?: id = s
            default: throw Problem(TranscriptMessage.notAString("id"))
            }
            var startedAt: Timestamp?
            switch object["started_at"] {
            case nil, .null?: break
            case let .string(s)?:
                guard let t = Timestamp.parseDateTime(s) else { throw Problem(TranscriptMessage.startedAtNotATime(s)) }
                startedAt = t
            default: throw Problem(TranscriptMessage.startedAtNotATime)
            }
            // SPEC 1.2 §1: an object (free-form inside) or null.
            let metadata = object["metadata"].flatMap { $0 == .null ? nil : $0 }
            if let metadata, metadata.objectValue == nil { throw Problem(TranscriptMessage.metadataNotAnObject) }
            let rawEvents: [JSONValue]
            switch object["events"] {
            case nil, .null?: throw Problem(TranscriptMessage.missing("events"))
            case let .array(a)?: rawEvents = a
            default: throw Problem(TranscriptMessage.eventsNotAnArray)
            }
            var events: [Event] = []
            var unknownTypes: [String] = []
            events.reserveCapacity(rawEvents.count)
            for (i, raw) in rawEvents.enumerated() {
                do {
                    let event = try decodeEvent(raw)
                    if event.kind == .other, case let .object(o) = raw, case let .string(name)? = o["type"],
                       !unknownTypes.contains(where: { $0.isExactly(name) }) { unknownTypes.append(name) }
                    events.append(event)
                } catch {
                    throw Problem(TranscriptMessage.inEvent(i, error.message))
                }
            }
            var conversation = Conversation(id: id!, startedAt: startedAt, metadata: metadata, events: events)
            conversation.unknownTypes = unknownTypes
            return .success((conversation, object))
        } catch {
            return .failure(withFormatHint(UnreadableConversation(id: id, message: error.message)) { value })
        }
    }

    /// The problem with a hint when the record is a chat transcript rather than SPEC §1: a
    /// `messages` list where `events` should be, or events with `role` instead of `type`. Only
    /// read on that error, so `value` (the record parsed) is asked for then.
    static func withFormatHint(_ problem: UnreadableConversation, _ value: () -> JSONValue?) -> UnreadableConversation {
        let missingEvents = problem.message == TranscriptMessage.missing("events")
        let missingType = problem.message.hasPrefix("event ") && problem.message.hasSuffix(": missing `type`")
        guard missingEvents || missingType, case let .object(o)? = value() else { return problem }
        var chat = false
        if missingEvents {
            chat = o["messages"] != nil || o["input"] != nil
        } else if case let .array(events)? = o["events"] {
            let index = Int(problem.message.dropFirst("event ".count).prefix { $0.isNumber }) ?? -1
            if events.indices.contains(index), case let .object(e) = events[index] { chat = e["role"] != nil }
        }
        guard chat else { return problem }
        return UnreadableConversation(id: problem.id, message: problem.message + (missingEvents
            ? " (it has `messages`: a chat transcript? read it with --from openai)"
            : " (it has `role`: a chat message? read the file with --from openai)"))
    }

    /// The top-level fields a fixture may carry beside the conversation: `expect` and `todo`
    /// (`verdict test`), and `equivalent_mutants` (`verdict mutate`).
    public static let annotationKeys = ["expect", "todo", "equivalent_mutants"]

    /// A conversation's fixture annotations, in the order of `annotationKeys`, when it has any.
    static func annotations(of object: JSONObject) -> JSONObject? {
        var annotations: JSONObject?
        for key in annotationKeys {
            if let value = object[key] {
                if annotations == nil { annotations = JSONObject() }
                annotations!.appendUnchecked(key, value)
            }
        }
        return annotations
    }

    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func decodeEvent(_ raw: JSONValue) throws(Problem) -> Event {
        guard case let .object(o) = raw else { throw Problem(TranscriptMessage.eventNotAnObject) }
        let kind: Event.Kind
        switch o["type"] {
        case nil, .null?: throw Problem(TranscriptMessage.missing("type"))
        case let .string(t)?: kind = Event.Kind(typeName: t)
        default: throw Problem(TranscriptMessage.notAString("type"))
        }
        var e = Event(kind: kind)
        switch o["at"] {
        case nil, .null?: break
        case let .number(d, _)?: e.at = d
        default: throw Problem(TranscriptMessage.atNotANumber)
        }
        switch kind {
        case .user:
            e.text = try requiredString(o, "text")
            switch o["intents"] {
            case nil, .null?: break
            case let .array(items)?:
                e.intents = try items.map { (item) throws(Problem) -> String in
                    guard case let .string(s) = item else { throw Problem(TranscriptMessage.intentsNotStrings) }
                    return s
                }
            default: throw Problem(TranscriptMessage.intentsNotStrings)
            }
        case .agent:
            e.text = try requiredString(o, "text")
        case .flow:
            e.name = try requiredString(o, "flow")
            e.step = try optionalString(o, "step")
        case .function:
            e.name = try requiredString(o, "name")
            switch o["args"] {
            case nil, .null?: break
            case let a? where a.objectValue != nil: e.args = a
            default: throw Problem(TranscriptMessage.argsNotAnObject)
            }
            e.result = o["result"]
            e.error = try optionalString(o, "error")
        case .metric:
            e.name = try requiredString(o, "name")
            switch o["value"] {
            case nil: break
            case let v? where v.objectValue == nil && v.arrayValue == nil: e.value = v
            default: throw Problem(TranscriptMessage.valueNotAScalar)
            }
        case .state:
            e.name = try requiredString(o, "key")
            e.value = o["value"]
        case .handoff:
            e.destination = try optionalString(o, "destination")
            e.reason = try optionalString(o, "reason")
        case .end:
            e.reason = try optionalString(o, "reason")
        case .other:
            break
        }
        return e
    }

    private static func requiredString(_ o: JSONObject, _ key: String) throws(Problem) -> String {
        switch o[key] {
        case nil, .null?: throw Problem(TranscriptMessage.missing(key))
        case let .string(s)?: return s
        default: throw Problem(TranscriptMessage.notAString(key))
        }
    }

    private static func optionalString(_ o: JSONObject, _ key: String) throws(Problem) -> String? {
        switch o[key] {
        case nil, .null?: return nil
        case let .string(s)?: return s
        default: throw Problem(TranscriptMessage.notAString(key))
        }
    }
}
