/// What `verdict review` shows: for every metric and outcome, how many conversations had it
/// and a seeded sample of at most N of them, drawn in one pass over the results. Each
/// (metric, outcome) is sampled exactly as `verdict sample --metric M --value V` (or
/// `--status S`) `--n N --seed S` would, so both name the same calls. Memory is bounded by
/// N × metrics × outcomes, whatever the number of result lines.
public struct ReviewSample: Sendable {
    /// One outcome of one metric: a value of an `ok` result (`true`, `false`, a label), or a
    /// status (`not_applicable`, `error`, ...; a number metric's values are the status `ok`).
    public struct Group: Sendable {
        public var outcome: String
        public var isStatus: Bool
        public var count: Int
        /// Sampled conversations' positions in `lines`, in result order.
        public var members: [Int]
    }

    public struct MetricGroups: Sendable {
        public var name: String
        /// Values in order of first appearance, then statuses in the order of
        /// `MetricResult.Status`.
        public var groups: [Group]
    }

    public var metrics: [MetricGroups]
    /// The result lines of every sampled conversation, in result order.
    public var lines: [ResultLine]
    /// Result lines read (conversations scored, readable or not).
    public var total: Int
    public var problems: [String]
    /// Metrics with more distinct outcomes than are listed, and how many lines were left out.
    public var warnings: [String] = []

    /// The outcome a result is filed under, and whether it is a status.
    static func outcome(of o: ResultLine.Outcome) -> (String, Bool) {
        guard o.status == "ok", let value = o.value else { return (o.status, true) }
        switch value {
        case .bool, .string: return (o.display, false)
        default: return ("ok", true)
        }
    }

    /// Distinct outcomes listed per metric.
    static let outcomeLimit = 1_000

    public static func draw(results: [String], perOutcome size: Int, seed: UInt64, options: InputOptions = InputOptions()) -> ReviewSample {
        struct Group {
            var reservoir: Reservoir<ResultLine>
            var isStatus: Bool
            var order: Int
        }
        /// A value and a status of the same text (a label named `not_applicable`) are two outcomes.
        struct Key: Hashable {
            var outcome: ExactKey
            var isStatus: Bool
        }
        var metricOrder: [String] = []
        // Metric names and outcomes are compared by their bytes.
        var reservoirs: [ExactKey: [Key: Group]] = [:]
        var nextOrder = 0
        var unlisted: [ExactKey: Int] = [:]
        let (total, problems) = ResultLines(inputs: results, options: options).forEach { line, position in
            guard line.id != nil else { return }
            for (metric, o) in line.metrics {
                let (text, isStatus) = outcome(of: o)
                let name = ExactKey(metric), key = Key(outcome: ExactKey(text), isStatus: isStatus)
                if reservoirs[name] == nil {
                    reservoirs[name] = [:]
                    metricOrder.append(metric)
                }
                if reservoirs[name]![key] == nil {
                    // Distinct outcomes per metric are bounded (a hostile result file can hold a
                    // new label on every line); the ones past the bound are counted, not sampled.
                    guard reservoirs[name]!.count < ReviewSample.outcomeLimit else {
                        unlisted[name, default: 0] += 1
                        continue
                    }
                    reservoirs[name]![key] = Group(reservoir: Reservoir(size: size, seed: seed), isStatus: isStatus, order: nextOrder)
                    nextOrder += 1
                }
                // Taken out and put back, so that the reservoir is never copied.
                var g = reservoirs[name]!.removeValue(forKey: key)!
                g.reservoir.offer(line, at: position)
                reservoirs[name]![key] = g
            }
        }
        var warnings: [String] = []
        for (name, count) in unlisted.sorted(by: { $0.key.string.utf8.lexicographicallyPrecedes($1.key.string.utf8) }) {
            warnings.append("metric '\(name.string)' has more than \(ReviewSample.outcomeLimit) distinct outcomes; \(count) result \(count == 1 ? "line" : "lines") with further ones are not listed")
        }
        // Every sampled line once, in result order.
        var byPosition: [Int: ResultLine] = [:]
        for groups in reservoirs.values { for g in groups.values { for p in g.reservoir.inOrder { byPosition[p.position] = p.item } } }
        let positions = byPosition.keys.sorted()
        var index: [Int: Int] = [:]
        for (i, p) in positions.enumerated() { index[p] = i }
        let statusRank = Dictionary(uniqueKeysWithValues: MetricResult.Status.allCases.enumerated().map { ($1.rawValue, $0) })
        var metrics: [MetricGroups] = []
        for name in metricOrder {
            let groups = reservoirs[ExactKey(name)]!.map { key, g in
                (g, ReviewSample.Group(outcome: key.outcome.string, isStatus: g.isStatus, count: g.reservoir.seen, members: g.reservoir.inOrder.map { index[$0.position]! }))
            }.sorted { a, b in
                if a.0.isStatus != b.0.isStatus { return !a.0.isStatus }
                if a.0.isStatus {
                    let ra = statusRank[a.1.outcome] ?? 99, rb = statusRank[b.1.outcome] ?? 99
                    return ra != rb ? ra < rb : a.1.outcome.utf8.lexicographicallyPrecedes(b.1.outcome.utf8)
                }
                return a.0.order < b.0.order
            }.map(\.1)
            metrics.append(MetricGroups(name: name, groups: groups))
        }
        return ReviewSample(metrics: metrics, lines: positions.map { byPosition[$0]! }, total: total, problems: problems, warnings: warnings)
    }
}
