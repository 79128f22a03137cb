import Foundation

/// A conversations export of a hosted voice-agent platform (its Conversations API) → Verdict.
/// A conversation object has `id`, `started_at` and `turns`; each turn holds `user_input`,
/// `agent_response`, `user_input_datetime`, `agent_response_datetime` and `intents`.
/// - each turn → a `user` event (when `user_input` is not empty; `intents` carried over), then
///   an `agent` event (when `agent_response` is not empty); `at` = seconds from `started_at`;
/// - `state` (an object) → one `state` event per key, at the end, in the export's key order;
/// - `metrics` (name → value, or a list when written more than once) → `metric` events after it;
/// - `handoff` true → a last `handoff` event with `handoff_destination` and `handoff_reason`.
/// Other fields (channel, variant, recordings, ...) are left out; `channel` and `variant`,
/// when present, go to `metadata`.
enum PolyAIImporter {
    static func convert(_ value: JSONValue) throws -> TranscriptBuilder {
        guard case let .object(c) = value else { throw ImportProblem("a conversation must be a JSON object") }
        guard let id = c["id"]?.stringValue else { throw ImportProblem("missing `id` (a string)") }
        var out = TranscriptBuilder(id: id)
        out.keepAnnotations(of: value)
        let fields = ImportFields(object: c, place: "conversation \(id)")
        var start: Timestamp?
        if let text = try fields.string("started_at") {
            guard let t = Timestamp.parseDateTime(text) else { throw ImportProblem("conversation \(id): `started_at` is not an RFC 3339 time: \(text)") }
            start = t
            out.startedAt = text
        }
        var metadata: [(key: String, value: JSONValue)] = [("source", .string("polyai"))]
        for key in ["channel", "variant", "language"] { if let v = c[key], v != .null { metadata.append((key, v)) } }
        out.metadata = JSONObject(metadata)
        func at(_ field: JSONValue?, turn: Int, name: String) throws -> JSONValue? {
            guard let field, field != .null else { return nil }
            guard let text = field.stringValue, let t = Timestamp.parseDateTime(text) else {
                throw ImportProblem("conversation \(id): turn \(turn): `\(name)` is not an RFC 3339 time")
            }
            guard let start else { return nil }
            let seconds = Double(t.seconds - start.seconds) + fraction(t) - fraction(start)
            return .number((seconds * 1000).rounded() / 1000)
        }
        if let turns = c["turns"], turns != .null {
            guard case let .array(list) = turns else { throw ImportProblem("conversation \(id): `turns` must be an array") }
            for (i, turn) in list.enumerated() {
                guard case let .object(t) = turn else { throw ImportProblem("conversation \(id): turn \(i): must be a JSON object") }
                let turnFields = ImportFields(object: t, place: "conversation \(id): turn \(i)")
                let names = try turnFields.array("intents")
                if let input = try turnFields.string("user_input"), !input.isEmpty {
                    var intents: JSONValue?
                    if let names {
                        let strings = names.compactMap(\.stringValue)
                        guard strings.count == names.count else { throw ImportProblem("conversation \(id): turn \(i): `intents` must be strings") }
                        if !strings.isEmpty { intents = .array(strings.map(JSONValue.string)) }
                    }
                    out.add("user", [("text", .string(input)), ("intents", intents),
                                     ("at", try at(t["user_input_datetime"], turn: i, name: "user_input_datetime"))])
                }
                if let response = try turnFields.string("agent_response"), !response.isEmpty {
                    out.add("agent", [("text", .string(response)),
                                      ("at", try at(t["agent_response_datetime"], turn: i, name: "agent_response_datetime"))])
                }
            }
        }
        if let state = try fields.object("state") {
            for (key, v) in state.pairs { out.add("state", [("key", .string(key)), ("value", v)]) }
        }
        if let metrics = try fields.object("metrics") {
            for (name, v) in metrics.pairs {
                let values: [JSONValue]
                if case let .array(list) = v { values = list } else { values = [v] }
                for value in values {
                    switch value {
                    case .array, .object: throw ImportProblem("conversation \(id): metric '\(name)': a value must be a string, number, bool or null")
                    default: out.add("metric", [("name", .string(name)), ("value", value)])
                    }
                }
            }
        }
        let destination = try fields.string("handoff_destination"), reason = try fields.string("handoff_reason")
        if try fields.bool("handoff") == true {
            out.add("handoff", [("destination", destination.map(JSONValue.string)), ("reason", reason.map(JSONValue.string))])
        }
        return out
    }

    private static func fraction(_ t: Timestamp) -> Double { t.fraction.isEmpty ? 0 : Double("0." + t.fraction) ?? 0 }
}
