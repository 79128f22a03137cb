import CSQLite
import Foundation

/// A Rasa 3.x tracker store in SQLite → Verdict. Rows of table `events` (`sender_id`,
/// `type_name`, `timestamp`, `data` as JSON) are read in order of timestamp, then row id:
/// - one conversation per sender (ids sorted byte-wise); with `--split-sessions`, one per
///   session, split at each `action_session_start`, with ids `SENDER#1`, `SENDER#2`, ...;
/// - `user` → `user` (text; the parsed intent's name in `intents`); `bot` → `agent`;
/// - `action` → a `function` event named after the action (except `action_listen` and
///   `action_session_start`); `slot` → a `state` event (key = slot name);
/// - `started_at` = the first event's time (UTC); `at` = seconds since then.
/// Other event types (`session_started`, `user_featurization`, `active_loop`, ...) are left out.
/// Only this file and `Regex/Pattern.swift` touch C: the database handle and statement are
/// owned here and closed on every path.
enum RasaImporter {
    static func read(path: String, splitSessions: Bool) -> [RawRecord] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            return [RawRecord(source: path, payload: .unreadable("cannot open the tracker store: \(message)"))]
        }
        defer { sqlite3_close(db) }
        let sql = "SELECT id, sender_id, type_name, timestamp, data FROM events ORDER BY sender_id, timestamp, id"
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            return [RawRecord(source: path, payload: .unreadable("not a Rasa tracker store (table `events` with sender_id, type_name, timestamp, data): \(String(cString: sqlite3_errmsg(db)))"))]
        }
        defer { sqlite3_finalize(statement) }
        var records: [RawRecord] = []
        var current: (sender: String, session: Int, builder: TranscriptBuilder, start: Double, problem: String?)?
        func flush() {
            guard let c = current else { return }
            let source = "\(path):\(c.builder.id)"
            if let problem = c.problem {
                records.append(RawRecord(source: source, payload: .unreadable(problem)))
            } else {
                records.append(RawRecord(source: source, payload: .json(c.builder.json)))
            }
            current = nil
        }
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                flush()
                records.append(RawRecord(source: path, payload: .unreadable("reading events failed: \(String(cString: sqlite3_errmsg(db)))")))
                break
            }
            let rowID = sqlite3_column_int64(statement, 0)
            let sender = text(statement, 1) ?? ""
            let type = text(statement, 2) ?? ""
            let timestamp = sqlite3_column_double(statement, 3)
            let data = text(statement, 4) ?? "{}"
            if current?.sender != sender {
                flush()
                current = (sender, 1, start(sender, session: splitSessions ? 1 : nil, at: timestamp), timestamp, nil)
            }
            if type == "action", splitSessions, actionName(data) == "action_session_start", current!.builder.events.contains(where: { _ in true }) {
                let next = current!.session + 1
                flush()
                current = (sender, next, start(sender, session: next, at: timestamp), timestamp, nil)
            }
            guard current!.problem == nil else { continue }
            do {
                try add(type: type, data: data, at: timestamp - current!.start, to: &current!.builder)
            } catch let problem as ImportProblem {
                current!.problem = "event row \(rowID): \(problem.message)"
            } catch {
                current!.problem = "event row \(rowID): \(error)"
            }
        }
        flush()
        return records
    }

    private static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: p)
    }

    private static func start(_ sender: String, session: Int?, at timestamp: Double) -> TranscriptBuilder {
        var b = TranscriptBuilder(id: session.map { "\(sender)#\($0)" } ?? sender)
        b.startedAt = rfc3339(timestamp)
        b.metadata = JSONObject([("source", .string("rasa")), ("sender_id", .string(sender))])
        return b
    }

    private static func actionName(_ data: String) -> String? {
        guard case let .object(o)? = try? JSONParser.parse(data) else { return nil }
        return o["name"]?.stringValue
    }

    private static func add(type: String, data: String, at seconds: Double, to out: inout TranscriptBuilder) throws {
        let at = JSONValue.number((max(0, seconds) * 1000).rounded() / 1000)
        let value: JSONValue
        do { value = try JSONParser.parse(data) } catch { throw ImportProblem("`data` is not JSON: \(error.message)") }
        guard case let .object(d) = value else { throw ImportProblem("`data` must be a JSON object") }
        switch type {
        case "user":
            var intents: JSONValue?
            if case let .object(parse)? = d["parse_data"], case let .object(intent)? = parse["intent"], let name = intent["name"]?.stringValue {
                intents = .array([.string(name)])
            }
            out.add("user", [("text", .string(d["text"]?.stringValue ?? "")), ("intents", intents), ("at", at)])
        case "bot":
            out.add("agent", [("text", .string(d["text"]?.stringValue ?? "")), ("at", at)])
        case "action":
            guard let name = d["name"]?.stringValue else { throw ImportProblem("an action without `name`") }
            if name == "action_listen" || name == "action_session_start" { return }
            out.add("function", [("name", .string(name)), ("at", at)])
        case "slot":
            guard let name = d["name"]?.stringValue else { throw ImportProblem("a slot event without `name`") }
            out.add("state", [("key", .string(name)), ("value", d["value"] ?? .null), ("at", at)])
        default:
            return
        }
    }

    /// Seconds since 1970 as RFC 3339 UTC, to the millisecond.
    static func rfc3339(_ seconds: Double) -> String {
        let millis = Int64((seconds * 1000).rounded())
        let whole = Int(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(whole) * 1000)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let rest = whole - days * 86_400
        let (y, m, d) = ReportBuilder.civil(fromDays: days)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, rest / 3600, rest % 3600 / 60, rest % 60, ms)
    }
}
