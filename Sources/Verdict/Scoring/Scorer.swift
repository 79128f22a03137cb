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

    public init(rules: RuleSet, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.rules = rules
        self.jobs = max(1, jobs)
        batchSize = max(1, min(256, 256 * 64 / max(1, rules.metrics.count)))
    }

    /// What a run saw: how many conversations were scored and how many could not be read.
    public struct Summary: Sendable, Equatable {
        public var scored = 0
        public var unreadable = 0
        public var duplicateIDs: [String] = []
    }

    /// Scores every conversation of `inputs` into `sink`.
    public func run<Sink: ResultSink>(inputs: [String], into sink: inout Sink) -> Summary {
        run(source: InputReader(inputs: inputs), into: &sink)
    }

    /// Scores every conversation `source` yields into `sink` (an importer, say).
    public func run<Sink: ResultSink>(source reader: some RecordSource, into sink: inout Sink) -> Summary {
        let pool = EvaluatorPool(rules: rules)
        var summary = Summary()
        // Ids go to a finder that spills to disk past a budget, so memory stays flat however
        // many conversations there are.
        let ids = DuplicateFinder()
        let window = jobs == 1 ? 1 : jobs * 4
        while true {
            var batches: [[RawRecord]] = []
            while batches.count < window {
                var batch: [RawRecord] = []
                batch.reserveCapacity(batchSize)
                while batch.count < batchSize, let record = reader.next() { batch.append(record) }
                if batch.isEmpty { break }
                batches.append(batch)
            }
            if batches.isEmpty { break }
            let results = ResultSlots<Sink.Rendered>(count: batches.count)
            let work = batches
            let render = sink.renderer
            let process: @Sendable (Int) -> Void = { i in
                let scored = Scorer.score(work[i], pool: pool)
                results.set(i, scored.map { Processed(id: $0.record.id, rendered: render($0)) })
            }
            if jobs == 1 || work.count == 1 {
                for i in work.indices { process(i) }
            } else {
                // At most `jobs` workers, each taking the next batch until none is left.
                let queue = WorkQueue(count: work.count)
                DispatchQueue.concurrentPerform(iterations: min(jobs, work.count)) { _ in
                    while let i = queue.next() { process(i) }
                }
            }
            for batch in results.all() {
                for item in batch {
                    if let id = item.id {
                        summary.scored += 1
                        ids.add(id)
                    } else {
                        summary.unreadable += 1
                    }
                    sink.write(item.rendered)
                }
            }
        }
        summary.duplicateIDs = ids.duplicates()
        return summary
    }

    static func score(_ batch: [RawRecord], pool: EvaluatorPool) -> [ScoredConversation] {
        let evaluator = pool.take()
        defer { pool.give(evaluator) }
        return batch.map { score($0, with: evaluator) }
    }

    /// Parses, checks and scores one record.
    public static func score(_ raw: RawRecord, with evaluator: Evaluator) -> ScoredConversation {
        switch raw.payload {
        case let .unreadable(message):
            return ScoredConversation(source: raw.source, record: .unreadable(source: raw.source, id: nil, message: message))
        case let .json(bytes):
            let decoded = bytes.withUnsafeBufferPointer { ConversationDecoder.decode($0) }
            switch decoded {
            case let .failure(problem):
                return ScoredConversation(source: raw.source,
                                          record: .unreadable(source: raw.source, id: problem.id, message: problem.message))
            case let .success((conversation, object)):
                var annotations: JSONObject?
                for key in ["expect", "todo"] {
                    if let value = object[key] {
                        if annotations == nil { annotations = JSONObject() }
                        annotations![key] = value
                    }
                }
                return ScoredConversation(source: raw.source, record: .scored(evaluator.evaluate(conversation)),
                                          annotations: annotations)
            }
        }
    }
}

/// Hands out the indices 0..<count, each once, to whichever thread asks next.
final class WorkQueue: @unchecked Sendable {
    private let count: Int
    private var position = 0
    private let lock = NSLock()

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard position < count else { return nil }
        position += 1
        return position - 1
    }
}

/// Evaluators waiting for work; each thread takes one for a batch and gives it back.
final class EvaluatorPool: @unchecked Sendable {
    private let rules: RuleSet
    private var idle: [Evaluator] = []
    private let lock = NSLock()

    init(rules: RuleSet) { self.rules = rules }

    func take() -> Evaluator {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast() ?? Evaluator(rules: rules)
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
}

extension ScoreRecord {
    /// The id of a scored conversation; nil for one that could not be read.
    var id: String? {
        if case let .scored(r) = self { return r.id }
        return nil
    }
}

/// One slot per batch, each written by exactly one thread before `all()` reads them.
final class ResultSlots<Rendered: Sendable>: @unchecked Sendable {
    private var slots: [[Processed<Rendered>]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ i: Int, _ value: [Processed<Rendered>]) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    func all() -> [[Processed<Rendered>]] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
