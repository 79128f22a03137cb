import Dispatch
import Foundation

/// One line of `verdict score` output, read back for `report`, `diff` and `sample`.
public struct ResultLine: Sendable {
    /// One metric's outcome as written.
    public struct Outcome: Sendable, Equatable {
        public var status: String
        public var value: JSONValue?
        public var failedItems: [Int]?
        public var triggeredAt: Int?
        public var evidence: [Int] = []
        public var error: String?

        /// Whether the metric applied: status `ok`, `unmatched` or `error`.
        public var applied: Bool { status == "ok" || status == "unmatched" || status == "error" }

        /// The value when `ok` (true, false, a label), else the status: what changes are told in.
        public var display: String {
            guard status == "ok", let value else { return status }
            switch value {
            case let .bool(b): return b ? "true" : "false"
            case let .string(s): return s
            default:
                var w = JSONWriter()
                w.value(value)
                return String(decoding: w.bytes, as: UTF8.self)
            }
        }
    }

    public var source: String
    public var id: String?
    public var startedAt: String?
    /// The conversation's `metadata` as the line carries it (SPEC 1.2 §6), when it does.
    public var metadata: JSONValue?
    public var metrics: [(name: String, outcome: Outcome)]
    public var flows: [String]
    public var functions: [String]
    public var logged: [(name: String, value: JSONValue)]
    /// Set for a conversation `verdict score` could not read (its error line).
    public var error: String?

    /// Reads a result line, or says why the bytes are not one.
    public static func parse(_ bytes: [UInt8], source: String) -> Result<ResultLine, ResultLineError> {
        bytes.withUnsafeBufferPointer { parse($0, source: source) }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: String) -> Result<ResultLine, ResultLineError> {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            return .failure(ResultLineError(source: source, message: "invalid JSON: \(error.describe(in: bytes))"))
        }
        guard case let .object(o) = value else {
            return .failure(ResultLineError(source: source, message: "a result line must be a JSON object"))
        }
        var line = ResultLine(source: source, id: nil, startedAt: nil, metadata: nil, metrics: [], flows: [], functions: [], logged: [], error: nil)
        if case let .string(id)? = o["id"] { line.id = id }
        if case let .string(message)? = o["error"] {
            line.error = message
            return .success(line)
        }
        guard line.id != nil, case let .object(metrics)? = o["metrics"] else {
            return .failure(ResultLineError(source: source, message: "not a line of `verdict score` output (no `id` and `metrics`)"))
        }
        if case let .string(s)? = o["started_at"] { line.startedAt = s }
        if let metadata = o["metadata"], metadata != .null { line.metadata = metadata }
        for (name, m) in metrics.pairs {
            guard case let .object(fields) = m, case let .string(status)? = fields["status"] else {
                return .failure(ResultLineError(source: source, message: "metric '\(name)' has no `status`"))
            }
            var outcome = Outcome(status: status, value: fields["value"], failedItems: nil)
            if outcome.value == .null { outcome.value = nil }
            // What `review` marks; a line that lacks them, or has them malformed, still counts.
            if case let .number(d, _)? = fields["triggered_at"], let k = Int(exactly: d) { outcome.triggeredAt = k }
            if case let .array(items)? = fields["evidence"] {
                outcome.evidence = items.compactMap { if case let .number(d, _) = $0 { return Int(exactly: d) } else { return nil } }
            }
            if case let .string(e)? = fields["error"] { outcome.error = e }
            if let list = fields["failed_items"], list != .null {
                guard case let .array(items) = list else {
                    return .failure(ResultLineError(source: source, message: "metric '\(name)': `failed_items` must be an array of item positions"))
                }
                var positions: [Int] = []
                for item in items {
                    guard case let .number(d, _) = item, let n = Int(exactly: d), n >= 0, n < 1 << 31 else {
                        return .failure(ResultLineError(source: source, message: "metric '\(name)': `failed_items` must hold item positions (whole numbers from 0)"))
                    }
                    positions.append(n)
                }
                outcome.failedItems = positions
            }
            line.metrics.append((name, outcome))
        }
        func strings(_ key: String) -> [String] {
            guard case let .array(a)? = o[key] else { return [] }
            return a.compactMap { if case let .string(s) = $0 { return s } else { return nil } }
        }
        line.flows = strings("flows")
        line.functions = strings("functions")
        if case let .object(logged)? = o["logged"] { line.logged = logged.pairs.map { ($0.key, $0.value) } }
        return .success(line)
    }
}

/// A result file line that could not be read, with where it is.
public struct ResultLineError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var message: String
    public var description: String { "\(source): \(message)" }
}

/// Streams result lines from files, folders or standard input, in order. Lines are read on
/// the calling thread and parsed in batches on up to `jobs` threads ahead of it (a few
/// batches in flight), so a command that tallies them works while the next ones are parsed;
/// what `next()` returns, and in what order, is the same for any `jobs`.
public final class ResultLines {
    public typealias Line = Result<ResultLine, ResultLineError>

    private let reader: InputReader
    private let jobs: Int
    private let conditions: [MetadataCondition]
    /// For the lines read on this thread (`jobs` 1); each parsing batch has its own.
    private let scanner: ResultLineScanner
    private let keepsEvidence: Bool
    private let results = OrderedResults<[Line]>()
    private var submitted = 0
    private var taken = 0
    private var exhausted = false
    private var batch: [Line] = []
    private var head = 0

    /// Lines per batch handed to a parsing thread.
    static let batchSize = 128

    /// `evidence: false` reads every result as if it had no `evidence` (for the commands that
    /// do not show it), which saves an array per result.
    public init(inputs: [String], options: InputOptions = InputOptions(),
                jobs: Int = ProcessInfo.processInfo.activeProcessorCount, evidence: Bool = true) {
        keepsEvidence = evidence
        scanner = ResultLineScanner(keepsEvidence: evidence)
        reader = InputReader(inputs: inputs, options: options)
        self.jobs = max(1, jobs)
        conditions = options.resultConditions
    }

    /// The next line that `--where` keeps (every readable one without it), or an error; nil at the end.
    public func next() -> Line? {
        while let line = nextRead() {
            if case let .success(l) = line, l.error == nil, !conditions.allSatisfy({ $0.holds(l) }) { continue }
            return line
        }
        return nil
    }

    private func nextRead() -> Line? {
        if jobs == 1 { return reader.next().map { ResultLines.parse($0, with: scanner) } }
        while head == batch.count {
            // Keep `2 × jobs` batches being parsed, then take the oldest.
            while !exhausted && submitted - taken < 2 * jobs {
                var raws: [RawRecord] = []
                raws.reserveCapacity(ResultLines.batchSize)
                while raws.count < ResultLines.batchSize, let raw = reader.next() { raws.append(raw) }
                if raws.isEmpty {
                    exhausted = true
                    break
                }
                let sequence = submitted, results = results, records = raws
                let keepsEvidence = keepsEvidence
                DispatchQueue.global().async {
                    let scanner = ResultLineScanner(keepsEvidence: keepsEvidence)
                    results.put(sequence, records.map { ResultLines.parse($0, with: scanner) })
                }
                submitted += 1
            }
            if taken == submitted { return nil }
            batch = results.take(taken)
            taken += 1
            head = 0
        }
        defer { head += 1 }
        return batch[head]
    }

    /// Reads every line, calling `body` with each readable one and its position among them
    /// (from 1); returns how many were readable, and the ones that were not, described, in order.
    public func forEach(_ body: (ResultLine, Int) -> Void) -> (read: Int, problems: [String]) {
        var problems: [String] = []
        var position = 0
        while let next = next() {
            switch next {
            case let .failure(e): problems.append(e.description)
            case let .success(line):
                position += 1
                body(line, position)
            }
        }
        return (position, problems)
    }

    private static func parse(_ raw: RawRecord, with scanner: ResultLineScanner) -> Line {
        let raw = raw.resolved()
        if case let .unreadable(message) = raw.payload { return .failure(ResultLineError(source: raw.source, message: message)) }
        return scanner.parse(raw.bytes!, source: raw.source)
    }
}

/// Results handed back by sequence number, for a reader that takes them in order.
final class OrderedResults<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var done: [Int: Value] = [:]

    func put(_ sequence: Int, _ value: Value) {
        condition.lock()
        done[sequence] = value
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for result `sequence` and takes it.
    func take(_ sequence: Int) -> Value {
        condition.lock()
        defer { condition.unlock() }
        while done[sequence] == nil { condition.wait() }
        return done.removeValue(forKey: sequence)!
    }
}
