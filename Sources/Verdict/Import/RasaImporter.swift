import CSQLite
import Foundation

/// A Rasa 3.x tracker store in SQLite → Verdict, streamed one conversation at a time. Rows of
/// table `events` (`sender_id`, `type_name`, `timestamp`, `data` as JSON) are read in order of
/// sender (byte-wise), timestamp, then row id:
/// - one conversation per sender; with `--split-sessions`, one per session as Rasa's markers
///   split them: a session starts at each `action_session_start`, an empty session is a
///   session of its own, and events before the first session start are left out (a sender
///   with no session start is one session). Ids are `SENDER#1`, `SENDER#2`, ... (`#k` is
///   Rasa's `session_idx` k − 1);
/// - `user` → `user` (text; the intent's name in `intents`, and for a retrieval intent its
///   full name `faq/ask_x` too, as Rasa's markers match either); `bot` → `agent`;
/// - `action` → a `function` event named after the action (except `action_listen` and
///   `action_session_start`; an end-to-end action with `action_text` and no name is left out:
///   its words arrive as the `bot` event); `slot` → a `state` event (key = slot name; a `NaN`
///   or infinite value, which Python's `json` writes, becomes null);
/// - `started_at` = the first event's time (UTC); `at` = seconds since then.
/// Other event types (`session_started`, `user_featurization`, `active_loop`, ...) are left out.
///
/// A store is untrusted input: only a real table named `events` is read (not a view, which
/// could recurse forever), with `trusted_schema` off, and a progress budget ends a query that
/// works long without yielding a row. Only this file and `Regex/Pattern.swift` touch C: the
/// database handle and statement are owned by `RasaReader` and closed on every path.
final class RasaReader: RecordSource {
    private let path: String
    private let splitSessions: Bool
    private var db: OpaquePointer?
    private var statement: OpaquePointer?
    /// Work done since the last row, counted by SQLite's progress handler.
    private let progress = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    private var pending: [RawRecord] = []
    private var finished = false

    /// What is being assembled: one sender's conversation, or its current session.
    private struct Current {
        var sender: String
        var session: Int
        var builder: TranscriptBuilder?
        var start: Double
        var problem: String?
        /// Split: whether a session has started (events before the first are left out).
        var inSession: Bool
    }
    private var current: Current?

    /// Progress-handler calls (each after 10,000 SQLite instructions) allowed between rows:
    /// about ten billion instructions, far beyond any real store's sort.
    static let progressBudget = 1_000_000

    init(path: String, splitSessions: Bool) {
        self.path = path
        self.splitSessions = splitSessions
        progress.initialize(to: 0)
        if let problem = open() {
            pending = [RawRecord(source: path, payload: .unreadable(problem))]
            finished = true
        }
    }

    deinit {
        sqlite3_finalize(statement)
        sqlite3_close(db)
        progress.deallocate()
    }

    /// Opens the store and prepares the query; the reason when it cannot.
    private func open() -> String? {
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            return "cannot open the tracker store: \(message)"
        }
        sqlite3_exec(db, "PRAGMA trusted_schema = OFF", nil, nil, nil)
        sqlite3_progress_handler(db, 10_000, { context in
            let counter = context!.assumingMemoryBound(to: Int.self)
            counter.pointee += 1
            return counter.pointee > RasaReader.progressBudget ? 1 : 0
        }, UnsafeMutableRawPointer(progress))
        let shape = "not a Rasa tracker store (table `events` with sender_id, type_name, timestamp, data)"
        var check: OpaquePointer?
        defer { sqlite3_finalize(check) }
        guard sqlite3_prepare_v2(db, "SELECT type, sql FROM sqlite_master WHERE name = 'events'", -1, &check, nil) == SQLITE_OK,
              let check else {
            return "\(shape): \(String(cString: sqlite3_errmsg(db)))"
        }
        guard sqlite3_step(check) == SQLITE_ROW else { return "\(shape): no table `events`" }
        let type = RasaReader.text(check, 0) ?? ""
        let definition = (RasaReader.text(check, 1) ?? "").uppercased()
        guard type == "table", !definition.hasPrefix("CREATE VIRTUAL") else {
            return "\(shape): `events` is a \(type == "table" ? "virtual table" : type), not a table"
        }
        let sql = "SELECT id, sender_id, type_name, timestamp, data FROM events ORDER BY sender_id, timestamp, id"
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, statement != nil else {
            return "\(shape): \(String(cString: sqlite3_errmsg(db)))"
        }
        return nil
    }

    /// The next conversation, or error line; nil at the end.
    func next() -> RawRecord? {
        while pending.isEmpty && !finished { step() }
        return pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Reads one row into the conversation being built, finishing it when the row starts another.
    private func step() {
        progress.pointee = 0
        let result = sqlite3_step(statement)
        if result == SQLITE_DONE {
            finish()
            finished = true
            return
        }
        guard result == SQLITE_ROW, let statement else {
            finish()
            let reason = result == SQLITE_INTERRUPT
                ? "the query ran past its work budget without yielding a row (a hostile store?)"
                : String(cString: sqlite3_errmsg(db))
            pending.append(RawRecord(source: path, payload: .unreadable("reading events failed: \(reason)")))
            finished = true
            return
        }
        let rowID = sqlite3_column_int64(statement, 0)
        let sender = RasaReader.text(statement, 1) ?? ""
        let type = RasaReader.text(statement, 2) ?? ""
        let timestamp = sqlite3_column_double(statement, 3)
        let data = RasaReader.text(statement, 4) ?? "{}"
        if current?.sender != sender {
            finish()
            current = Current(sender: sender, session: splitSessions ? 0 : 1, builder: nil, start: timestamp,
                              problem: nil, inSession: !splitSessions)
        }
        let fields: JSONObject
        do {
            guard case let .object(o) = try JSONParser.parseReadingNonFiniteAsNull(data) else {
                return fail("event row \(rowID): `data` must be a JSON object")
            }
            fields = o
        } catch {
            return fail("event row \(rowID): `data` is not JSON: \(error.message)")
        }
        if splitSessions, type == "action", fields["name"]?.stringValue == "action_session_start" {
            // Rasa leaves out what came before the first session start.
            if current!.inSession { finish(keepSender: true) }
            current!.builder = nil
            current!.problem = nil
            current!.session += 1
            current!.inSession = true
        }
        startIfNeeded(at: timestamp)
        guard current!.problem == nil else { return }
        guard RasaReader.isTime(timestamp) else {
            return fail("event row \(rowID): timestamp \(timestamp) is not a time (seconds since 1970, in years 1 to 9999)")
        }
        do {
            try RasaReader.add(type: type, data: fields, at: timestamp - current!.start, to: &current!.builder!)
        } catch let problem as ImportProblem {
            fail("event row \(rowID): \(problem.message)")
        } catch {
            fail("event row \(rowID): \(error)")
        }
    }

    /// Starts the conversation (or session) at its first event.
    private func startIfNeeded(at timestamp: Double) {
        guard current!.builder == nil else { return }
        let c = current!
        var b = TranscriptBuilder(id: splitSessions ? "\(c.sender)#\(max(1, c.session))" : c.sender)
        b.startedAt = RasaReader.rfc3339(timestamp)
        b.metadata = JSONObject([("source", .string("rasa")), ("sender_id", .string(c.sender))])
        current!.builder = b
        current!.start = timestamp
    }

    /// Marks the conversation being built as unconvertible (it still gets its error line).
    private func fail(_ message: String) {
        startIfNeeded(at: 0)
        if current!.problem == nil { current!.problem = message }
    }

    /// Emits the conversation being built; `keepSender` keeps the sender for the next session.
    private func finish(keepSender: Bool = false) {
        guard let c = current else { return }
        if let builder = c.builder {
            let source = "\(path):\(builder.id)"
            if let problem = c.problem {
                pending.append(RawRecord(source: source, payload: .unreadable(problem)))
            } else {
                pending.append(RawRecord(source: source, payload: .converted(builder.value)))
            }
        }
        if keepSender { current!.builder = nil } else { current = nil }
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: p)
    }

    private static func add(type: String, data d: JSONObject, at seconds: Double, to out: inout TranscriptBuilder) throws {
        let at = JSONValue.number((max(0, seconds) * 1000).rounded() / 1000)
        switch type {
        case "user":
            var intents: [JSONValue] = []
            if case let .object(parse)? = d["parse_data"], case let .object(intent)? = parse["intent"], let name = intent["name"]?.stringValue {
                intents.append(.string(name))
                if let full = retrievalName(parse, intent: name), !full.isExactly(name) { intents.append(.string(full)) }
            }
            out.add("user", [("text", .string(d["text"]?.stringValue ?? "")), ("intents", intents.isEmpty ? nil : .array(intents)), ("at", at)])
        case "bot":
            out.add("agent", [("text", .string(d["text"]?.stringValue ?? "")), ("at", at)])
        case "action":
            guard let name = d["name"]?.stringValue else {
                if d["action_text"]?.stringValue != nil { return }
                throw ImportProblem("an action without `name`")
            }
            if name == "action_listen" || name == "action_session_start" { return }
            out.add("function", [("name", .string(name)), ("at", at)])
        case "slot":
            guard let name = d["name"]?.stringValue else { throw ImportProblem("a slot event without `name`") }
            out.add("state", [("key", .string(name)), ("value", d["value"] ?? .null), ("at", at)])
        default:
            return
        }
    }

    /// A retrieval intent's full name (`faq/ask_x`) from the response selector's output.
    private static func retrievalName(_ parse: JSONObject, intent: String) -> String? {
        guard case let .object(selector)? = parse["response_selector"], case let .object(entry)? = selector[intent],
              case let .object(response)? = entry["response"] else { return nil }
        return response["intent_response_key"]?.stringValue ?? response["full_retrieval_intent_name"]?.stringValue
    }

    /// Whether `seconds` since 1970 is a time RFC 3339 can write: finite, in years 1 to 9999.
    static func isTime(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds >= -62_135_596_800 && seconds < 253_402_300_800
    }

    /// Seconds since 1970 as RFC 3339 UTC, to the millisecond; nil for what is no time in
    /// years 1 to 9999 (infinity, NaN, or beyond).
    static func rfc3339(_ seconds: Double) -> String? {
        guard isTime(seconds) else { return nil }
        let millis = Int64((seconds * 1000).rounded())
        let whole = Int(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(whole) * 1000)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let rest = whole - days * 86_400
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rest / 3600, rest % 3600 / 60, rest % 60, ms)
    }
}
