import CSQLite
import Foundation
import Testing
@testable import Verdict

/// The Rasa importer against hostile stores and the session rules of Rasa's own markers
/// (issue 11): each test is named after what it guards.
@Suite("Rasa importer", .serialized)
struct RasaImportTests {
    /// A tracker store in a fresh folder, built by `sql`; returns the folder and the store's path.
    static func store(_ sql: String) throws -> (URL, String) {
        let dir = try CLI.folder([:])
        let path = dir.appendingPathComponent("tracker.db").path
        var db: OpaquePointer?
        #expect(sqlite3_open(path, &db) == SQLITE_OK)
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        let error = message.map { String(cString: $0) }
        sqlite3_free(message)
        sqlite3_close(db)
        #expect(rc == SQLITE_OK, "\(error ?? "")")
        return (dir, path)
    }

    static let schema = "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT);\n"

    /// Converted records as (source without the folder, JSON or "! error").
    static func convert(_ path: String, split: Bool) -> [(String, String)] {
        let records = InputReader(format: .rasa, inputs: [path], options: ImportOptions(splitSessions: split))
        return Support.records(records, strippingPrefix: URL(fileURLWithPath: path).deletingLastPathComponent().path + "/")
    }

    static func events(_ json: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(object["events"] as? [[String: Any]])
    }

    @Test("progress over a store: conversations counted, no total (a database is not read in byte order), its size once read")
    func progressOverStore() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('s', 'user', 1.0, '{"text": "hi"}'), ('t', 'user', 2.0, '{"text": "hello"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let meter = ProgressMeter()
        let records = InputReader(format: .rasa, inputs: [path], options: ImportOptions(splitSessions: false),
                                  input: InputOptions(progress: meter))
        #expect(records.next() != nil)
        meter.resolveTotal()
        #expect(meter.reading() == ProgressMeter.Reading(records: 1, bytes: 0, totalBytes: nil, pass: 1))
        while records.next() != nil {}
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(meter.reading() == ProgressMeter.Reading(records: 2, bytes: size, totalBytes: nil, pass: 1))
    }

    @Test("sessions are split as Rasa's markers split them: empty sessions kept, events before the first session start left out")
    func sessionsLikeRasa() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('s', 'user', 1.0, '{"text": "before", "parse_data": {"intent": {"name": "greet"}}}'),
          ('s', 'action', 2.0, '{"name": "action_session_start"}'),
          ('s', 'action', 3.0, '{"name": "action_listen"}'),
          ('s', 'action', 4.0, '{"name": "action_session_start"}'),
          ('s', 'user', 5.0, '{"text": "third", "parse_data": {"intent": {"name": "greet"}}}'),
          ('t', 'user', 6.0, '{"text": "no session start at all"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sessions = Self.convert(path, split: true)
        #expect(sessions.map(\.0) == ["tracker.db:s#1", "tracker.db:s#2", "tracker.db:t#1"])
        #expect(try Self.events(sessions[0].1).isEmpty)
        #expect(try Self.events(sessions[1].1).map { $0["text"] as? String } == ["third"])
        #expect(try Self.events(sessions[2].1).count == 1)
        // Without --split-sessions a sender is one conversation with everything.
        let whole = Self.convert(path, split: false)
        #expect(whole.map(\.0) == ["tracker.db:s", "tracker.db:t"])
        #expect(try Self.events(whole[0].1).count == 2)
    }

    @Test("end-to-end actions are left out, retrieval intents keep their full name only from the intent, NaN and infinite slots stay set")
    func fidelity() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('s', 'action', 1.0, '{"name": "action_session_start"}'),
          ('s', 'action', 2.0, '{"name": null, "action_text": "free text bot turn"}'),
          ('s', 'user', 3.0, '{"text": "q", "parse_data": {"intent": {"name": "faq"}, "response_selector": {"faq": {"response": {"intent_response_key": "faq/ask_x"}}}}}'),
          ('s', 'slot', 4.0, '{"name": "score", "value": NaN}'),
          ('s', 'slot', 5.0, '{"name": "big", "value": -Infinity}'),
          ('s', 'slot', 5.5, '{"name": "huge", "value": 1e400}'),
          ('s', 'user', 6.0, '{"text": "r", "parse_data": {"intent": {"name": "faq", "full_retrieval_intent_name": "faq/ask_y"}}}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sessions = Self.convert(path, split: true)
        #expect(sessions.count == 1)
        #expect(sessions[0].1 == #"{"id":"s#1","started_at":"1970-01-01T00:00:01.000Z","metadata":{"source":"rasa","sender_id":"s"},"events":[{"type":"user","text":"q","intents":["faq"],"at":2},{"type":"state","key":"score","value":"NaN","at":3},{"type":"state","key":"big","value":"-Infinity","at":4},{"type":"state","key":"huge","value":"Infinity","at":4.5},{"type":"user","text":"r","intents":["faq","faq/ask_y"],"at":5}]}"#)
    }

    @Test("a timestamp of infinity or outside years 1 to 9999 is an error line for that sender; the others convert", arguments: ["9e999", "-9e999", "1e300", "-1e17"])
    func badTimestamps(timestamp: String) throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('a', 'user', 1.0, '{"text": "fine"}'),
          ('b', 'user', 1.0, '{"text": "fine"}'),
          ('b', 'user', \(timestamp), '{"text": "when?"}'),
          ('c', 'user', 2.0, '{"text": "fine"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.convert(path, split: false)
        #expect(records.map(\.0) == ["tracker.db:a", "tracker.db:b", "tracker.db:c"])
        #expect(records[1].1.hasPrefix("! event row 3: timestamp "))
        #expect(records[1].1.hasSuffix(" is not a time (seconds since 1970, in years 1 to 9999)"))
        #expect(!records[0].1.hasPrefix("!") && !records[2].1.hasPrefix("!"))
    }

    @Test("a store whose events is an endless recursive view is refused at once")
    func recursiveViewRefused() throws {
        let (dir, path) = try Self.store("""
        CREATE VIEW events AS WITH RECURSIVE r(id, sender_id, type_name, timestamp, data) AS
          (SELECT 1, 'x', 'user', 1.0, '{}' UNION ALL SELECT id + 1, 'x', 'user', 1.0, '{}' FROM r)
          SELECT * FROM r;
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.convert(path, split: false)
        #expect(records.count == 1)
        #expect(records[0].1 == "! not a Rasa tracker store (table `events` with sender_id, type_name, timestamp, data): `events` is a view, not a table")
    }

    @Test("a store is streamed one sender at a time, in sender order")
    func streamedSenders() throws {
        // 20,000 senders × 5 events; the reader holds one sender's conversation at a time.
        let (dir, path) = try Self.store(Self.schema + """
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
        INSERT INTO events (sender_id, type_name, timestamp, data)
          SELECT printf('s%05d', i / 5), 'user', 1700000000 + i, '{"text": "hello"}' FROM n;
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = RasaReader(path: path, splitSessions: false)
        var count = 0, first: String?
        while let record = reader.next()?.resolved() {
            if case .converted = record.payload { count += 1 }
            if first == nil { first = record.source }
        }
        #expect(count == 20_000)
        #expect(first?.hasSuffix(":s00000") == true)
    }

    // MARK: As Rasa reads a store (Rasa 3.6.21)

    @Test("events are in row order, not timestamp order: a session start stamped early moves nothing")
    func rowOrderNotTimestamps() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES
          (1, 's', 'user', 10.0, '{"text": "first"}'),
          (2, 's', 'action', 5.0, '{"name": "action_session_start"}'),
          (3, 's', 'user', 11.0, '{"text": "second"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sessions = Self.convert(path, split: true)
        #expect(sessions.map(\.0) == ["tracker.db:s#1"])
        #expect(try Self.events(sessions[0].1).map { $0["text"] as? String } == ["second"])
        let whole = try Self.events(Self.convert(path, split: false)[0].1)
        #expect(whole.map { $0["text"] as? String } == ["first", "second"])
        // started_at is the earliest time; every `at` counts from it.
        #expect(Self.convert(path, split: false)[0].1.contains(#""started_at":"1970-01-01T00:00:05.000Z""#))
        #expect(whole.map { $0["at"] as? Double } == [5, 6])
    }

    @Test("a NULL timestamp column takes the JSON's timestamp; with neither the event keeps its place without `at`")
    func nullTimestamps() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES
          (1, 's', 'user', NULL, '{"event": "user", "timestamp": 100.5, "text": "json time"}'),
          (2, 's', 'user', NULL, '{"event": "user", "text": "no time"}'),
          (3, 's', 'user', 102.0, '{"event": "user", "text": "column time"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let converted = Self.convert(path, split: false)[0].1
        #expect(converted.contains(#""started_at":"1970-01-01T00:01:40.500Z""#))
        let events = try Self.events(converted)
        #expect(events.map { $0["text"] as? String } == ["json time", "no time", "column time"])
        #expect(events.map { $0["at"] as? Double } == [0, nil, 1.5])
        let alone = try Self.store(Self.schema + "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('t', 'user', NULL, '{\"text\": \"x\"}');")
        defer { try? FileManager.default.removeItem(at: alone.0) }
        #expect(!Self.convert(alone.1, split: false)[0].1.contains("started_at"))
    }

    @Test("sender ids are compared by bytes (NFC and NFD are two senders) and keep a NUL")
    func senderBytes() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('caf' || char(233), 'user', 1.0, '{"text": "nfc"}'),
          ('cafe' || char(769), 'user', 2.0, '{"text": "nfd"}'),
          ('a' || char(0) || 'b', 'user', 3.0, '{"text": "with nul"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let converted = Self.convert(path, split: false)
        #expect(converted.count == 3)
        #expect(converted.contains { $0.1.contains(#""id":"a\u0000b""#) })
        let ids = converted.map { try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any] }.map { $0?["id"] as? String }
        #expect(Set(ids.map { Array(($0 ?? "").utf8) }).count == 3)
        // Bytes that are not UTF-8 read as U+FFFD: two such senders are one, as their text is.
        let invalid = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          (CAST(X'FF' AS TEXT), 'user', 1.0, '{"text": "one"}'), (CAST(X'FE' AS TEXT), 'user', 2.0, '{"text": "two"}');
        """)
        defer { try? FileManager.default.removeItem(at: invalid.0) }
        let merged = Self.convert(invalid.1, split: false)
        #expect(merged.count == 1 && merged[0].1.contains("one") && merged[0].1.contains("two"))
    }

    @Test("an event's type is its JSON `event` field, as Rasa reads it, not the type_name column")
    func typeFromJSON() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('s', 'bot', 1.0, '{"event": "user", "text": "typed by JSON"}'),
          ('s', 'user', 2.0, '{"event": "bot", "text": "reply"}'),
          ('s', 'slot', 3.0, '{"event": "action", "name": "action_session_start"}'),
          ('s', 'user', 4.0, '{"event": "user", "text": "next session"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = try Self.events(Self.convert(path, split: false)[0].1)
        #expect(whole.map { $0["type"] as? String } == ["user", "agent", "user"])
        #expect(Self.convert(path, split: true).map(\.0) == ["tracker.db:s#1"])
    }

    @Test("a row whose data cannot be read decides a conversation's error over an earlier row whose event cannot be made")
    func unreadableDataBeforeUnconvertibleEvent() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES
          (1, 'a', 'action', 1.0, '{"policy": "rule"}'),
          (2, 'a', 'user', 2.0, '{"text": "hi"'),
          (3, 'b', 'action', 1.0, '{"policy": "rule"}'),
          (4, 'b', 'slot', 2.0, '{"value": 1}'),
          (5, 'c', 'user', 1.0, '{"text": "hi"}');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let records = Self.convert(path, split: false)
        #expect(records.map(\.0) == ["tracker.db:a", "tracker.db:b", "tracker.db:c"])
        #expect(records[0].1.hasPrefix("! ") && records[0].1.contains("event row 2: `data` is not JSON"), "\(records[0].1)")
        #expect(records[1].1 == "! event row 3: an action without `name`", "\(records[1].1)")
        #expect(!records[2].1.hasPrefix("! "))
    }

    @Test("the session-start search finds the name wherever a plain search does (a seeded comparison)")
    func sessionStartSearchIsSound() {
        let name = Array("action_session_start".utf8)
        // Pieces that overlap the name, repeat its parts and stand near its ends.
        let pieces = [name, Array(name.dropLast()), Array(name.dropFirst()), Array("action_".utf8), Array("session_start".utf8),
                      Array("t".utf8), Array("a".utf8), Array("_".utf8), Array("actionaction_session_star".utf8), Array(" \"".utf8),
                      Array("{\"name\": \"".utf8), Array("é".utf8), [0], [0xFF]]
        var g = SplitMix64(state: 26)
        var found = 0, withEscape = 0
        for _ in 0..<20_000 {
            var data: [UInt8] = []
            for _ in 0..<Int.random(in: 0...6, using: &g) { data += pieces.randomElement(using: &g)! }
            if Int.random(in: 0..<50, using: &g) == 0 { data.insert(UInt8(ascii: "\\"), at: Int.random(in: 0...data.count, using: &g)) }
            let escaped = data.contains(UInt8(ascii: "\\"))
            let plain = data.count >= name.count && (0...(data.count - name.count)).contains { data[$0..<($0 + name.count)].elementsEqual(name) }
            let fast = data.withUnsafeBufferPointer { RasaReader.mayNameSessionStart($0) }
            #expect(fast == (plain || escaped), "\(String(decoding: data, as: UTF8.self))")
            if plain { found += 1 }
            if escaped { withEscape += 1 }
        }
        #expect(found > 2_000 && withEscape > 100, "\(found) with the name, \(withEscape) with a backslash")
    }

    @Test("import rasa - and --from rasa - are usage errors: a tracker store is a file")
    func rasaStandardInput() throws {
        for args in [["import", "rasa", "-"], ["score", "--from", "rasa", "--rules", "rules", "-"]] {
            let run = try CLI.run(args, stdin: Data("{}\n".utf8))
            #expect(run.status == 2)
            #expect(run.stderr.contains("rasa reads a SQLite tracker store, which is a file: name it ('-', standard input, cannot be one)"))
            #expect(run.stdout.isEmpty)
        }
    }

    /// Every field scoring reads of a conversation, as text, to compare two of them.
    static func described(_ c: Conversation) -> String {
        var w = JSONWriter()
        if let metadata = c.metadata { w.value(metadata) }
        var out = "\(c.id) \(c.startedAt.map { "\($0.seconds).\($0.fraction)" } ?? "-") \(String(decoding: w.bytes, as: UTF8.self)) \(c.turns) \(c.unknownTypes)\n"
        for e in c.events {
            var v = JSONWriter()
            if let value = e.value { v.value(value) }
            out += "\(e.kind) \(e.text ?? "-") \(e.name ?? "-") \(e.intents) \(String(decoding: v.bytes, as: UTF8.self)) \(e.at.map { "\($0.bitPattern)" } ?? "-")"
            out += " \(e.args == nil) \(e.result == nil) \(e.error ?? "-") \(e.step ?? "-") \(e.destination ?? "-") \(e.reason ?? "-")\n"
        }
        return out
    }

    @Test("a NULL data column reads as {} (a user event with no text), an empty one is not JSON")
    func nullAndEmptyData() throws {
        let (dir, path) = try Self.store(Self.schema + """
        INSERT INTO events (sender_id, type_name, timestamp, data) VALUES
          ('n', 'user', 1.0, NULL), ('n', 'bot', 2.0, '{"text": "ok"}'), ('e', 'user', 1.0, '');
        """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let converted = Self.convert(path, split: false)
        #expect(converted.count == 2)
        #expect(converted[0].1.hasPrefix("! event row 3: `data` is not JSON"))
        #expect(try Self.events(converted[1].1).map { $0["text"] as? String } == ["", "ok"])
    }

    @Test("score makes each conversation straight from the rows, equal to decoding what import writes (400 seeded rows, split and not)")
    func directConversionEqualsImport() throws {
        var cases = RandomCases(rng: SeededGenerator(state: 2_026))
        // Rows of each type column, mostly well formed; some name their own `event`.
        let datas = [
            "user": [#"{"text": "hi", "parse_data": {"intent": {"name": "greet"}}}"#, #"{"text": "Zo\u00eb", "timestamp": 1700000000.25}"#,
                     #"{"text": "faq", "parse_data": {"intent": {"name": "faq", "full_retrieval_intent_name": "faq/ask_hours"}}}"#,
                     #"{"text": null}"#, #"{"event": "bot", "text": "hello"}"#, #"{"event": "session_started"}"#],
            "bot": [#"{"text": "hello"}"#, #"{"text": "sure", "timestamp": 1700000001}"#],
            "action": [#"{"name": "action_listen"}"#, #"{"name": "action_session_start"}"#, #"{"name": "action_book"}"#, #"{"action_text": "e2e"}"#],
            "slot": [#"{"name": "cuisine", "value": "thai"}"#, #"{"name": "n", "value": 1e400}"#, #"{"name": "o", "value": {"a": [1, NaN]}}"#,
                     #"{"name": "none"}"#],
        ]
        // NULL is a data column with no value: read as `{}`; '' is an empty one: not JSON.
        let broken = ["[1]", "not json", #"{"timestamp": 1e300}"#, "{}", "NULL", ""]
        var sql = Self.schema + "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES\n"
        var rows: [String] = []
        for _ in 0..<400 {
            let type = cases.pick(["user", "bot", "action", "slot", "user"])
            // Broken rows are rare, so that most conversations convert.
            let data = cases.chance(0.02) ? cases.pick(broken) : cases.pick(datas[type]!)
            let time = cases.chance(0.1) ? "NULL" : "\(1_700_000_000 + Int.random(in: 0...5_000, using: &cases.rng)).\(Int.random(in: 0...999, using: &cases.rng))"
            let column = data == "NULL" ? "NULL" : "'\(data.replacingOccurrences(of: "'", with: "''"))'"
            rows.append("('s\(Int.random(in: 0..<30, using: &cases.rng))', '\(type)', \(time), \(column))")
        }
        sql += rows.joined(separator: ",\n") + ";"
        let (dir, path) = try Self.store(sql)
        defer { try? FileManager.default.removeItem(at: dir) }
        var compared = 0, unreadable = 0
        for split in [false, true] {
            let records = InputReader(format: .rasa, inputs: [path], options: ImportOptions(splitSessions: split))
            while let raw = records.next() {
                guard case let .deferred(conversion) = raw.payload else { continue }
                let direct = try #require(conversion.direct?())
                let viaJSON: Result<Conversation, UnreadableConversation>
                switch conversion.run() {
                case let .converted(value): viaJSON = ConversationDecoder.decode(value).map(\.0)
                case let .unreadable(message): viaJSON = .failure(UnreadableConversation(id: nil, message: message))
                default: Issue.record("a conversion that is neither converted nor unreadable"); continue
                }
                switch (direct, viaJSON) {
                case let (.success(a), .success(b)):
                    #expect(Self.described(a) == Self.described(b), "\(raw.source)")
                case let (.failure(a), .failure(b)):
                    #expect(a.message == b.message && a.id == b.id, "\(raw.source)")
                    unreadable += 1
                default:
                    Issue.record("\(raw.source): one way read it, the other did not")
                }
                compared += 1
            }
        }
        #expect(compared > 60 && unreadable > 3 && unreadable < compared / 2, "\(compared) compared, \(unreadable) unreadable")
    }
}
