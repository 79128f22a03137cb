import Testing
@testable import Verdict

@Suite("Transcripts")
struct TranscriptTests {
    static let unreadable: [(String, String?, String)] = [
        (#"{"events": []}"#, nil, "missing `id`"),
        (#"{"id": 7, "events": []}"#, nil, "`id` must be a string"),
        (#"{"id": "a"}"#, "a", "missing `events`"),
        (#"{"id": "a", "events": {}}"#, "a", "`events` must be an array"),
        (#"{"id": "a", "started_at": "yesterday", "events": []}"#, "a", "`started_at` must be an RFC 3339 time, not \"yesterday\""),
        (#"{"id": "a", "started_at": "2026-02-30T10:00:00Z", "events": []}"#, "a", "`started_at` must be an RFC 3339 time, not \"2026-02-30T10:00:00Z\""),
        (#"{"id": "a", "events": [1]}"#, "a", "event 0: an event must be a JSON object"),
        (#"{"id": "a", "events": [{"text": "hi"}]}"#, "a", "event 0: missing `type`"),
        (#"{"id": "a", "events": [{"type": 1}]}"#, "a", "event 0: `type` must be a string"),
        (#"{"id": "a", "events": [{"type": "user"}]}"#, "a", "event 0: missing `text`"),
        (#"{"id": "a", "events": [{"type": "agent", "text": "x", "at": "3"}]}"#, "a", "event 0: `at` must be a number"),
        (#"{"id": "a", "events": [{"type": "user", "text": "x", "intents": [1]}]}"#, "a", "event 0: `intents` must be an array of strings"),
        (#"{"id": "a", "events": [{"type": "flow"}]}"#, "a", "event 0: missing `flow`"),
        (#"{"id": "a", "events": [{"type": "flow", "flow": "F", "step": 2}]}"#, "a", "event 0: `step` must be a string"),
        (#"{"id": "a", "events": [{"type": "function", "name": "f", "args": [1]}]}"#, "a", "event 0: `args` must be an object"),
        (#"{"id": "a", "events": [{"type": "function", "name": "f", "error": 1}]}"#, "a", "event 0: `error` must be a string"),
        (#"{"id": "a", "events": [{"type": "metric", "name": "X", "value": [1]}]}"#, "a", "event 0: `value` must be a string, number, bool or null"),
        (#"{"id": "a", "events": [{"type": "state", "value": 1}]}"#, "a", "event 0: missing `key`"),
        (#"{"id": "a", "events": [{"type": "handoff", "destination": 1}]}"#, "a", "event 0: `destination` must be a string"),
        (#"{"id": "a", "events": [{"type": "end", "reason": false}]}"#, "a", "event 0: `reason` must be a string"),
        (#"{"id": "a", "events": [{"type": "agent", "text": "ok"}, {"type": "user", "text": null}]}"#, "a", "event 1: missing `text`"),
        ("[]", nil, "a conversation must be a JSON object"),
        // SPEC 1.2 §1: metadata is an object or null; checked after started_at, before events.
        (#"{"id": "a", "metadata": 5, "events": []}"#, "a", "`metadata` must be an object or null"),
        (#"{"id": "a", "metadata": ["vip"], "events": {}}"#, "a", "`metadata` must be an object or null"),
        (#"{"id": "a", "metadata": {}, "metadata": "x", "events": []}"#, "a", "`metadata` must be an object or null"),
    ]

    @Test(arguments: unreadable)
    func unreadableConversation(json: String, id: String?, message: String) {
        let result = Array(json.utf8).withUnsafeBufferPointer { ConversationDecoder.decode($0) }
        guard case let .failure(problem) = result else {
            Issue.record("\(json) was read")
            return
        }
        #expect(problem.id == id)
        #expect(problem.message == message)
    }

    @Test("nulls in optional fields are absent; unknown types and fields are kept out of the way")
    func lenient() throws {
        let c = try Support.conversation("""
        {"id": "a", "started_at": null, "metadata": null, "extra": 1, "events": [
          {"type": "flow", "flow": "F", "step": null},
          {"type": "user", "text": "hi", "intents": null, "at": null},
          {"type": "function", "name": "f", "args": null, "result": null, "error": null},
          {"type": "dtmf", "digits": "12"},
          {"type": "agent", "text": "bye"}
        ]}
        """)
        #expect(c.startedAt == nil)
        #expect(c.events[0].step == nil)
        #expect(c.events[1].intents == [])
        #expect(c.events[2].args == nil)
        #expect(c.events[2].result == .null)
        #expect(c.events[2].error == nil)
        #expect(c.events[3].kind == .other)
        #expect(c.turns == [0, 1, 1, 1, 2])
        // metadata is free-form inside an object (SPEC 1.2 §1: an object or null).
        #expect(try Support.conversation(#"{"id": "b", "metadata": {"web": [1, {"x": null}]}, "events": []}"#).metadata?.objectValue?["web"] != nil)
    }

    @Test("RFC 3339 times and dates compare exactly")
    func timestamps() throws {
        let a = try #require(Timestamp.parseDateTime("2026-03-15T00:00:00Z"))
        let b = try #require(Timestamp.parseDateTime("2026-03-15T01:00:00+01:00"))
        let c = try #require(Timestamp.parseDateTime("2026-03-15T00:00:00.0001Z"))
        let d = try #require(Timestamp.parseDateOrDateTime("2026-03-15"))
        #expect(a == b)
        #expect(a < c)
        #expect(d == a)
        #expect(Timestamp.parseDateTime("2026-03-15") == nil)
        #expect(Timestamp.parseDateTime("2024-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parseDateTime("2025-02-29T12:00:00Z") == nil)
        #expect(Timestamp.parseDateTime("2026-03-15T24:00:00Z") == nil)
    }
}
