import Foundation
import Testing
@testable import Verdict

/// The Rasa importer's one-pass reading of an event row's `data` against parsing it whole and
/// looking the fields up, on real-shaped rows and seeded corruptions of them.
@Suite("Rasa event data")
struct RasaEventDataTests {
    static func viaTree(_ data: String) -> String {
        do {
            guard case let .object(d) = try JSONParser.parseReadingNonFiniteAsText(data) else { return "not an object" }
            var intent: JSONObject?
            if case let .object(parse)? = d["parse_data"] { intent = parse["intent"]?.objectValue }
            var timestamp: Double?
            if case let .number(t, _)? = d["timestamp"], t.isFinite { timestamp = t }
            return describe(text: d["text"]?.stringValue, name: d["name"]?.stringValue, value: d["value"],
                            actionText: d["action_text"]?.stringValue, intent: (intent?["name"]?.stringValue, intent?["full_retrieval_intent_name"]?.stringValue),
                            event: d["event"]?.stringValue, timestamp: timestamp)
        } catch {
            return "not JSON: \(error.message)"
        }
    }

    /// `timestamp`: whether the scan is asked for the row's timestamp; when not, the
    /// description leaves it out, and it must still be checked like the rest.
    /// `bytes`: read from the row's bytes, as the importer reads a column, not from a string.
    static func viaScan(_ data: String, timestamp: Bool = true, bytes: Bool = false) -> String {
        let read = bytes ? Array(data.utf8).withUnsafeBufferPointer { RasaEventData.read($0, timestamp: timestamp) } : RasaEventData.read(data, timestamp: timestamp)
        switch read {
        case .failure(.notObject): return "not an object"
        case let .failure(.notJSON(message)): return "not JSON: \(message)"
        case let .success(d):
            return describe(text: d.text, name: d.name, value: d.value, actionText: d.actionText, intent: (d.intentName, d.fullRetrievalIntentName),
                            event: d.event, timestamp: timestamp ? d.timestamp : nil)
        }
    }

    /// The tree's description with the timestamp left out.
    static func withoutTimestamp(_ description: String) -> String {
        guard let range = description.range(of: " timestamp=", options: .backwards) else { return description }
        return description[..<range.lowerBound] + " timestamp=-"
    }

    static func describe(text: String?, name: String?, value: JSONValue?, actionText: String?, intent: (name: String?, full: String?),
                         event: String?, timestamp: Double?) -> String {
        func json(_ v: JSONValue?) -> String {
            guard let v else { return "-" }
            var w = JSONWriter()
            w.value(v)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        return "text=\(text ?? "-") name=\(name ?? "-") value=\(json(value)) action_text=\(actionText ?? "-") "
            + "intent=\(intent.name ?? "-")/\(intent.full ?? "-") event=\(event ?? "-") timestamp=\(timestamp.map { "\($0)" } ?? "-")"
    }

    static let rows = [
        #"{"event": "user", "timestamp": 1700000007.3622518, "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 0.677}, "entities": [], "text": "hi", "message_id": "m1", "metadata": {}}, "input_channel": null, "metadata": {}}"#,
        #"{"event": "user", "text": "what is faq", "parse_data": {"intent": {"name": "faq"}, "response_selector": {"faq": {"response": {"intent_response_key": "faq/ask_x"}}}}}"#,
        #"{"event": "action", "timestamp": 1700000002.5410445, "name": "action_session_start", "policy": null, "confidence": null, "action_text": null}"#,
        #"{"event": "action", "name": null, "action_text": "Hello there"}"#,
        #"{"event": "slot", "timestamp": 1700000014.2895722, "name": "cuisine", "value": NaN}"#,
        #"{"event": "slot", "name": "n", "value": [1, -Infinity, {"a": Infinity}]}"#,
        #"{"event": "bot", "metadata": {"utter_action": "utter_greet"}, "text": "Hey! How can I help?", "data": {}}"#,
        #"{"t\u0065xt": "escaped key", "text": 5, "name": "n", "name": "m", "parse_data": {"intent": 3}, "parse_data": {"intent": {"name": "x"}}}"#,
        #"{"text": "caf\u00e9 \ud83d\ude00", "value": {"deep": [[[[]]]]}}"#,
        #"{"text": "Zoë olá 😀", "parse_data": {"intent": {"name": "grüßen"}}}"#,
        #"{"parse_data": {"intent": {"name": "faq", "full_retrieval_intent_name": "faq/ask_hours", "name": 4}, "intent": {"name": "b"}}, "timestamp": 1e999}"#,
        #"[1, 2]"#, #""text""#, "", "{", #"{"text": "a" "name": "b"}"#, #"{"value": 01}"#, #"{"value": nan}"#,
    ]

    @Test("hand-picked rows read the same")
    func rowsReadTheSame() {
        for row in RasaEventDataTests.rows {
            #expect(RasaEventDataTests.viaScan(row) == RasaEventDataTests.viaTree(row), "\(row)")
            #expect(RasaEventDataTests.viaScan(row, timestamp: false) == RasaEventDataTests.withoutTimestamp(RasaEventDataTests.viaTree(row)), "\(row)")
            #expect(RasaEventDataTests.viaScan(row, bytes: true) == RasaEventDataTests.viaTree(row), "\(row)")
        }
    }

    @Test("a column's bytes that are not UTF-8 read as the text they decode to")
    func invalidBytes() {
        let bytes: [UInt8] = Array(#"{"text": "a"#.utf8) + [0xFF, 0xC3] + Array(#"", "name": "n"}"#.utf8)
        guard case let .success(d) = bytes.withUnsafeBufferPointer({ RasaEventData.read($0) }) else {
            Issue.record("not read")
            return
        }
        #expect(d.text == "a\u{FFFD}\u{FFFD}" && d.name == "n")
        #expect(!bytes.withUnsafeBufferPointer(ByteWords.isASCII))
        #expect(Array("0123456789abcdef".utf8).withUnsafeBufferPointer(ByteWords.isASCII))
    }

    @Test("20,000 seeded corruptions of rows read the same")
    func corruptions() {
        let inserts = [",", "}", "]", "\"", ":", "NaN", "-Infinity", "1e999", "{", "[", "\\", "\\u00", " ", "\"text\": ", "\"parse_data\": {", "null"]
        var readable = 0
        for row in Support.corruptions(of: Array(RasaEventDataTests.rows.prefix(9)), count: 20_000, seed: 3_036, inserts: inserts) {
            let tree = RasaEventDataTests.viaTree(row)
            #expect(RasaEventDataTests.viaScan(row) == tree, "\(row)")
            #expect(RasaEventDataTests.viaScan(row, timestamp: false) == RasaEventDataTests.withoutTimestamp(tree), "\(row)")
            #expect(RasaEventDataTests.viaScan(row, bytes: true) == tree, "\(row)")
            if tree.hasPrefix("text=") { readable += 1 }
        }
        #expect(readable > 2_000 && readable < 18_000, "\(readable) readable")
    }
}
