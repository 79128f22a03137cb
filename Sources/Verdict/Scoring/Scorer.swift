import Dispatch
import Foundation

/// Verdict's entry point for batch work: reads inputs, scores them on `jobs` threads and hands
/// the results to a sink in input order. Reading and writing are sequential; scoring runs
/// batch by batch in parallel, with a bounded number of batches in flight, so memory stays flat.
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
        func readBatch() -> [RawRecord] {
            var batch: [RawRecord] = []
            batch.reserveCapacity(batchSize)
            while batch.count < batchSize, let record = reader.next() { batch.append(record) }
            return batch
        }
        if jobs == 1 {
            let evaluator = pool.take()
            while case let batch = readBatch(), !batch.isEmpty {
                write(batch.map { raw in
                    let scored = Scorer.score(raw, with: evaluator)
                    return Processed(id: scored.record.id, rendered: render(scored), unknownTypes: scored.unknownTypes)
                })
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
                            return Processed(id: scored.record.id, rendered: render(scored), unknownTypes: scored.unknownTypes)
                        })
                    }
                }
            }
            let capacity = jobs * 4
            var submitted = 0, written = 0
            var exhausted = false
            while true {
                while !exhausted && submitted - written < capacity {
                    let batch = readBatch()
                    if batch.isEmpty {
                        exhausted = true
                    } else {
                        pipeline.submit(submitted, batch)
                        submitted += 1
                    }
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

    /// Parses, checks and scores one record.
    public static func score(_ raw: RawRecord, with evaluator: Evaluator) -> ScoredConversation {
        let decoded: Result<(Conversation, JSONObject?), UnreadableConversation>
        switch raw.payload {
        case .deferred:
            return score(raw.resolved(), with: evaluator)
        case let .unreadable(message):
            return ScoredConversation(source: raw.source, record: .unreadable(source: raw.source, id: nil, message: message))
        case let .json(bytes):
            let needs = evaluator.compiled.decodeNeeds
            decoded = bytes.withUnsafeBufferPointer { ConversationScanner.decode($0, needs: needs) }.mapError { problem in
                ConversationDecoder.withFormatHint(problem) { try? bytes.withUnsafeBufferPointer { try JSONParser.parse($0) } }
            }
        case let .converted(value):
            // An importer's conversion: decoded from the value, never written out and parsed again.
            decoded = ConversationDecoder.decode(value).map { ($0, ConversationDecoder.annotations(of: $1)) }
        }
        switch decoded {
        case let .failure(problem):
            return ScoredConversation(source: raw.source, record: .unreadable(source: raw.source, id: problem.id, message: problem.message))
        case let .success((conversation, annotations)):
            var scored = ScoredConversation(source: raw.source, record: .scored(evaluator.evaluate(conversation)), annotations: annotations)
            scored.unknownTypes = conversation.unknownTypes
            return scored
        }
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

extension ScoreRecord {
    /// The id of a scored conversation; nil for one that could not be read.
    var id: String? {
        if case let .scored(r) = self { return r.id }
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
