/// What gates read of a report, of a comparison, and of a diff.
extension GateContext {
    /// `report`: each metric's figures over the whole run.
    public init(report: Report) {
        var figures: [String: GateFigures] = [:]
        for m in report.metrics {
            let ok = m.type == "number" ? (m.numbers?.n ?? 0) : m.type == "categorical" ? m.labels.reduce(0) { $0 + $1.count } : m.trueCount + m.falseCount
            figures[m.name] = GateFigures(type: m.type, rate: m.rate, interval: m.interval, labels: m.labels.map { ($0.name, ok > 0 ? $0.share : nil) },
                                          applied: m.conversations > 0 ? Double(m.applied) / Double(m.conversations) : nil, n: ok,
                                          mean: m.numbers?.mean, median: m.numbers?.median, p90: m.numbers?.p90)
        }
        self.init(figures: figures)
    }

    /// `compare` and `diff`: the candidate's (NEW's) figures, the base's (OLD's) for `delta`,
    /// and whether each metric moved significantly (`significant`, by metric name; from the
    /// comparison itself when nil).
    public init(comparison: Comparison, significant: [String: Bool]? = nil) {
        func figures(_ m: Comparison.Metric, _ f: Comparison.Figures) -> GateFigures {
            let sorted = f.values.sorted()
            let p90 = sorted.isEmpty ? nil : sorted[max(0, Int((0.9 * Double(sorted.count)).rounded(.up)) - 1)]
            return GateFigures(type: m.type, rate: f.rate, interval: Statistics.wilson(f.trueCount, f.n),
                               labels: m.labels.map { ($0, f.share(of: $0)) }, applied: f.appliedShare,
                               n: m.type == "number" ? f.values.count : f.n, mean: f.mean, median: f.median, p90: p90)
        }
        var after: [String: GateFigures] = [:], before: [String: GateFigures] = [:], moved: [String: Bool] = [:]
        var intervals: [String: (low: Double, high: Double)] = [:]
        for m in comparison.metrics {
            after[m.name] = figures(m, m.candidate)
            before[m.name] = figures(m, m.base)
            moved[m.name] = m.significant
            if let ci = m.interval { intervals[m.name] = ci }
        }
        self.init(figures: after, base: before, significant: significant ?? moved)
        differenceInterval = intervals
    }
}
