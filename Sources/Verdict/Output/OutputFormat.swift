/// The formats `verdict score` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case jsonl
    case csv
}

extension Scorer {
    /// Scores `inputs` and writes them to `output` in `format`, then flushes it.
    /// Throws when the output cannot be written.
    public func score(inputs: [String], format: OutputFormat, to output: ByteOutput, csvRaw: Bool = false,
                      metadata: MetadataSelection = .all) throws -> Summary {
        try score(source: InputReader(inputs: inputs), format: format, to: output, csvRaw: csvRaw, metadata: metadata)
    }

    /// Scores what `source` yields and writes it to `output` in `format`, then flushes it.
    /// `csvRaw` turns off the CSV sink's formula guard (`--csv-raw`).
    /// `metadata`: what each result line keeps of its conversation's `metadata`.
    public func score(source: some RecordSource, format: OutputFormat, to output: ByteOutput, csvRaw: Bool = false,
                      metadata: MetadataSelection = .all) throws -> Summary {
        switch format {
        case .jsonl: return try runToEnd(source: source, sink: JSONLinesSink(rules: rules, output: output, metadata: metadata)).summary
        case .csv: return try runToEnd(source: source, sink: CSVSink(rules: rules, output: output, raw: csvRaw, metadata: metadata)).summary
        }
    }

    /// Runs every input through `sink` and finishes it; returns the summary and the finished sink.
    public func runToEnd<Sink: ResultSink>(inputs: [String], sink: Sink) throws -> (summary: Summary, sink: Sink) {
        try runToEnd(source: InputReader(inputs: inputs), sink: sink)
    }

    public func runToEnd<Sink: ResultSink>(source: some RecordSource, sink: Sink) throws -> (summary: Summary, sink: Sink) {
        var sink = sink
        let summary = run(source: source, into: &sink)
        try sink.finish()
        return (summary, sink)
    }
}
