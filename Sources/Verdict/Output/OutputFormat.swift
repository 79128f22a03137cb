/// The formats `verdict score` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case jsonl
    case csv
}

extension Scorer {
    /// Scores `inputs` and writes them to `output` in `format`, then flushes it.
    /// Throws when the output cannot be written.
    public func score(inputs: [String], format: OutputFormat, to output: ByteOutput) throws -> Summary {
        switch format {
        case .jsonl: return try runToEnd(inputs: inputs, sink: JSONLinesSink(rules: rules, output: output)).summary
        case .csv: return try runToEnd(inputs: inputs, sink: CSVSink(rules: rules, output: output)).summary
        }
    }

    /// Runs every input through `sink` and finishes it; returns the summary and the finished sink.
    public func runToEnd<Sink: ResultSink>(inputs: [String], sink: Sink) throws -> (summary: Summary, sink: Sink) {
        var sink = sink
        let summary = run(inputs: inputs, into: &sink)
        try sink.finish()
        return (summary, sink)
    }
}
