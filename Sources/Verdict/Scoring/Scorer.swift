import Dispatch
import Foundation

/// Verdict's entry point for batch work. Each conversation goes through the stages of the
/// README's "How a metric is evaluated", in order (`Scorer.score(_:with:)`):
///
/// 1. decode (`Transcript/`): the record's bytes become a `Conversation`;
/// 2. replay flows (`Flow/FlowMachine.swift`): entries and the current flow at every event;
/// 3. evaluate (`Evaluation/`): every metric, from its trigger on;
/// 4. write (`Output/`): a sink renders the result, here on the scoring thread, and writes it
///    in input order.
///
/// Start with `score(inputs:format:to:)`, which writes what `verdict score` writes; `run`
/// takes any `ResultSink`. Reading and writing are sequential; scoring runs batch by batch on
/// `jobs` threads, with a bounded number of batches in flight, so memory stays flat.
public struct Scorer {
    public let rules: RuleSet
    public let jobs: Int
    /// Conversations per batch: 256, fewer when there are many metrics, so that the rendered
    /// output held in flight stays near 256 × 64 metric results whatever the rule set.
    public var batchSize: Int
    /// Bounds on pattern matching, per match and per metric and conversation.
    public var limits: EvaluationLimits

    public init(rules: RuleSet, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                limits: EvaluationLimits = EvaluationLimits()) {
        self.rules = rules
        self.jobs = max(1, jobs)
        self.limits = limits
        batchSize = max(1, min(256, 256 * 64 / max(1, rules.metrics.count)))
    }

    /// What a run saw: how many conversations were scored and how many could not be read.
    public struct Summary: Sendable, Equatable {
        public var scored = 0
        public var unreadable = 0
        public var duplicateIDs: [String] = []
        /// Event types SPEC §1 does not name, with how many conversations had each, sorted by name.
        public var unknownTypes: [UnknownType] = []

        /// The warnings for ids seen more than once: the first ten by name, then one line with
        /// the total, so that a file of repeated ids does not bury everything else.
        public var duplicateWarnings: [String] {
            var lines = duplicateIDs.prefix(Self.namedDuplicates).map {
                "warning: conversation id '\($0)' occurs more than once; every occurrence was scored"
            }
            if duplicateIDs.count > Self.namedDuplicates {
                lines.append("warning: \(NumberText.grouped(duplicateIDs.count)) conversation ids occur more than once in all (the first \(Self.namedDuplicates) are named above); every occurrence was scored")
            }
            return lines
        }

        static let namedDuplicates = 10

        public struct UnknownType: Sendable, Equatable {
            public var name: String
            public var conversations: Int
            /// The warning to show, with a likely fix.
            public var warning: String { Event.Kind.unknownTypeWarning(name, conversations: conversations) }
        }
    }

    /// Scores every conversation of `inputs` into `sink`.
    public func run<Sink: ResultSink>(inputs: [String], into sink: inout Sink) -> Summary {
        run(source: InputReader(inputs: inputs), into: &sink)
    }

    /// Scores every conversation `source` yields into `sink` (an importer, say).
    public func run<Sink: ResultSink>(source reader: some RecordSource, into sink: inout Sink) -> Summary {
        // Compiled once; every worker's evaluator shares it.
        let compiled = CompiledRules(rules, keepingMetadata: sink.writesMetadata)
        let pool = EvaluatorPool(compiled: compiled, limits: limits)
        var summary = Summary()
        // Ids go to a finder that spills to disk past a budget, so memory stays flat however
        // many conversations there are.
        let ids = DuplicateFinder()
        // Unknown event types by their bytes, with their conversation counts (bounded: past
        // 1,000 distinct names, further ones are not listed).
        var unknown: [ExactKey: Int] = [:]
        let render = sink.renderer
        func write(_ batch: [Processed<Sink.Rendered>]) {
            for item in batch {
                for name in item.unknownTypes where unknown[ExactKey(name)] != nil || unknown.count < 1_000 {
                    unknown[ExactKey(name), default: 0] += 1
                }
                if let id = item.id {
                    summary.scored += 1
                    ids.add(id)
                } else {
                    summary.unreadable += 1
                }
                sink.write(item.rendered)
            }
        }
        // A batch ends early when the input would wait (a pipe that has nothing more for now):
        // `stalled` then says to write everything read so far before waiting.
        func readBatch() -> (batch: [RawRecord], stalled: Bool) {
            var batch: [RawRecord] = []
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize {
                if !batch.isEmpty && reader.wouldWait() { return (batch, true) }
                guard let record = reader.next() else { break }
                batch.append(record)
            }
            return (batch, false)
        }
        if jobs == 1 {
            let evaluator = pool.take()
            while case let (batch, stalled) = readBatch(), !batch.isEmpty {
                write(batch.map { raw in
                    let scored = Scorer.score(raw, with: evaluator)
                    return Processed(id: scored.id, rendered: render(scored), unknownTypes: scored.unknownTypes)
                })
                if stalled { sink.inputStalled() }
            }
        } else {
            // `jobs` workers score batches while this thread reads the next ones and writes
            // finished ones in input order; at most `capacity` batches are in flight.
            let pipeline = Pipeline<Sink.Rendered>()
            let workers = DispatchGroup()
            for _ in 0..<jobs {
                DispatchQueue.global().async(group: workers) {
                    let evaluator = pool.take()
                    defer { pool.give(evaluator) }
                    while let (sequence, batch) = pipeline.nextJob() {
                        pipeline.finish(sequence, batch.map { raw in
                            let scored = Scorer.score(raw, with: evaluator)
                            return Processed(id: scored.id, rendered: render(scored), unknownTypes: scored.unknownTypes)
                        })
                    }
                }
            }
            let capacity = jobs * 4
            var submitted = 0, written = 0
            var exhausted = false
            while true {
                var stalled = false
                while !exhausted && submitted - written < capacity && !stalled {
                    let read = readBatch()
                    stalled = read.stalled
                    if read.batch.isEmpty {
                        exhausted = true
                    } else {
                        pipeline.submit(submitted, read.batch)
                        submitted += 1
                    }
                }
                if stalled {
                    // Nothing more to read for now: write all that is in flight, then wait.
                    while written < submitted {
                        write(pipeline.result(written))
                        written += 1
                    }
                    sink.inputStalled()
                    continue
                }
                if written == submitted { break }
                write(pipeline.result(written))
                written += 1
            }
            pipeline.close()
            workers.wait()
        }
        summary.duplicateIDs = ids.duplicates()
        summary.unknownTypes = unknown.sorted { $0.key.string.utf8.lexicographicallyPrecedes($1.key.string.utf8) }
            .map { Summary.UnknownType(name: $0.key.string, conversations: $0.value) }
        return summary
    }

    /// One record through the stages, up to what a sink renders.
    public static func score(_ raw: RawRecord, with evaluator: Evaluator) -> ScoredConversation {
        // 1. Decode.
        let conversation: Conversation, annotations: JSONObject?
        switch decode(raw, needs: evaluator.compiled.decodeNeeds) {
        case let .failure(problem): return ScoredConversation(source: raw.source, result: .failure(problem))
        case let .success(decoded): (conversation, annotations) = decoded
        }
        // 2. Replay flows.
        evaluator.replayFlows(conversation)
        // 3. Evaluate metrics.
        let result = evaluator.evaluateMetrics()
        // 4. Write: the caller hands this to its sink.
        var scored = ScoredConversation(source: raw.source, result: .success(result), annotations: annotations)
        scored.unknownTypes = conversation.unknownTypes
        return scored
    }

    /// Stage 1: the record's conversation and fixture annotations, or why it cannot be read.
    /// Only the event fields some rule reads (`needs`) are decoded from JSON text.
    static func decode(_ raw: RawRecord, needs: DecodeNeeds) -> Result<(Conversation, JSONObject?), UnreadableConversation> {
        switch raw.payload {
        case let .deferred(conversion):
            // An importer that can make the conversation directly: no JSON built and decoded.
            if let decoded = conversion.direct?() { return decoded.map { ($0, nil) } }
            return decode(raw.resolved(), needs: needs)
        case let .unreadable(message):
            return .failure(UnreadableConversation(id: nil, message: message))
        case let .json(bytes):
            return bytes.withUnsafeBufferPointer { ConversationScanner.decode($0, needs: needs) }.mapError { problem in
                ConversationDecoder.withFormatHint(problem) { try? bytes.withUnsafeBufferPointer { try JSONParser.parse($0) } }
            }
        case let .converted(value):
            // An importer's conversion: decoded from the value, never written out and parsed again.
            return ConversationDecoder.decode(value).map { ($0, ConversationDecoder.annotations(of: $1)) }
        }
    }
}

/// The formats `verdict score` writes, as the library's first entry point.
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

/// Evaluators waiting for work; each thread takes one for a batch and gives it back.
final class EvaluatorPool: @unchecked Sendable {
    private let compiled: CompiledRules
    private let limits: EvaluationLimits
    private var idle: [Evaluator] = []
    private let lock = NSLock()

    init(compiled: CompiledRules, limits: EvaluationLimits) {
        self.compiled = compiled
        self.limits = limits
    }

    func take() -> Evaluator {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? Evaluator(compiled: compiled, limits: limits)
    }

    func give(_ evaluator: Evaluator) {
        lock.lock()
        idle.append(evaluator)
        lock.unlock()
    }
}

/// A rendered conversation, with its id when it was scored (nil when it could not be read).
struct Processed<Rendered: Sendable>: Sendable {
    var id: String?
    var rendered: Rendered
    var unknownTypes: [String] = []
}

extension ScoredConversation {
    /// The id of a scored conversation; nil for one that could not be read.
    var id: String? {
        if case let .success(r) = result { return r.id }
        return nil
    }
}

/// Batches handed from the reading thread to the workers, and their results handed back,
/// by sequence number, so that the reader can write them in input order.
final class Pipeline<Rendered: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(Int, [RawRecord])] = []
    private var head = 0
    private var done: [Int: [Processed<Rendered>]] = [:]
    private var closed = false

    func submit(_ sequence: Int, _ batch: [RawRecord]) {
        condition.lock()
        jobs.append((sequence, batch))
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch to score; nil once the pipeline is closed and drained.
    func nextJob() -> (Int, [RawRecord])? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        // Let go of the batch now: the queue must not keep what the workers have taken.
        jobs[head].1 = []
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= jobs.count {
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    func finish(_ sequence: Int, _ result: [Processed<Rendered>]) {
        condition.lock()
        done[sequence] = result
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for batch `sequence` and takes its result.
    func result(_ sequence: Int) -> [Processed<Rendered>] {
        condition.lock()
        defer { condition.unlock() }
        while done[sequence] == nil { condition.wait() }
        return done.removeValue(forKey: sequence)!
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
