/// `verdict compare BASE CANDIDATE`: two sets of different calls (agent v12's and v13's, say),
/// metric by metric, with a test of whether the difference is more than chance:
/// - boolean (among `ok` results): the rates, their difference with Newcombe's 95% interval,
///   p from Fisher's exact test;
/// - categorical (among `ok`): each label's share and its shift, p from Pearson's chi-square
///   test of independence (one label: no p);
/// - number (`ok` values): n, mean and median, their shifts, p from the Mann–Whitney U test;
/// - applicability (status other than `not_applicable` or `inactive`): each side's share, with
///   its own Fisher p, outside the family below.
/// The metrics' p-values form one family adjusted by Holm–Bonferroni; a metric is significant
/// when its adjusted p is below `alpha`. A side with no `ok` result gives no p.
public struct Comparison: Sendable {
    public struct Side: Sendable {
        public var name: String
        /// Readable result lines.
        public var conversations: Int
    }

    /// One metric on one side.
    public struct Figures: Sendable {
        /// Lines that have the metric, and those where it applied.
        public var conversations = 0
        public var applied = 0
        /// `ok` results.
        public var n = 0
        public var trueCount = 0
        /// Label counts in order of first appearance.
        public var labels: [(label: String, count: Int)] = []
        public var values: [Double] = []

        public var rate: Double? { n > 0 ? Double(trueCount) / Double(n) : nil }
        public var appliedShare: Double? { conversations > 0 ? Double(applied) / Double(conversations) : nil }
        public var mean: Double? { values.isEmpty ? nil : { var s = FiniteSum(); values.forEach { s.add($0) }; return s.mean(count: values.count) }() }
        public var median: Double? { NumberDistribution.nearestRank(values.sorted(), 50) }
        func count(of label: String) -> Int { labels.first { $0.label.isExactly(label) }?.count ?? 0 }
        func share(of label: String) -> Double? { n > 0 ? Double(count(of: label)) / Double(n) : nil }
    }

    public struct Metric: Sendable {
        public var name: String
        public var type: String
        public var base: Figures
        public var candidate: Figures
        /// Labels of a categorical metric: the rules' order, then others by first appearance.
        public var labels: [String]
        /// "fisher", "chi2" or "mann-whitney"; nil for a metric of no known type.
        public var test: String?
        /// Candidate − base: the rate (boolean) or the mean (number).
        public var difference: Double?
        /// Boolean: Newcombe's 95% interval of the difference.
        public var interval: (low: Double, high: Double)?
        public var p: Double?
        public var adjustedP: Double?
        public var significant: Bool
        /// Fisher's p for the applicability shares.
        public var appliedP: Double?
    }

    public var base: Side
    public var candidate: Side
    public var alpha: Double
    /// In the rules' order when rules are given, else the base's, then the candidate's own.
    public var metrics: [Metric]
    public var problems: [String]

    public var anySignificant: Bool { metrics.contains { $0.significant } }

    /// Reads both sides and compares them; `rules`, when given, fixes types, order and labels.
    public static func build(base: [String], candidate: [String], baseName: String? = nil, candidateName: String? = nil,
                             rules: RuleSet?, alpha: Double = 0.05, options: InputOptions = InputOptions()) -> Comparison {
        let (b, bProblems) = tally(base, options: options)
        let (c, cProblems) = tally(candidate, options: options)
        return build(b, c, baseName: baseName ?? base.joined(separator: ", "), candidateName: candidateName ?? candidate.joined(separator: ", "),
                     rules: rules, alpha: alpha, problems: bProblems + cProblems)
    }

    /// Every cohort of `results` by `path` against the `baseline` cohort, in byte order of the
    /// cohorts; each comparison is a family of its own for Holm. Throws the cohorts there are
    /// when `baseline` is not one of them.
    public static func cohorts(results: [String], by path: MetadataPath, baseline: String, rules: RuleSet?,
                               alpha: Double = 0.05, options: InputOptions = InputOptions()) -> Result<[Comparison], CohortError> {
        var tallies: [ExactKey: Tally] = [:]
        let problems = ResultLines(inputs: results, options: options, evidence: false).forEach { line, _ in
            guard line.error == nil else { return }
            tallies[ExactKey(path.cohort(of: line)), default: Tally()].add(line)
        }.problems
        let names = tallies.keys.map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard let base = tallies[ExactKey(baseline)] else {
            return .failure(CohortError(message: Suggestion.noSuch("cohort", baseline, in: "\(path.text)", among: names, listed: 20)))
        }
        let comparisons = names.filter { !$0.isExactly(baseline) }.enumerated().map { i, name in
            build(base, tallies[ExactKey(name)]!, baseName: "\(path.text)=\(baseline)", candidateName: "\(path.text)=\(name)",
                  rules: rules, alpha: alpha, problems: i == 0 ? problems : [])
        }
        return .success(comparisons)
    }

    public struct CohortError: Error, Sendable { public var message: String }

    static func build(_ b: Tally, _ c: Tally, baseName: String, candidateName: String, rules: RuleSet?, alpha: Double,
                      problems: [String]) -> Comparison {
        var order: [String] = rules?.metrics.map(\.name) ?? []
        var seen = Set(order.map(ExactKey.init))
        for name in b.order + c.order where seen.insert(ExactKey(name)).inserted { order.append(name) }
        var metrics: [Metric] = order.map { name in
            let rule = rules?.metric(named: name)
            let x = b.figures[ExactKey(name)] ?? Figures(), y = c.figures[ExactKey(name)] ?? Figures()
            return compare(name: name, rule: rule, base: x, candidate: y, kinds: (b.kinds[ExactKey(name)] ?? []).union(c.kinds[ExactKey(name)] ?? []))
        }
        for (i, h) in Statistics.holm(metrics.map(\.p), alpha: alpha).enumerated() {
            metrics[i].adjustedP = h.adjusted
            metrics[i].significant = h.significant
        }
        return Comparison(base: Side(name: baseName, conversations: b.conversations),
                          candidate: Side(name: candidateName, conversations: c.conversations),
                          alpha: alpha, metrics: metrics, problems: problems)
    }

    /// One side's figures per metric, by the metric's bytes.
    struct Tally {
        var conversations = 0
        var order: [String] = []
        var figures: [ExactKey: Figures] = [:]
        /// Which kinds of `ok` value each metric had: "boolean", "categorical", "number".
        var kinds: [ExactKey: Set<String>] = [:]

        mutating func add(_ line: ResultLine) {
            guard line.error == nil else { return }
            conversations += 1
            for (name, outcome) in line.metrics {
                let key = ExactKey(name)
                if figures[key] == nil {
                    figures[key] = Figures()
                    order.append(name)
                }
                var f = figures.removeValue(forKey: key)!
                f.conversations += 1
                if outcome.status != "not_applicable" && outcome.status != "inactive" { f.applied += 1 }
                if outcome.status == "ok", let value = outcome.value {
                    f.n += 1
                    switch value {
                    case let .bool(v):
                        if v { f.trueCount += 1 }
                        kinds[key, default: []].insert("boolean")
                    case let .string(label):
                        if let i = f.labels.firstIndex(where: { $0.label.isExactly(label) }) { f.labels[i].count += 1 } else { f.labels.append((label, 1)) }
                        kinds[key, default: []].insert("categorical")
                    case let .number(d, _) where d.isFinite:
                        f.values.append(d)
                        kinds[key, default: []].insert("number")
                    default: f.n -= 1
                    }
                }
                figures[key] = f
            }
        }
    }

    static func tally(_ inputs: [String], options: InputOptions) -> (Tally, [String]) {
        var t = Tally()
        let problems = ResultLines(inputs: inputs, options: options, evidence: false).forEach { line, _ in t.add(line) }.problems
        return (t, problems)
    }

    static func compare(name: String, rule: Verdict.Metric?, base x: Figures, candidate y: Figures, kinds: Set<String>) -> Metric {
        let type = rule?.typeName ?? (kinds.count == 1 ? kinds.first! : "unknown")
        var m = Metric(name: name, type: type, base: x, candidate: y, labels: [], test: nil, difference: nil, interval: nil,
                       p: nil, adjustedP: nil, significant: false, appliedP: nil)
        if x.conversations > 0 && y.conversations > 0 {
            m.appliedP = Statistics.fisherExact(y.applied, y.conversations - y.applied, x.applied, x.conversations - x.applied)
        }
        switch type {
        case "boolean":
            m.test = "fisher"
            guard x.n > 0, y.n > 0 else { break }
            m.difference = y.rate! - x.rate!
            m.interval = Statistics.newcombe(y.trueCount, y.n, x.trueCount, x.n)
            m.p = Statistics.fisherExact(y.trueCount, y.n - y.trueCount, x.trueCount, x.n - x.trueCount)
        case "categorical":
            m.test = "chi2"
            var labels: [String] = []
            if let rule, case let .categorical(ruleLabels, otherwise) = rule.body {
                labels = ruleLabels.map(\.label) + (otherwise.map { [$0] } ?? [])
            }
            var known = Set(labels.map(ExactKey.init))
            for (label, _) in x.labels + y.labels where known.insert(ExactKey(label)).inserted { labels.append(label) }
            m.labels = labels
            guard x.n > 0, y.n > 0 else { break }
            m.p = Statistics.chiSquare(labels.map(x.count(of:)), labels.map(y.count(of:)))?.p
        case "number":
            m.test = "mann-whitney"
            guard !x.values.isEmpty, !y.values.isEmpty else { break }
            m.difference = y.mean! - x.mean!
            // Every value tied on both sides leaves nothing to rank: no p, as SciPy gives none.
            m.p = Statistics.mannWhitney(x.values, y.values)?.p
        default:
            break
        }
        return m
    }
}
