import Foundation
import Testing
@testable import Verdict

/// Converts `files` (name → text) with `format`; returns every record as (source, JSON or "! error").
private func imported(_ format: ImportFormat, _ files: [String: String], inputs: [String]? = nil,
                      splitSessions: Bool = false) throws -> [(String, String)] {
    let dir = try CLI.folder(files)
    defer { try? FileManager.default.removeItem(at: dir) }
    let paths = (inputs ?? files.keys.sorted()).map { dir.appendingPathComponent($0).path }
    let records = InputReader(format: format, inputs: paths, options: ImportOptions(splitSessions: splitSessions))
    return Support.records(records, strippingPrefix: dir.path + "/")
}

@Suite("Importers")
struct ImportTests {
    @Test("sgd: turns, service calls before the agent's text, intent changes as flows; a bad dialogue is an error line")
    func sgd() throws {
        let dialogues = """
        [{"dialogue_id": "1_00000", "services": ["Restaurants_2"], "turns": [
          {"speaker": "USER", "utterance": "Book a table for 2.", "frames": [{"service": "Restaurants_2", "actions": [{"act": "INFORM"}], "state": {"active_intent": "ReserveRestaurant", "slot_values": {}}}]},
          {"speaker": "SYSTEM", "utterance": "Booked at Sino.", "frames": [{"service": "Restaurants_2", "actions": [], "service_call": {"method": "ReserveRestaurant", "parameters": {"party_size": "2"}}, "service_results": [{"restaurant_name": "Sino"}]}]},
          {"speaker": "USER", "utterance": "Thanks, that's all.", "frames": [{"service": "Restaurants_2", "state": {"active_intent": "ReserveRestaurant"}}, {"service": "Weather_1", "state": {"active_intent": "NONE"}}]}]},
         {"services": []}]
        """
        let got = try imported(.sgd, ["sgd/dialogues_001.json": dialogues, "sgd/schema.json": "[{\"service_name\": \"x\"}]"], inputs: ["sgd"])
        #expect(got.map(\.0) == ["sgd/dialogues_001.json:1", "sgd/dialogues_001.json:2"])
        #expect(got[0].1 == #"{"id":"1_00000","metadata":{"source":"sgd","services":["Restaurants_2"]},"events":[{"type":"flow","flow":"ReserveRestaurant","step":"Restaurants_2"},{"type":"user","text":"Book a table for 2.","intents":["ReserveRestaurant"]},{"type":"function","name":"ReserveRestaurant","args":{"party_size":"2"},"result":{"results":[{"restaurant_name":"Sino"}],"count":1}},{"type":"agent","text":"Booked at Sino."},{"type":"user","text":"Thanks, that's all.","intents":["ReserveRestaurant"]}]}"#)
        #expect(got[1].1 == "! missing `dialogue_id`")
    }

    @Test("openai: messages, tool calls with their results, ids from file and record number, bad arguments an error")
    func openai() throws {
        let lines = """
        {"id": "chat-1", "messages": [{"role": "system", "content": "Be nice."}, {"role": "user", "content": "Where is order 7?"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "track_order", "arguments": "{\\"order\\": {\\"id\\": 7}}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "{\\"status\\": \\"shipped\\"}"}, {"role": "assistant", "content": [{"type": "text", "text": "It has shipped."}]}]}
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
        {"messages": [{"role": "assistant", "tool_calls": [{"id": "c2", "function": {"name": "f", "arguments": "not json"}}]}]}
        {"id": "r-1", "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Weather?"}]}], "output": [{"type": "function_call", "call_id": "k", "name": "weather", "arguments": "{}"}, {"type": "function_call_output", "call_id": "k", "output": "sunny"}, {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Sunny."}]}]}
        """
        let got = try imported(.openai, ["chats.jsonl": lines, "single.json": #"[{"role": "user", "content": "one file"}]"#])
        #expect(got.map(\.0) == ["chats.jsonl:1", "chats.jsonl:2", "chats.jsonl:3", "chats.jsonl:4", "single.json"])
        #expect(got[0].1 == #"{"id":"chat-1","events":[{"type":"user","text":"Where is order 7?"},{"type":"function","name":"track_order","args":{"order":{"id":7}},"result":{"status":"shipped"}},{"type":"agent","text":"It has shipped."}]}"#)
        #expect(got[1].1 == #"{"id":"chats-2","events":[{"type":"user","text":"hi"},{"type":"agent","text":"hello"}]}"#)
        #expect(got[2].1 == "! message 0: arguments of 'f' are not a JSON object: not json")
        #expect(got[3].1 == #"{"id":"r-1","events":[{"type":"user","text":"Weather?"},{"type":"function","name":"weather","args":{},"result":"sunny"},{"type":"agent","text":"Sunny."}]}"#)
        #expect(got[4].1 == #"{"id":"single","events":[{"type":"user","text":"one file"}]}"#)
    }

    @Test("polyai: turns with times from started_at, state, metrics (lists too), handoff last; unknown fields left out")
    func polyai() throws {
        let export = """
        {"conversations": [{"id": "CA1", "started_at": "2026-03-01T10:00:00Z", "channel": "voice", "recording_url": "x",
          "turns": [{"user_input": "", "agent_response": "Hello, how can I help?", "agent_response_datetime": "2026-03-01T10:00:01.5Z"},
                    {"user_input": "I need a human", "user_input_datetime": "2026-03-01T10:00:04Z", "intents": ["handoff"], "agent_response": "Transferring you.", "agent_response_datetime": "2026-03-01T10:00:05Z"}],
          "state": {"tier": "gold"}, "metrics": {"AUTH": [1, 2], "CSAT": 5},
          "handoff": true, "handoff_destination": "billing", "handoff_reason": "asked"},
         {"id": "CA2", "started_at": "yesterday", "turns": []}]}
        """
        let got = try imported(.polyai, ["export.json": export])
        #expect(got.map(\.0) == ["export.json:1", "export.json:2"])
        #expect(got[0].1 == #"{"id":"CA1","started_at":"2026-03-01T10:00:00Z","metadata":{"source":"polyai","channel":"voice"},"events":[{"type":"agent","text":"Hello, how can I help?","at":1.5},{"type":"user","text":"I need a human","intents":["handoff"],"at":4},{"type":"agent","text":"Transferring you.","at":5},{"type":"state","key":"tier","value":"gold"},{"type":"metric","name":"AUTH","value":1},{"type":"metric","name":"AUTH","value":2},{"type":"metric","name":"CSAT","value":5},{"type":"handoff","destination":"billing","reason":"asked"}]}"#)
        #expect(got[1].1 == "! conversation CA2: `started_at` is not an RFC 3339 time: yesterday")
    }

    @Test("rasa: one conversation per sender, or per session; actions as functions, slots as state, times from timestamps")
    func rasa() throws {
        let (dir, path) = try RasaImportTests.store(RasaImportTests.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('u2', 'action', 1772359200.0, '{"name": "action_session_start"}'),
          ('u2', 'user', 1772359201.25, '{"text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 0.9}}}'),
          ('u2', 'action', 1772359201.5, '{"name": "action_listen"}'),
          ('u2', 'bot', 1772359202.0, '{"text": "Hello!"}'),
          ('u2', 'slot', 1772359203.0, '{"name": "city", "value": "Lyon"}'),
          ('u2', 'action', 1772359204.0, '{"name": "action_session_start"}'),
          ('u2', 'user', 1772359205.0, '{"text": "again", "parse_data": {"intent": {"name": "greet"}}}'),
          ('u1', 'action', 1772359300.0, '{"name": "utter_welcome"}'),
          ('u1', 'user', 1772359301.0, 'not json');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = RasaImportTests.convert(path, split: false)
        #expect(whole.map(\.0) == ["tracker.db:u1", "tracker.db:u2"])
        #expect(whole[0].1 == "! event row 9: `data` is not JSON: expected a value but found character 'n'")
        #expect(whole[1].1 == #"{"id":"u2","started_at":"2026-03-01T10:00:00.000Z","metadata":{"source":"rasa","sender_id":"u2"},"events":[{"type":"user","text":"hi","intents":["greet"],"at":1.25},{"type":"agent","text":"Hello!","at":2},{"type":"state","key":"city","value":"Lyon","at":3},{"type":"user","text":"again","intents":["greet"],"at":5}]}"#)
        let sessions = RasaImportTests.convert(path, split: true)
        #expect(sessions.map(\.0) == ["tracker.db:u1#1", "tracker.db:u2#1", "tracker.db:u2#2"])
        #expect(sessions[2].1 == #"{"id":"u2#2","started_at":"2026-03-01T10:00:04.000Z","metadata":{"source":"rasa","sender_id":"u2"},"events":[{"type":"user","text":"again","intents":["greet"],"at":1}]}"#)
    }

    @Test("import and score --from on the command line: error lines with their source, the rest converted, exit 3")
    func commandLine() throws {
        let dir = try CLI.folder([
            "chats.jsonl": #"{"id": "a", "messages": [{"role": "assistant", "content": "Hello there"}]}"# + "\n{\"messages\": 5}\n",
            "rules.yaml": "metrics:\n  - {name: Greeted, type: boolean, definition: d, when: {agent: hello}}\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["import", "openai", "chats.jsonl"], in: dir)
        #expect(run.status == 3)
        #expect(run.stdout == #"{"id":"a","events":[{"type":"agent","text":"Hello there"}]}"# + "\n" + #"{"source":"chats.jsonl:2","error":"`messages` must be an array, not a number"}"# + "\n")
        #expect(run.stderr == "verdict: 1 of 2 records could not be converted; each has an error line\n")
        let scored = try CLI.run(["score", "--rules", "rules.yaml", "--from", "openai", "chats.jsonl"], in: dir)
        #expect(scored.status == 3)
        #expect(scored.stdout.hasPrefix(#"{"id":"a","metrics":{"Greeted":{"status":"ok","value":true"#))
        #expect(scored.stdout.contains(#"{"source":"chats.jsonl:2","id":null,"error":"`messages` must be an array, not a number"}"#))
    }
}

@Suite("Real data", .serialized)
struct RealDataTests {
    /// One file of the SGD dev split, kept in the repository with its licence.
    static let sgd = Support.root.appendingPathComponent("Tests/Data/sgd").path

    @Test("the SGD sample: every dialogue converts, none with an error")
    func sgdDevSet() throws {
        // Count the dialogues with Foundation's parser, independently of Verdict's.
        let file = URL(fileURLWithPath: Self.sgd).appendingPathComponent("dialogues_001.json")
        let dialogues = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [Any])
        #expect(dialogues.count > 100)
        let records = InputReader(format: .sgd, inputs: [Self.sgd])
        var converted = 0, errors: [String] = []
        while let r = records.next()?.resolved() {
            switch r.payload {
            case .converted: converted += 1
            case .json, .deferred: errors.append("\(r.source): converted to bytes, not to a value")
            case let .unreadable(m): errors.append("\(r.source): \(m)")
            }
        }
        #expect(errors == [])
        #expect(converted == dialogues.count)
    }

    @Test("the SGD fixtures (dev dialogues labelled by hand, and written ones) pass with the example rules")
    func sgdFixtures() throws {
        let run = try CLI.run(["test", "--rules", "examples/sgd/rules", "--from", "sgd", "examples/sgd/fixtures"])
        #expect(run.status == 0)
        #expect(run.stdout.hasSuffix("\n15 todo\n167 passed, 0 failed\n"))
    }
}
