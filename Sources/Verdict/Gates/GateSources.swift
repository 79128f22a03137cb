/// What gates read of a report, of a comparison, and of a diff.
extension GateContext {
    /// `report`: each metric's figures over the whole run.
    public init(report: Report) {
        var figures: [ExactKey: GateFigures] = [:]
        for m in report.metrics {
            let ok = m.type == "number" ? (m.numbers?.n ?? 0) : m.type == "categorical" ? m.labels.reduce(0) { $0 + $1.count } : m.trueCount + m.falseCount
            figures[ExactKey(m.name)] = GateFigures(type: m.type, rate: m.rate, interval: m.interval, labels: m.labels.map { ($0.name, ok > 0 ? $0.share : nil) },
                                          applied: m.conversations > 0 ? Double(m.applied) / Double(m.conversations) : nil, n: ok,
                                          mean: m.numbers?.mean, median: m.numbers?.median, p90: m.numbers?.p90)
        }
        self.init(figures: figures)
    }

    /// `compare`: the candidate's figures, the base's for `delta`, whether each metric moved
    /// significantly, and Newcombe's interval of each boolean difference.
    public init(comparison: Comparison) {
        self.init(sides: comparison, significant: Dictionary(comparison.metrics.map { (ExactKey($0.name), $0.significant) }, uniquingKeysWith: { $1 }))
        for m in comparison.metrics { if let ci = m.interval { differenceInterval[ExactKey(m.name)] = ci } }
    }

    /// `diff`: NEW's and OLD's figures (`sides`, the two files read as a comparison), with the
    /// paired tests' significance; no interval, Newcombe's being for independent samples.
    public init(diff: ResultDiff, sides: Comparison) {
        self.init(sides: sides, significant: Dictionary(diff.metrics.map { (ExactKey($0.metric), $0.significant) }, uniquingKeysWith: { $1 }))
    }

    private init(sides comparison: Comparison, significant: [ExactKey: Bool]) {
        func figures(_ m: Comparison.Metric, _ f: Comparison.Figures) -> GateFigures {
            GateFigures(type: m.type, rate: f.rate, interval: Statistics.wilson(f.trueCount, f.n),
                        labels: m.labels.map { ($0, f.share(of: $0)) }, applied: f.appliedShare,
                        n: m.type == "number" ? f.values.count : f.n, mean: f.mean, median: f.median,
                        p90: NumberDistribution.nearestRank(f.values.sorted(), 90))
        }
        var after: [ExactKey: GateFigures] = [:], before: [ExactKey: GateFigures] = [:]
        for m in comparison.metrics {
            after[ExactKey(m.name)] = figures(m, m.candidate)
            before[ExactKey(m.name)] = figures(m, m.base)
        }
        self.init(figures: after, base: before, significant: significant)
    }
}
