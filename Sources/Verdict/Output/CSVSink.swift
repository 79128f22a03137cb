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
            switch item.result {
            case let .success(result):
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
            case let .failure(unreadable):
                return CSVSink.line([text(unreadable.id ?? "")] + Array(repeating: "", count: metadataColumns.count + metricCount)
                                    + [text("\(item.source): \(unreadable.message)")])
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

    public mutating func inputStalled() { output.sendBuffered() }

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
