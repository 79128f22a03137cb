/// Receives scored conversations in input order; each output format is one sink.
///
/// `render` runs on the scoring threads, right after a conversation is scored, so formatting
/// work is parallel; `write` then receives the rendered items one by one, in input order.
public protocol ResultSink {
    associatedtype Rendered: Sendable
    /// Turns one scored conversation into what `write` needs; called from any thread.
    var renderer: @Sendable (ScoredConversation) -> Rendered { get }
    mutating func write(_ rendered: Rendered)
    mutating func finish() throws
    /// Whether what it writes holds the conversations' `metadata`, which decoding otherwise skips.
    var writesMetadata: Bool { get }
}

extension ResultSink {
    public var writesMetadata: Bool { false }
}

extension ResultSink where Rendered == ScoredConversation {
    public var renderer: @Sendable (ScoredConversation) -> ScoredConversation { { $0 } }
}

/// A conversation as the pipeline hands it on: its source, its record, and the fixture
/// annotations it carried (`expect`, `todo`), if any.
public struct ScoredConversation: Sendable {
    public var source: String
    public var record: ScoreRecord
    /// The conversation's `expect` and `todo` fields, when it has either.
    public var annotations: JSONObject?
    /// Its event types that SPEC §1 does not name (`Conversation.unknownTypes`).
    public var unknownTypes: [String] = []

    public init(source: String, record: ScoreRecord, annotations: JSONObject? = nil) {
        self.source = source
        self.record = record
        self.annotations = annotations
    }
}

/// `verdict score` JSON Lines (SPEC §6).
public struct JSONLinesSink: ResultSink {
    private let output: ByteOutput
    private let keys: MetricKeys

    /// `metadata`: what each line keeps of its conversation's `metadata` (SPEC 1.2 §6).
    public init(rules: RuleSet, output: ByteOutput, metadata: MetadataSelection = .all) {
        self.output = output
        keys = MetricKeys(rules.metrics.map(\.name), metadata: metadata)
    }

    public var writesMetadata: Bool { keys.metadata != .none }

    /// Each metric's `"name":{"status":` (with the comma before all but the first), encoded
    /// once per run instead of once per conversation.
    public struct MetricKeys: Sendable {
        let prefixes: [[UInt8]]
        /// Whole results that are the same every time, prefix included: `not_applicable` and
        /// `inactive` (no value, trigger or evidence).
        let notApplicable: [[UInt8]]
        let inactive: [[UInt8]]
        /// The start of an `ok` boolean result up to its `triggered_at` value.
        let okTrue: [[UInt8]]
        let okFalse: [[UInt8]]
        let metadata: MetadataSelection

        public init(_ names: [String], metadata: MetadataSelection = .all) {
            self.metadata = metadata
            prefixes = names.enumerated().map { i, name in
                var w = JSONWriter()
                if i > 0 { w.raw(",") }
                w.string(name)
                w.raw(":{\"status\":")
                return w.bytes
            }
            notApplicable = prefixes.map { $0 + Array(#""not_applicable","value":null,"triggered_at":null,"evidence":[]}"#.utf8) }
            inactive = prefixes.map { $0 + Array(#""inactive","value":null,"triggered_at":null,"evidence":[]}"#.utf8) }
            okTrue = prefixes.map { $0 + Array(#""ok","value":true,"triggered_at":"#.utf8) }
            okFalse = prefixes.map { $0 + Array(#""ok","value":false,"triggered_at":"#.utf8) }
        }
    }

    public var renderer: @Sendable (ScoredConversation) -> [UInt8] {
        { [keys] item in
            var w = JSONWriter(capacity: 128 + 96 * keys.prefixes.count)
            JSONLinesSink.encode(item.record, keys: keys, into: &w)
            w.bytes.append(0x0A)
            return w.bytes
        }
    }

    public mutating func write(_ line: [UInt8]) {
        output.write(line)
    }

    public mutating func finish() throws { try output.flush() }

    public static func encode(_ record: ScoreRecord, metricNames: [String], into w: inout JSONWriter) {
        encode(record, keys: MetricKeys(metricNames), into: &w)
    }

    public static func encode(_ record: ScoreRecord, keys: MetricKeys, into w: inout JSONWriter) {
        switch record {
        case let .unreadable(source, id, message):
            w.raw("{\"source\":")
            w.string(source)
            w.raw(",\"id\":")
            if let id { w.string(id) } else { w.raw("null") }
            w.raw(",\"error\":")
            w.string(message)
            w.raw("}")
        case let .scored(result):
            w.raw("{\"id\":")
            w.string(result.id)
            if let started = result.startedAt {
                w.raw(",\"started_at\":")
                w.string(started.text)
            }
            if let metadata = keys.metadata.kept(result.metadata) {
                // As read: keys in input order, numbers with their literal (SPEC 1.2 §6).
                w.raw(",\"metadata\":")
                w.value(metadata)
            }
            w.raw(",\"metrics\":{")
            for i in result.metrics.indices {
                let m = result.metrics[i]
                if m.error == nil && m.failedItems == nil && m.value == nil && m.triggeredAt == nil && m.evidence.isEmpty {
                    if m.status == .notApplicable {
                        w.raw(keys.notApplicable[i])
                        continue
                    }
                    if m.status == .inactive {
                        w.raw(keys.inactive[i])
                        continue
                    }
                }
                if m.status == .ok, case let .bool(b)? = m.value {
                    w.raw(b ? keys.okTrue[i] : keys.okFalse[i])
                } else {
                    w.raw(keys.prefixes[i])
                    switch m.status {
                    case .ok: w.raw("\"ok\",\"value\":")
                    default:
                        w.string(m.status.rawValue)
                        w.raw(",\"value\":")
                    }
                    switch m.value {
                    case nil: w.raw("null")
                    case let .bool(b)?: w.bool(b)
                    case let .label(l)?: w.string(l)
                    case let .number(d)?: w.raw(Array(JSONNumber.text(d).utf8))
                    }
                    w.raw(",\"triggered_at\":")
                }
                if let t = m.triggeredAt { w.int(t) } else { w.raw("null") }
                w.raw(",\"evidence\":")
                w.intArray(m.evidence)
                if let failed = m.failedItems {
                    w.raw(",\"failed_items\":")
                    w.intArray(failed)
                }
                if let e = m.error {
                    w.raw(",\"error\":")
                    w.string(e)
                }
                w.raw("}")
            }
            w.raw("},\"flows\":")
            w.stringArray(result.flows)
            w.raw(",\"functions\":")
            w.stringArray(result.functions)
            w.raw(",\"logged\":{")
            for (i, entry) in result.logged.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(entry.name)
                w.raw(":")
                if entry.values.count == 1 { w.value(entry.values[0]) } else { w.value(.array(entry.values)) }
            }
            w.raw("}}")
        }
    }
}

/// `verdict score --format csv`: a header `id,<metric>...,error`, then one row per
/// conversation with each metric's value (or its status when not `ok`). A conversation that
/// could not be read has its id (when known), empty metric cells and `source: message` under `error`.
///
/// Text cells from transcripts and rules (ids, labels, metric names, errors) that start with
/// `=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`, so that a spreadsheet shows
/// them instead of running them as formulas (CWE-1236); numbers and true/false are never
/// touched. `raw` (`--csv-raw`) writes every cell as it is.
public struct CSVSink: ResultSink {
    private let output: ByteOutput
    private var wroteHeader = false
    private let metricNames: [String]
    private let raw: Bool
    /// Top-level metadata keys with a column each (`metadata.KEY`), after `id`.
    private let metadataColumns: [String]

    public init(rules: RuleSet, output: ByteOutput, raw: Bool = false, metadata: MetadataSelection = .all) {
        self.output = output
        self.raw = raw
        metricNames = rules.metrics.map(\.name)
        metadataColumns = metadata.csvColumns
    }

    public var writesMetadata: Bool { !metadataColumns.isEmpty }

    public var renderer: @Sendable (ScoredConversation) -> String {
        { [metricCount = metricNames.count, raw, metadataColumns] item in
            func text(_ cell: String) -> String { raw ? cell : CSVSink.inert(cell) }
            switch item.record {
            case let .scored(result):
                let cells = result.metrics.map { m -> String in
                    if case .number? = m.value, m.status == .ok { return m.display }
                    return text(m.display)
                }
                // Each kept key's value as its JSON text; empty when the conversation lacks it.
                let object = result.metadata?.objectValue
                let metadata = metadataColumns.map { key -> String in
                    guard let value = object?.pairs.last(where: { $0.key.isExactly(key) })?.value else { return "" }
                    var w = JSONWriter()
                    w.value(value)
                    let json = String(decoding: w.bytes, as: UTF8.self)
                    if case .number = value { return json }
                    return text(json)
                }
                return CSVSink.line([text(result.id)] + metadata + cells + [""])
            case let .unreadable(source, id, message):
                return CSVSink.line([text(id ?? "")] + Array(repeating: "", count: metadataColumns.count + metricCount)
                                    + [text("\(source): \(message)")])
            }
        }
    }

    /// A text cell a spreadsheet would read as a formula, with a `'` in front; others as they are.
    static func inert(_ cell: String) -> String {
        guard let first = cell.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(first)
        else { return cell }
        return "'" + cell
    }

    public mutating func write(_ row: String) {
        if !wroteHeader { writeHeader() }
        output.write(row)
    }

    public mutating func finish() throws {
        if !wroteHeader { writeHeader() }
        try output.flush()
    }

    private mutating func writeHeader() {
        wroteHeader = true
        output.write(CSVSink.line(["id"] + metadataColumns.map { "metadata." + $0 } + metricNames.map { raw ? $0 : CSVSink.inert($0) } + ["error"]))
    }

    /// One RFC 4180 record, ended by a line feed.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\n"
    }
}
