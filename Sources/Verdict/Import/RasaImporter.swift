import CSQLite
import Foundation

/// A Rasa 3.x tracker store in SQLite → Verdict, streamed one conversation at a time. Rows of
/// table `events` (`sender_id`, `type_name`, `timestamp`, `data` as JSON) are read as Rasa
/// reads them: by sender (compared by bytes, a NUL kept), then by row id — never by timestamp,
/// which Rasa's own code says cannot order events. An event's type is its JSON `event` field
/// (the `type_name` column only where `event` is missing):
/// - one conversation per sender; with `--split-sessions`, one per session as Rasa's markers
///   split them: a session starts at each `action_session_start`, an empty session is a
///   session of its own, and events before the first session start are left out (a sender
///   with no session start is one session). Ids are `SENDER#1`, `SENDER#2`, ... (`#k` is
///   Rasa's `session_idx` k − 1);
/// - `user` → `user` (text; the intent's name in `intents`, and for a retrieval intent its
///   full name `faq/ask_x` too when `intent.full_retrieval_intent_name` gives it, as Rasa's
///   markers match either; a name found only in the response selector is not an intent for
///   them, nor here); `bot` → `agent`;
/// - `action` → a `function` event named after the action (except `action_listen` and
///   `action_session_start`; an end-to-end action with `action_text` and no name is left out:
///   its words arrive as the `bot` event); `slot` → a `state` event (key = slot name; a `NaN`
///   or infinite value, which Python's `json` writes and Rasa counts as set, becomes the
///   string "NaN", "Infinity" or "-Infinity", as does a number too large for a double);
/// - `started_at` = the earliest event time (UTC); `at` = seconds since then. A row whose
///   `timestamp` column is NULL takes its JSON `timestamp`; with neither, the event keeps its
///   place and has no `at`.
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

    /// What is being gathered: one sender's conversation, or its current session, as the
    /// rows read. Converting them (parsing each row's `data`) is left to the thread that
    /// scores the conversation: the reader only reads.
    private struct Current {
        var sender: String
        /// The sender's bytes as SQLite gave them, to tell a row of the same sender without
        /// making a string of its column.
        var senderBytes: [UInt8]
        var session: Int
        var rows: [Row] = []
        /// The rows' `data`, end to end: one buffer per conversation, not a string per row.
        var data: [UInt8] = []
        /// Split: whether a session has started (events before the first are left out).
        var inSession: Bool
    }
    private var current: Current?

    struct Row: Sendable {
        var id: Int64
        var type: String
        /// nil when the column is NULL.
        var timestamp: Double?
        /// Where the row's `data` is in its conversation's buffer (`{}` when the column is NULL).
        var data: Range<Int>
    }

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
        // No mutex: only the reading thread uses the connection (conversions run on copies of
        // the rows), and SQLite otherwise locks it on every column read.
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
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
        let sql = "SELECT id, sender_id, type_name, timestamp, data FROM events ORDER BY sender_id, id"
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
        let senderBytes = RasaReader.bytes(statement, 1)
        let type = RasaReader.typeName(RasaReader.bytes(statement, 2))
        let timestamp = sqlite3_column_type(statement, 3) == SQLITE_NULL ? nil : sqlite3_column_double(statement, 3)
        // The same bytes are the same sender; other bytes are compared as strings, as senders
        // are (two invalid byte sequences can read as the same text).
        if !(current.map { c in c.senderBytes.withUnsafeBufferPointer { RasaReader.same($0, senderBytes) } } ?? false) {
            let sender = String(decoding: senderBytes, as: UTF8.self)
            if current.map({ !$0.sender.isExactly(sender) }) ?? true {
                finish()
                current = Current(sender: sender, senderBytes: Array(senderBytes), session: splitSessions ? 0 : 1, inSession: !splitSessions)
            }
        }
        if splitSessions, RasaReader.startsSession(statement, type: type) {
            // Rasa leaves out what came before the first session start; the start itself
            // begins the new session.
            if current!.inSession { finish(keepSender: true) }
            current!.rows = []
            current!.data = []
            current!.session += 1
            current!.inSession = true
        }
        current!.rows.append(Row(id: rowID, type: type, timestamp: timestamp, data: appendData(statement)))
    }

    /// Whether the row is an action naming `action_session_start`. Most rows are told apart
    /// by a search of their bytes in SQLite's buffer (`mayNameSessionStart`), before any
    /// string is made of them; only the others' data is read.
    private static func startsSession(_ statement: OpaquePointer, type: String) -> Bool {
        let data = bytes(statement, 4)
        guard mayNameSessionStart(data), case let .success(fields) = RasaEventData.read(data, timestamp: false) else { return false }
        return (fields.event ?? type) == "action" && fields.name == "action_session_start"
    }

    /// Appends the row's `data` column (`{}` for NULL) to the conversation's buffer; where it is.
    private func appendData(_ statement: OpaquePointer) -> Range<Int> {
        let start = current!.data.count
        let column = RasaReader.bytes(statement, 4)
        if column.baseAddress == nil {
            current!.data.append(contentsOf: "{}".utf8)
        } else {
            current!.data.append(contentsOf: column)
        }
        return start..<current!.data.count
    }

    /// A `type_name` as a string: the names the importer knows without making one.
    static func typeName(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        for (name, text) in knownTypes where same(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), bytes) {
            return text
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let knownTypes: [(StaticString, String)] = [("user", "user"), ("bot", "bot"), ("action", "action"), ("slot", "slot")]

    /// Whether `data` holds `action_session_start` or a backslash (an escape could spell it):
    /// a prefilter, so never false where the name is written (a test compares it with a plain
    /// search).
    static func mayNameSessionStart(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let text = data.baseAddress else { return false }
        let count = data.count
        if memchr(text, Int32(UInt8(ascii: "\\")), count) != nil { return true }
        // Horspool's search: at each window, the byte under its last position says how far
        // the name may move on (most windows of JSON move on by its whole length).
        let needle = sessionStartName.utf8Start, length = sessionStartName.utf8CodeUnitCount
        return sessionStartShift.withUnsafeBufferPointer { shift in
            var at = 0
            while at + length <= count {
                let last = text[at + length - 1]
                if last == needle[length - 1] && memcmp(text + at, needle, length - 1) == 0 { return true }
                at += Int(shift[Int(last)])
            }
            return false
        }
    }

    private static let sessionStartName: StaticString = "action_session_start"
    /// Per byte, how far the search may move on when it stands under a window's last position.
    private static let sessionStartShift: [UInt8] = {
        let name = UnsafeBufferPointer(start: sessionStartName.utf8Start, count: sessionStartName.utf8CodeUnitCount)
        var shift = [UInt8](repeating: UInt8(name.count), count: 256)
        for k in 0..<(name.count - 1) { shift[Int(name[k])] = UInt8(name.count - 1 - k) }
        return shift
    }()

    /// Emits the conversation gathered; `keepSender` keeps the sender for the next session
    /// (whose rows the caller then starts afresh).
    private func finish(keepSender: Bool = false) {
        guard let c = current else { return }
        if !c.rows.isEmpty {
            let id = splitSessions ? "\(c.sender)#\(max(1, c.session))" : c.sender
            let rows = c.rows, data = c.data, sender = c.sender
            pending.append(RawRecord(source: "\(path):\(id)", payload: .deferred(DeferredConversion(
                run: { RasaReader.convert(rows, data: data, id: id, sender: sender) },
                direct: { RasaReader.conversation(rows, data: data, id: id, sender: sender) }))))
        }
        if !keepSender { current = nil }
    }

    /// One conversation's rows converted in one pass, each row's `data` parsed once: the events
    /// (what scoring reads; `convert` writes them as JSON for `import`), each with its seconds
    /// since the start (to the millisecond), and the start; or why not, named by a row id. A
    /// row whose `data` or time cannot be read decides before any row whose event cannot be
    /// made, wherever the two stand, as when those were two passes.
    static func walk(_ rows: [Row], data: [UInt8]) -> Result<(events: [Event], start: Double?), ImportProblem> {
        var events: [Event] = []
        events.reserveCapacity(rows.count)
        var start: Double?
        var unconvertible: ImportProblem?
        let parsed: ImportProblem? = data.withUnsafeBufferPointer { buffer in
            var fields = RasaEventData()
            for row in rows {
                fields = RasaEventData()
                switch RasaEventData.read(UnsafeBufferPointer(rebasing: buffer[row.data]), timestamp: row.timestamp == nil, into: &fields) {
                case nil: break
                case .notObject?: return ImportProblem("event row \(row.id): `data` must be a JSON object")
                case let .notJSON(message)?: return ImportProblem("event row \(row.id): `data` is not JSON: \(message)")
                }
                let time = row.timestamp ?? fields.timestamp
                if let time {
                    guard isTime(time) else {
                        return ImportProblem("event row \(row.id): timestamp \(time) is not a time (seconds since 1970, in years 1 to 9999)")
                    }
                    if start.map({ time < $0 }) ?? true { start = time }
                }
                guard unconvertible == nil else { continue }
                do throws(ImportProblem) {
                    // Its time for now; made seconds since the start once the start is known.
                    try append(type: fields.event ?? row.type, data: fields, at: time, to: &events)
                } catch {
                    unconvertible = ImportProblem("event row \(row.id): \(error.message)")
                }
            }
            return nil
        }
        if let problem = parsed ?? unconvertible { return .failure(problem) }
        if let start {
            for k in events.indices { if let t = events[k].at { events[k].at = ((t - start) * 1000).rounded() / 1000 } }
        }
        return .success((events, start))
    }

    static func metadata(sender: String) -> JSONObject {
        JSONObject([("source", .string("rasa")), ("sender_id", .string(sender))])
    }

    /// One conversation's rows as a transcript (what `import` writes); the first row that
    /// cannot be converted makes it unreadable.
    static func convert(_ rows: [Row], data: [UInt8], id: String, sender: String) -> RawRecord.Payload {
        switch walk(rows, data: data) {
        case let .failure(problem): return .unreadable(problem.message)
        case let .success((events, start)):
            var builder = TranscriptBuilder(id: id)
            builder.metadata = metadata(sender: sender)
            for e in events {
                let at = e.at.map(JSONValue.number)
                switch e.kind {
                case .user:
                    builder.add("user", [("text", .string(e.text ?? "")), ("intents", e.intents.isEmpty ? nil : .array(e.intents.map(JSONValue.string))), ("at", at)])
                case .function: builder.add("function", [("name", .string(e.name ?? "")), ("at", at)])
                case .state: builder.add("state", [("key", .string(e.name ?? "")), ("value", e.value ?? .null), ("at", at)])
                case .agent: builder.add("agent", [("text", .string(e.text ?? "")), ("at", at)])
                default: break  // the walk makes no other kind
                }
            }
            builder.startedAt = start.flatMap(rfc3339)
            return .converted(builder.value)
        }
    }

    /// The same conversation made straight into what scoring reads, with no JSON in between:
    /// equal to decoding `convert`'s transcript (a test compares them). nil where only that
    /// decoding can say what happens (a start time it would not read back).
    static func conversation(_ rows: [Row], data: [UInt8], id: String, sender: String) -> Result<Conversation, UnreadableConversation>? {
        switch walk(rows, data: data) {
        case let .failure(problem): return .failure(UnreadableConversation(id: nil, message: problem.message))
        case let .success((events, start)):
            var startedAt: Timestamp?
            if let start {
                guard let text = rfc3339(start), let time = Timestamp.parseDateTime(text) else { return nil }
                startedAt = time
            }
            return .success(Conversation(id: id, startedAt: startedAt, metadata: .object(metadata(sender: sender)), events: events))
        }
    }

    /// Whether two byte strings are equal, compared with `memcmp`.
    private static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    /// A column's bytes, in place until the next step (none for NULL).
    private static func bytes(_ statement: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, column)))
    }

    /// A column's text, all its bytes (a NUL inside a sender id is kept, not an end).
    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        let column = bytes(statement, column)
        return column.baseAddress == nil ? nil : String(decoding: column, as: UTF8.self)
    }

    /// Appends the event a row of `type` makes, if any, to `events`: built in place, as an
    /// event is a large value that each copy would move.
    private static func append(type: String, data d: RasaEventData, at: Double?, to events: inout [Event]) throws(ImportProblem) {
        switch type {
        case "user":
            events.append(Event(kind: .user))
            events[events.count - 1].text = d.text ?? ""
            if let name = d.intentName {
                events[events.count - 1].intents.append(name)
                // Rasa's markers read the full name from the intent alone, never from the
                // response selector's output.
                if let full = d.fullRetrievalIntentName, !full.isExactly(name) { events[events.count - 1].intents.append(full) }
            }
        case "bot":
            events.append(Event(kind: .agent))
            events[events.count - 1].text = d.text ?? ""
        case "action":
            guard let name = d.name else {
                if d.actionText != nil { return }
                throw ImportProblem("an action without `name`")
            }
            if name == "action_listen" || name == "action_session_start" { return }
            events.append(Event(kind: .function))
            events[events.count - 1].name = name
        case "slot":
            guard let name = d.name else { throw ImportProblem("a slot event without `name`") }
            events.append(Event(kind: .state))
            events[events.count - 1].name = name
            events[events.count - 1].value = d.value.map(finiteOrText) ?? .null
        default:
            return
        }
        events[events.count - 1].at = at
    }

    /// A slot value with numbers beyond a double (`1e400`) as "Infinity" or "-Infinity", as
    /// Python reads them: set, and told apart from null.
    static func finiteOrText(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .number(d, _) where !d.isFinite: return .string(d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
        case let .array(items): return .array(items.map(finiteOrText))
        case let .object(o): return .object(JSONObject(o.pairs.map { ($0.key, finiteOrText($0.value)) }))
        default: return value
        }
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
        func digits(_ n: Int, _ width: Int) -> String {
            let text = String(n)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(digits(y, 4))-\(digits(m, 2))-\(digits(d, 2))T\(digits(rest / 3600, 2)):\(digits(rest % 3600 / 60, 2)):\(digits(rest % 60, 2)).\(digits(ms, 3))Z"
    }
}
