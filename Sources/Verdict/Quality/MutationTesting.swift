import Dispatch
import Foundation

/// `verdict mutate`: mutation testing of rules. Every mutant of every metric (see `Mutant`)
/// is run on the fixtures that expect a value for that metric and meet it with the rules as
/// written; only the mutated metric is evaluated. A mutant that no fixture notices either
/// shows a gap in the fixtures or is *equivalent* (no conversation could tell it apart); a
/// fixture records the latter under `"equivalent_mutants": {"Metric": {"description": "why"}}`.
public struct MutationTesting: Sendable {
    public struct MutantResult: Sendable {
        public var mutant: Mutant
        /// The fixture (`source`, with its id) whose expectation failed; nil when it survived.
        public var killedBy: String?
        /// Why it is equivalent, as recorded in a fixture; nil when nothing is recorded.
        public var equivalent: String?

        public var killed: Bool { killedBy != nil }
    }

    /// A conversation without a label on which a surviving mutant and the rules disagree:
    /// labelling it decides between them.
    public struct Candidate: Sendable, Equatable {
        public var source: String
        public var id: String
        /// What the rules and the mutant give there (a value or a status).
        public var rules: String
        public var mutant: String
    }

    /// Every mutant, metric by metric in rule order.
    public var outcomes: [MutantResult]
    /// Per outcome, from `findCandidates`: for a survivor, the first conversation of the pool
    /// where it and the rules disagree.
    public var candidates: [Candidate?] = []
    /// Expectations that fail on the rules as written, and so are left out.
    public var failingExpectations: Int
    /// Problems with `equivalent_mutants`: a malformed record, or one that names no mutant.
    public var warnings: [String]

    public var killed: Int { outcomes.filter(\.killed).count }
    public var equivalent: Int { outcomes.filter { !$0.killed && $0.equivalent != nil }.count }
    /// Killed mutants over those not recorded as equivalent; 1 when there are none.
    public var score: Double {
        let counted = outcomes.count - equivalent
        return counted == 0 ? 1 : Double(killed) / Double(counted)
    }

    /// Mutates every metric of `rules` (or those in `only`) and runs the fixtures, on `jobs` threads.
    public static func run(rules: RuleSet, fixtures: FixtureSet, only: [String] = [], jobs: Int = 1,
                           limits: EvaluationLimits = EvaluationLimits()) -> MutationTesting {
        // The expectations met as written, by metric.
        let evaluator = Evaluator(rules: rules, limits: limits)
        let results = fixtures.fixtures.map { evaluator.evaluate($0.conversation) }
        var byMetric = Array(repeating: [FixtureSet.Expected](), count: rules.metrics.count)
        var failing = 0
        for e in fixtures.expectations(for: rules) {
            if Expectation.holds(e.value, results[e.fixture].metrics[e.metric]) { byMetric[e.metric].append(e) } else { failing += 1 }
        }
        var mutants: [Mutant] = []
        for m in rules.metrics.indices where only.isEmpty || only.contains(where: { $0.isExactly(rules.metrics[m].name) }) {
            mutants += Mutant.all(of: m, in: rules)
        }

        // Each fixture's leaf hits under the rules as written, matched once per metric: a mutant
        // rematches only the leaf it changed, so a run is linear in leaves × fixtures in pattern
        // matches however many mutants there are.
        let known = UnsafeSlots<[Int: [UInt8]]>(count: rules.metrics.count)
        let mutatedMetrics = Array(Set(mutants.map(\.metricIndex))).sorted()
        if CompiledRules.hasUsableLeafIDs(rules) {
            let byMetric = byMetric
            DispatchQueue.concurrentPerform(iterations: mutatedMetrics.count) { k in
                let m = mutatedMetrics[k]
                let evaluator = alone(rules.metrics[m], rules: rules, limits: limits)
                var hits: [Int: [UInt8]] = [:]
                for e in byMetric[m] where hits[e.fixture] == nil {
                    hits[e.fixture] = evaluator.knownHits(fixtures.fixtures[e.fixture].conversation)
                }
                known.set(m, hits)
            }
        }
        let killers = UnsafeSlots<String>(count: mutants.count)
        let (work, expected, step) = (mutants, byMetric, max(1, jobs))
        DispatchQueue.concurrentPerform(iterations: step) { worker in
            for i in stride(from: worker, to: work.count, by: step) {
                killers.set(i, firstKiller(work[i], rules: rules, fixtures: fixtures, expectations: expected[work[i].metricIndex],
                                           knownHits: known.get(work[i].metricIndex) ?? [:], limits: limits))
            }
        }

        let (records, warnings) = equivalentRecords(fixtures)
        var index: [EquivalentRecord.Key: Int] = [:]
        for (r, record) in records.enumerated() { index[record.key] = r }
        var outcomes: [MutantResult] = []
        var used = Set<Int>()
        for (i, mutant) in mutants.enumerated() {
            let r = index[EquivalentRecord.Key(rules.metrics[mutant.metricIndex].name, mutant.description)]
            if let r { used.insert(r) }
            outcomes.append(MutantResult(mutant: mutant, killedBy: killers.get(i), equivalent: r.map { records[$0].why }))
        }
        var allWarnings = warnings
        let mutated = Set(mutants.map(\.metricIndex))
        for (r, record) in records.enumerated() where !used.contains(r) {
            guard let m = rules.metrics.firstIndex(where: { $0.name.isExactly(record.metric) }) else {
                allWarnings.append("\(record.source): equivalent_mutants names metric '\(record.metric)', which no rule file defines")
                continue
            }
            if mutated.contains(m) {
                allWarnings.append("\(record.source): metric '\(record.metric)' has no mutant '\(record.description)' any more; remove the record")
            }
        }
        for o in outcomes where o.killed && o.equivalent != nil {
            allWarnings.append("metric '\(rules.metrics[o.mutant.metricIndex].name)': mutant '\(o.mutant.description)' is recorded as equivalent, but \(o.killedBy!) kills it; remove the record")
        }
        return MutationTesting(outcomes: outcomes, failingExpectations: failing, warnings: allWarnings)
    }

    /// For each surviving mutant not recorded as equivalent, the first conversation of `pool`
    /// (in order) on which it and the rules give different outcomes.
    public mutating func findCandidates(rules: RuleSet, pool: FixtureSet, jobs: Int = 1, limits: EvaluationLimits = EvaluationLimits()) {
        let survivors = outcomes.indices.filter { !outcomes[$0].killed && outcomes[$0].equivalent == nil }
        let found = UnsafeSlots<Candidate>(count: outcomes.count)
        let (work, step) = (outcomes, max(1, jobs))
        DispatchQueue.concurrentPerform(iterations: step) { worker in
            for k in stride(from: worker, to: survivors.count, by: step) {
                let mutant = work[survivors[k]].mutant
                let original = Self.alone(rules.metrics[mutant.metricIndex], rules: rules, limits: limits)
                let mutated = Self.alone(mutant.metric, rules: rules, limits: limits)
                for fixture in pool.fixtures {
                    let a = original.evaluate(fixture.conversation).metrics[0], b = mutated.evaluate(fixture.conversation).metrics[0]
                    if a.display != b.display {
                        found.set(survivors[k], Candidate(source: fixture.source, id: fixture.conversation.id, rules: a.display, mutant: b.display))
                        break
                    }
                }
            }
        }
        candidates = outcomes.indices.map { found.get($0) }
    }

    /// An evaluator for one metric (with every flow of `rules`).
    static func alone(_ metric: Metric, rules: RuleSet, limits: EvaluationLimits) -> Evaluator {
        var alone = RuleSet(flows: rules.flows, metrics: [metric], files: rules.files, leafCount: rules.leafCount)
        alone.lint = rules.lint
        return Evaluator(rules: alone, limits: limits)
    }

    /// The first fixture whose expectation fails under `mutant`, as `source id 'ID'`.
    static func firstKiller(_ mutant: Mutant, rules: RuleSet, fixtures: FixtureSet, expectations: [FixtureSet.Expected],
                            knownHits: [Int: [UInt8]] = [:], limits: EvaluationLimits) -> String? {
        guard !expectations.isEmpty else { return nil }
        let evaluator = alone(mutant.metric, rules: rules, limits: limits)
        for e in expectations {
            let fixture = fixtures.fixtures[e.fixture]
            let result = knownHits[e.fixture].map { evaluator.evaluate(fixture.conversation, knownHits: $0, except: mutant.changedLeafID) }
                ?? evaluator.evaluate(fixture.conversation)
            if !Expectation.holds(e.value, result.metrics[0]) { return "\(fixture.source) id '\(fixture.conversation.id)'" }
        }
        return nil
    }

    /// One entry of a fixture's `equivalent_mutants`.
    struct EquivalentRecord {
        /// Metric and description, compared by their bytes as names are.
        struct Key: Hashable {
            let metric: ExactKey, description: ExactKey
            init(_ metric: String, _ description: String) {
                self.metric = ExactKey(metric)
                self.description = ExactKey(description)
            }
        }

        var metric: String
        var description: String
        var why: String
        var source: String
        var key: Key { Key(metric, description) }
    }

    /// The `equivalent_mutants` records of every fixture in reading order (a mutant recorded
    /// twice keeps its first place and its last reason), with the problems found reading them.
    static func equivalentRecords(_ fixtures: FixtureSet) -> ([EquivalentRecord], [String]) {
        var records: [EquivalentRecord] = []
        var position: [EquivalentRecord.Key: Int] = [:]
        var warnings: [String] = []
        for fixture in fixtures.fixtures {
            guard let value = fixture.annotations?["equivalent_mutants"], value != .null else { continue }
            guard case let .object(metrics) = value else {
                warnings.append("\(fixture.source): equivalent_mutants must be an object from metric names to {mutant: why}")
                continue
            }
            for (metric, entries) in metrics.pairs {
                guard case let .object(mutants) = entries else {
                    warnings.append("\(fixture.source): equivalent_mutants for '\(metric)' must be an object from mutant descriptions to why they are equivalent")
                    continue
                }
                for (description, why) in mutants.pairs {
                    guard case let .string(text) = why, !text.isEmpty else {
                        warnings.append("\(fixture.source): equivalent mutant '\(description)' of '\(metric)' needs a reason (a string)")
                        continue
                    }
                    let record = EquivalentRecord(metric: metric, description: description, why: text, source: fixture.source)
                    if let p = position[record.key] { records[p] = record } else {
                        position[record.key] = records.count
                        records.append(record)
                    }
                }
            }
        }
        return (records, warnings)
    }
}

/// One slot per mutant, written by the worker that runs it and read after all have finished.
private final class UnsafeSlots<Value: Sendable>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Value?) {
        lock.lock()
        values[i] = value
        lock.unlock()
    }

    func get(_ i: Int) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values[i]
    }
}
