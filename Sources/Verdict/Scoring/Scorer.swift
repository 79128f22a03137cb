import Dispatch
import Foundation

/// Verdict's entry point for batch work: reads inputs, scores them on `jobs` threads and hands
/// the results to a sink in input order. Reading and writing are sequential; scoring runs
/// batch by batch in parallel, with a bounded number of batches in flight, so memory stays flat.
public struct Scorer {
    public let rules: RuleSet
    public let jobs: Int
    public var batchSize = 256

    public init(rules: RuleSet, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.rules = rules
        self.jobs = max(1, jobs)
    }

    /// What a run saw: how many conversations were scored and how many could not be read.
    public struct Summary: Sendable, Equatable {
        public var scored = 0
        public var unreadable = 0
        public var duplicateIDs: [String] = []
    }

    /// Scores every conversation of `inputs` into `sink`.
    public func run(inputs: [String], into sink: inout some ResultSink) -> Summary {
        let reader = InputReader(inputs: inputs)
        let pool = EvaluatorPool(rules: rules)
        var summary = Summary()
        var seenIDs = Set<String>()
        var reportedDuplicates = Set<String>()
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
            let results = ResultSlots(count: batches.count)
            let work = batches
            if jobs == 1 || work.count == 1 {
                for (i, batch) in work.enumerated() { results.set(i, Scorer.score(batch, pool: pool)) }
            } else {
                DispatchQueue.concurrentPerform(iterations: work.count) { i in
                    results.set(i, Scorer.score(work[i], pool: pool))
                }
            }
            for batch in results.all() {
                for item in batch {
                    switch item.record {
                    case let .scored(r):
                        summary.scored += 1
                        if !seenIDs.insert(r.id).inserted, reportedDuplicates.insert(r.id).inserted {
                            summary.duplicateIDs.append(r.id)
                        }
                    case .unreadable:
                        summary.unreadable += 1
                    }
                    sink.write(item)
                }
            }
        }
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
                return ScoredConversation(source: raw.source, record: .scored(evaluator.evaluate(conversation)),
                                          expect: object["expect"])
            }
        }
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

/// One slot per batch, each written by exactly one thread before `all()` reads them.
final class ResultSlots: @unchecked Sendable {
    private var slots: [[ScoredConversation]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ i: Int, _ value: [ScoredConversation]) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    func all() -> [[ScoredConversation]] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
