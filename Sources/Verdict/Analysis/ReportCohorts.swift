/// `report --by metadata.PATH`: every metric's figures per cohort (see `MetadataPath`), beside
/// the whole run's. At most `maxCohorts` cohorts are listed — the largest by conversations,
/// then in byte order — and the others are added up as `(other)`; past `cohortLimit`
/// distinct cohorts, further ones go to `(other)` as they come, so memory stays bounded.
extension Report {
    /// One cohort of one metric: the same figures as the metric itself.
    public struct CohortFigures: Sendable {
        public var cohort: String
        public var conversations: Int
        public var applied: Int
        public var statuses: [Share]
        public var trueCount: Int
        public var falseCount: Int
        public var rate: Double?
        public var interval: (low: Double, high: Double)?
        /// Categorical: each label's share among ok results, in the metric's label order.
        public var labels: [Share]
        public var numbers: NumberSummary?
        /// With `--by day|week` too: the cohort's trend, as the metric's.
        public var trend: [TrendPoint] = []
    }

    /// The name of the cohort that adds up those not listed.
    public static let otherCohort = "(other)"
}

/// What the builder keeps per cohort and metric; tallies of one metric add up.
struct CohortTally {
    var conversations = 0, applied = 0, trueCount = 0, falseCount = 0
    var statuses: [String: Int] = [:]
    var labels: [ExactKey: Int] = [:]
    var distribution = NumberDistribution(exactLimit: ReportBuilder.exactPeriodNumberLimit)
    var periods: [String: ReportBuilder.PeriodTally] = [:]

    /// `period`: the line's trend period, when it has one and there is room for it.
    mutating func add(_ outcome: ResultLine.Outcome, period: String?) {
        if let period {
            ReportBuilder.count(outcome, applied: outcome.applied, into: &periods[period, default: ReportBuilder.PeriodTally()])
        }
        conversations += 1
        statuses[outcome.status, default: 0] += 1
        if outcome.applied { applied += 1 }
        guard outcome.status == "ok", let value = outcome.value else { return }
        switch value {
        case let .bool(b): if b { trueCount += 1 } else { falseCount += 1 }
        case let .string(label): labels[ExactKey(label), default: 0] += 1
        case let .number(d, _): distribution.add(d)
        default: break
        }
    }

    mutating func merge(_ other: CohortTally) {
        conversations += other.conversations
        applied += other.applied
        trueCount += other.trueCount
        falseCount += other.falseCount
        for (k, v) in other.statuses { statuses[k, default: 0] += v }
        for (k, v) in other.labels { labels[k, default: 0] += v }
        distribution.merge(other.distribution)
        for (key, p) in other.periods {
            var mine = periods[key] ?? ReportBuilder.PeriodTally()
            mine.conversations += p.conversations
            mine.applied += p.applied
            mine.trueCount += p.trueCount
            mine.okCount += p.okCount
            for (k, v) in p.labels { mine.labels[k, default: 0] += v }
            if let d = p.distribution {
                if mine.distribution == nil { mine.distribution = NumberDistribution(exactLimit: ReportBuilder.exactPeriodNumberLimit) }
                mine.distribution!.merge(d)
            }
            periods[key] = mine
        }
    }
}

/// Every cohort's tallies, by metric.
struct CohortTallies {
    let path: MetadataPath
    let maxCohorts: Int
    static let cohortLimit = 10_000
    /// (cohort, metric, period) trend cells kept; past it, cohorts' trends stop growing (the
    /// overall trend and every other figure are unaffected).
    static let trendCellLimit = 200_000
    private var trendCells = 0

    init(path: MetadataPath, maxCohorts: Int) {
        self.path = path
        self.maxCohorts = maxCohorts
    }
    /// By cohort, then by metric; the conversations of each cohort.
    private(set) var tallies: [ExactKey: [ExactKey: CohortTally]] = [:]
    private(set) var sizes: [ExactKey: Int] = [:]

    mutating func add(_ line: ResultLine, period: String?) {
        var cohort = ExactKey(path.cohort(of: line))
        if tallies[cohort] == nil && tallies.count >= CohortTallies.cohortLimit { cohort = ExactKey(Report.otherCohort) }
        sizes[cohort, default: 0] += 1
        var metrics = tallies.removeValue(forKey: cohort) ?? [:]
        for (name, outcome) in line.metrics {
            var tally = metrics.removeValue(forKey: ExactKey(name)) ?? CohortTally()
            var cell = period
            if let p = period, tally.periods[p] == nil {
                if trendCells < CohortTallies.trendCellLimit { trendCells += 1 } else { cell = nil }
            }
            tally.add(outcome, period: cell)
            metrics[ExactKey(name)] = tally
        }
        tallies[cohort] = metrics
    }

    /// The cohorts listed: the largest `maxCohorts` in byte order, then `(other)` when any is left.
    func listed() -> (names: [String], rest: [ExactKey]) {
        let ranked = sizes.sorted { a, b in a.value != b.value ? a.value > b.value : a.key.string.utf8.lexicographicallyPrecedes(b.key.string.utf8) }
            .map(\.key).filter { $0 != ExactKey(Report.otherCohort) }
        let kept = ranked.prefix(maxCohorts).map(\.string).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var rest = Array(ranked.dropFirst(maxCohorts))
        if sizes[ExactKey(Report.otherCohort)] != nil { rest.append(ExactKey(Report.otherCohort)) }
        return (kept, rest)
    }

    /// One metric's figures per listed cohort (labels in `labelOrder`).
    func figures(metric name: String, type: String, labelOrder: [String]) -> [Report.CohortFigures] {
        let (names, rest) = listed()
        let key = ExactKey(name)
        var rows = names.map { ($0, tallies[ExactKey($0)]?[key] ?? CohortTally()) }
        if !rest.isEmpty {
            var other = CohortTally()
            for cohort in rest { if let t = tallies[cohort]?[key] { other.merge(t) } }
            rows.append((Report.otherCohort, other))
        }
        return rows.map { cohort, t in
            func share(_ n: Int, _ total: Int) -> Double { total > 0 ? Double(n) / Double(total) : 0 }
            let total = t.statuses.values.reduce(0, +)
            let okLabels = t.labels.values.reduce(0, +)
            let okBooleans = t.trueCount + t.falseCount
            let d = t.distribution
            var numbers: Report.NumberSummary?
            if let mean = d.mean, let median = d.percentile(50), let p90 = d.percentile(90) {
                numbers = Report.NumberSummary(n: d.count, mean: mean, median: median, p90: p90, min: d.min, max: d.max,
                                               histogram: d.histogram(), binWidth: d.wholeBinWidth(), exact: d.isExact, unit: nil)
            }
            return Report.CohortFigures(
                cohort: cohort, conversations: t.conversations, applied: t.applied,
                statuses: MetricResult.Status.allCases.map { Report.Share(name: $0.rawValue, count: t.statuses[$0.rawValue] ?? 0, share: share(t.statuses[$0.rawValue] ?? 0, total)) },
                trueCount: t.trueCount, falseCount: t.falseCount, rate: okBooleans > 0 ? share(t.trueCount, okBooleans) : nil,
                interval: Statistics.wilson(t.trueCount, okBooleans),
                labels: labelOrder.map { Report.Share(name: $0, count: t.labels[ExactKey($0)] ?? 0, share: share(t.labels[ExactKey($0)] ?? 0, okLabels)) },
                numbers: numbers,
                trend: t.periods.keys.sorted().map { ReportBuilder.trendPoint($0, t.periods[$0]!, type: type, labels: labelOrder) })
        }
    }
}

// MARK: Formats

extension Report {
    /// One cohort's figures in words, as a metric's headline says them.
    static func cohortHeadline(_ type: String, _ c: CohortFigures) -> String {
        switch type {
        case "boolean": return Report.trueRate(c.trueCount, c.falseCount, c.rate, c.interval)
        case "categorical": return Report.labelShares(c.labels.filter { $0.count > 0 })
        case "number":
            guard let s = c.numbers else { return "no ok results" }
            func n(_ x: Double) -> String { NumberText.decimal(x, places: 2) }
            return "n \(NumberText.grouped(s.n)) · mean \(n(s.mean)) · median \(n(s.median)) · p90 \(n(s.p90))"
        default:
            return "no ok results"
        }
    }

    /// The text lines of one metric's cohorts (none without `--by`).
    func cohortText(_ m: MetricReport) -> String {
        guard let by, !m.cohorts.isEmpty else { return "" }
        let width = min(24, m.cohorts.map(\.cohort.count).max() ?? 0)
        var out = "    by \(by.text):\n"
        for c in m.cohorts {
            out += "      \(c.cohort.rightPadded(width))  \(Report.cohortHeadline(m.type, c)); applied in \(NumberText.grouped(c.applied)) of \(NumberText.grouped(c.conversations))\n"
        }
        return out
    }

    /// The Markdown table of one metric's cohorts.
    func cohortMarkdown(_ m: MetricReport) -> String {
        guard let by, !m.cohorts.isEmpty else { return "" }
        var out = "\n**\(Markdown.escape(m.name))** by `\(Markdown.escape(by.text))`\n\n| Cohort | Applied | Result |\n|---|---:|---|\n"
        for c in m.cohorts {
            out += "| \(Markdown.escape(c.cohort)) | \(NumberText.grouped(c.applied)) of \(NumberText.grouped(c.conversations)) | \(Markdown.escape(Report.cohortHeadline(m.type, c))) |\n"
        }
        return out
    }

    /// One metric's `cohorts` member in JSON.
    static func cohortJSON(_ m: MetricReport, into o: inout JSONMembers) {
        func number(_ d: Double?) -> String? { d.map { JSONNumber.text($0) } }
        o.add("cohorts") { w in
            w.array(m.cohorts) { w, c in
                w.object { o in
                    o.add("cohort", c.cohort)
                    o.add("conversations", c.conversations)
                    o.add("applied", c.applied)
                    o.add("statuses") { w in w.object { o in for s in c.statuses { o.add(key: s.name, s.count) } } }
                    switch m.type {
                    case "boolean":
                        o.add("true", c.trueCount)
                        o.add("false", c.falseCount)
                        o.add("rate", number: number(c.rate))
                        o.add("interval") { w in
                            if let ci = c.interval { w.raw(Array("[\(JSONNumber.text(ci.low)),\(JSONNumber.text(ci.high))]".utf8)) } else { w.raw("null") }
                        }
                    case "categorical":
                        o.add("labels") { w in w.array(c.labels) { Report.shareJSON(&$0, $1, key: "label") } }
                    case "number":
                        o.add("n", c.numbers?.n ?? 0)
                        o.add("mean", number: number(c.numbers?.mean))
                        o.add("median", number: number(c.numbers?.median))
                        o.add("p90", number: number(c.numbers?.p90))
                        o.add("min", number: number(c.numbers?.min))
                        o.add("max", number: number(c.numbers?.max))
                        o.add("exact", c.numbers?.exact ?? true)
                    default: break
                    }
                    Report.trendJSON(c.trend, type: m.type, into: &o)
                }
            }
        }
    }
}

extension ReportHTML {
    /// `--by metadata.PATH`: per metric a small table of its cohorts — a boolean's rate as a bar
    /// with its 95% interval as a whisker, a categorical's label shares as one stacked bar, a
    /// number's mean and median — scrolling inside its card on a narrow screen.
    func cohortSection() -> String {
        guard let by = report.by else { return "" }
        let shown = report.metrics.filter { !$0.cohorts.isEmpty && $0.type != "unknown" }
        guard !shown.isEmpty else { return "" }
        var out = "<section id=\"cohorts\"><h2>By \(ReportHTML.escape(by.text))</h2><p class=\"note\">Each metric per cohort of <code>\(ReportHTML.escape(by.text))</code> "
            + "(the largest cohorts; the rest add up to (other)). Bars are rates among ok results with their 95% Wilson interval, or label shares.</p>"
        for m in shown {
            out += "<h3>\(ReportHTML.escape(m.name))</h3><div class=\"scroll\"><table class=\"cohorts\"><tr><th>Cohort</th><th class=\"num\">Applied</th><th>Result</th></tr>"
            for c in m.cohorts {
                out += "<tr><td>\(ReportHTML.escape(c.cohort))</td><td class=\"num\">\(NumberText.grouped(c.applied)) of \(NumberText.grouped(c.conversations))</td><td>\(cohortCell(m, c))</td></tr>"
            }
            out += "</table></div>"
        }
        return out + "</section>"
    }

    private func cohortCell(_ m: Report.MetricReport, _ c: Report.CohortFigures) -> String {
        let w = 160.0, h = 14.0
        switch m.type {
        case "boolean":
            guard let rate = c.rate, let ci = c.interval else { return "no ok results" }
            var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"\(ReportHTML.n(w))\" height=\"\(ReportHTML.n(h))\" role=\"img\" aria-label=\"\(ReportHTML.escape(NumberText.percent(rate)))\">"
            svg += "<rect x=\"0\" y=\"2\" width=\"\(ReportHTML.n(w))\" height=\"10\" rx=\"2\" fill=\"#f0f2f4\"/>"
            svg += "<rect x=\"0\" y=\"2\" width=\"\(ReportHTML.n(w * rate))\" height=\"10\" rx=\"2\" fill=\"\(ReportHTML.palette[0])\"/>"
            svg += "<line x1=\"\(ReportHTML.n(w * ci.low))\" y1=\"7\" x2=\"\(ReportHTML.n(w * ci.high))\" y2=\"7\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            for x in [ci.low, ci.high] { svg += "<line x1=\"\(ReportHTML.n(w * x))\" y1=\"3\" x2=\"\(ReportHTML.n(w * x))\" y2=\"11\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>" }
            svg += "<title>\(ReportHTML.escape(Report.cohortHeadline(m.type, c)))</title></svg>"
            return svg + " \(NumberText.percent(rate)) <span class=\"note\">(\(NumberText.grouped(c.trueCount)) of \(NumberText.grouped(c.trueCount + c.falseCount)))</span>"
        case "categorical":
            let total = c.labels.reduce(0) { $0 + $1.count }
            guard total > 0 else { return "no ok results" }
            var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"\(ReportHTML.n(w))\" height=\"\(ReportHTML.n(h))\" role=\"img\" aria-label=\"label shares\">"
            var x = 0.0
            for (i, label) in c.labels.enumerated() where label.count > 0 {
                svg += "<rect x=\"\(ReportHTML.n(x))\" y=\"2\" width=\"\(ReportHTML.n(w * label.share))\" height=\"10\" fill=\"\(ReportHTML.palette[i % ReportHTML.palette.count])\"><title>\(ReportHTML.escape(label.name)): \(label.count) (\(NumberText.percent(label.share)))</title></rect>"
                x += w * label.share
            }
            return svg + "</svg> " + ReportHTML.escape(c.labels.filter { $0.count > 0 }.map { "\($0.name) \(NumberText.percent($0.share))" }.joined(separator: ", "))
        case "number":
            guard let s = c.numbers else { return "no ok results" }
            return "mean \(ReportHTML.n(s.mean)) · median \(ReportHTML.n(s.median)) <span class=\"note\">(n \(NumberText.grouped(s.n)))</span>"
        default:
            return ""
        }
    }
}
