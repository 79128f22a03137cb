import Foundation

/// What `verdict report` computes from score output, aggregated line by line so that memory
/// depends on the number of metrics, labels, periods and flows, never on the number of
/// conversations.
public struct Report: Sendable {
    public enum Period: String, Sendable, CaseIterable {
        case day, week
    }

    public struct Share: Sendable {
        public var name: String
        public var count: Int
        /// count / the total it is a share of (0 when that total is 0).
        public var share: Double
    }

    public struct FailingItem: Sendable {
        public var item: Int
        /// The item in words ("the agent said “confirmed” or “booked”").
        public var description: String
        /// The item exactly as the rules state it (its patterns as written); nil without rules.
        public var condition: String?
        public var count: Int
        /// Among the metric's false results.
        public var share: Double
    }

    public struct TrendPoint: Sendable {
        public var period: String
        public var conversations: Int
        public var applied: Int
        /// Boolean: true among ok results (nil when none).
        public var rate: Double?
        public var trueCount: Int
        public var okCount: Int
        /// Categorical: share of each label among ok results, in the metric's label order.
        public var labels: [Share]
        /// Number: the median of the period's ok values (nil when none).
        public var median: Double? = nil
    }

    /// A number metric's values among its ok results (SPEC 1.1).
    public struct NumberSummary: Sendable {
        public var n: Int
        public var mean: Double
        /// Nearest-rank median and 90th percentile.
        public var median: Double
        public var p90: Double
        public var min: Double
        public var max: Double
        /// Ten equal-width bins from min to max: lower bound and count; for whole-number
        /// values, bins of a whole width (`binWidth`), one per value when there are few.
        public var histogram: [(lower: Double, count: Int)]
        /// The width of each bin when the values are whole numbers; nil otherwise.
        public var binWidth: Double? = nil
        /// False once there were more values than are kept exactly: median, p90 and the
        /// histogram then come from a sketch within 1% of the true values; n, mean, min and
        /// max are always exact.
        public var exact: Bool
        /// The metric's unit, when the rules give one.
        public var unit: String?
    }

    public struct MetricReport: Sendable {
        public var name: String
        /// "boolean", "categorical", "number", or "unknown" when no result says.
        public var type: String
        public var conversations: Int
        /// Results with status ok, unmatched or error: the metric applied.
        public var applied: Int
        /// Every status, in SPEC order, with its count.
        public var statuses: [Share]
        public var trueCount: Int
        public var falseCount: Int
        /// Boolean: true among ok results, and its 95% Wilson interval.
        public var rate: Double?
        public var interval: (low: Double, high: Double)?
        /// Categorical: each label's share among ok results.
        public var labels: [Share]
        /// Boolean with a top-level `all`: the items that failed, most often first.
        public var failing: [FailingItem]
        public var trend: [TrendPoint]
        /// Number: the distribution of the ok values (nil when there are none).
        public var numbers: NumberSummary? = nil
        /// With `--by metadata.PATH`: the same figures per cohort.
        public var cohorts: [CohortFigures] = []
        /// What the metric measures, as its rule's `definition` says (with `--rules`).
        public var definition: String? = nil
    }

    public var conversations: Int
    public var unreadable: Int
    public var period: Period
    /// The metadata path cohorts are cut by (`--by metadata.PATH`), when there is one.
    public var by: MetadataPath? = nil
    public var metrics: [MetricReport]
    /// Flows in the order they are usually entered (by how early), with the share of
    /// conversations that reached each.
    public var flows: [Share]
    /// The most common flow paths (flows in order of entry), most common first.
    public var paths: [Share]
    /// Transitions from one flow to the next, most common first.
    public var transitions: [(from: String, to: String, count: Int)]
    public var functions: [Share]
    public var logged: [LoggedReport]

    public struct LoggedReport: Sendable {
        public var name: String
        public var conversations: Int
        /// The most common values (as JSON text), most common first.
        public var values: [Share]
        /// Mean of the numeric values, when there are any.
        public var mean: Double?
    }

    /// The 95% Wilson score interval for `successes` out of `n`.
    public static func wilson(_ successes: Int, _ n: Int) -> (low: Double, high: Double)? {
        Statistics.wilson(successes, n)
    }
}

/// Builds a `Report` from result lines fed one at a time.
public final class ReportBuilder {
    private final class MetricTally {
        let name: String
        var booleans = 0, categoricals = 0, numbers = 0
        var distribution = NumberDistribution(exactLimit: ReportBuilder.exactNumberLimit)
        /// Counts of SPEC's statuses by `MetricResult.Status` position; any other status by name.
        var statusCounts = [Int](repeating: 0, count: MetricResult.Status.allCases.count)
        var otherStatuses: [String: Int] = [:]
        var statuses: [String: Int] {
            var all = otherStatuses
            for (i, s) in MetricResult.Status.allCases.enumerated() where statusCounts[i] > 0 { all[s.rawValue, default: 0] += statusCounts[i] }
            return all
        }
        var trueCount = 0, falseCount = 0
        var labels: [ExactKey: Int] = [:]
        var failing: [Int: Int] = [:]
        /// By the builder's period number (`periodNames`); nil for a period the metric lacks.
        var periods: [PeriodTally?] = []
        /// Whether some result line has the metric (a metric of the rules may have none).
        var inResults = false
        init(name: String) { self.name = name }
    }

    struct PeriodTally {
        var conversations = 0, applied = 0, trueCount = 0, okCount = 0
        var labels: [ExactKey: Int] = [:]
        var distribution: NumberDistribution?
    }

    private struct LoggedTally {
        var conversations = 0
        var values: [ExactKey: Int] = [:]
        var numericSum = FiniteSum(), numericCount = 0
        var otherValues = 0
    }

    /// Values of a number metric kept exactly for its quantiles; past it, a 1% sketch.
    static let exactNumberLimit = 100_000
    /// The same per trend period, whose medians need less precision.
    static let exactPeriodNumberLimit = 1_000
    /// Distinct logged values remembered per name; further ones are counted as "other".
    static let loggedValueLimit = 1000
    /// Distinct flow paths remembered; further ones are counted as "other".
    static let pathLimit = 10_000
    /// Distinct flows, functions and logged names kept, each the first met; the conversations
    /// with others are counted as `(other flows)`, `(other functions)`, `(other names)`.
    static let nameLimit = 1_000
    /// Distinct flow transitions kept; further ones are not listed.
    static let transitionLimit = 10_000
    /// Distinct trend periods kept (days or weeks); lines of a further period are in no trend.
    static let periodLimit = 10_000

    private let rules: RuleSet?
    private let period: Report.Period
    private var order: [String] = []
    // Names, labels, flows and values are keyed by their bytes: 'café' in NFC and in NFD are two.
    private var tallies: [ExactKey: MetricTally] = [:]
    private var conversations = 0
    private var unreadable = 0
    private var flowCounts: [ExactKey: Int] = [:]
    private var flowPositionSums: [ExactKey: Int] = [:]
    private var paths: [ExactKey: Int] = [:]
    private var otherPaths = 0
    private var otherFlows = 0, otherFunctions = 0, otherLogged = 0, transitionCount = 0
    /// Trend periods by number, in order of first appearance.
    private var periodIndex: [String: Int] = [:]
    private var periodNames: [String] = []

    /// A SPEC status's position in `MetricResult.Status`; nil for any other text.
    @inline(__always)
    static func statusIndex(_ s: String) -> Int? {
        switch s {
        case "ok": return 0
        case "not_applicable": return 1
        case "inactive": return 2
        case "unmatched": return 3
        case "error": return 4
        default: return nil
        }
    }
    private var transitions: [ExactKey: [ExactKey: Int]] = [:]
    private var functions: [ExactKey: Int] = [:]
    private var logged: [ExactKey: LoggedTally] = [:]
    private var conversationPeriods: [String: Int] = [:]

    /// The tallies in the order the last line listed its metrics: lines written by one run
    /// list them alike, so the name at a position is compared instead of hashed.
    private var lineOrder: [MetricTally] = []

    /// The tally of metric `name`, the `position`-th of its line; made when first seen.
    private func tally(named name: String, at position: Int) -> MetricTally {
        if position < lineOrder.count, lineOrder[position].name.isExactly(name) { return lineOrder[position] }
        let tally: MetricTally
        if let known = tallies[ExactKey(name)] { tally = known } else {
            tally = MetricTally(name: name)
            tallies[ExactKey(name)] = tally
            order.append(name)
        }
        if position < lineOrder.count { lineOrder[position] = tally } else if position == lineOrder.count { lineOrder.append(tally) }
        return tally
    }

    /// Counts one outcome into its metric's tally for the line's period.
    static func count(_ outcome: ResultLine.Outcome, applied: Bool, into period: inout PeriodTally) {
        period.conversations += 1
        if applied { period.applied += 1 }
        guard outcome.status == "ok", let value = outcome.value else { return }
        period.okCount += 1
        switch value {
        case let .bool(b): if b { period.trueCount += 1 }
        case let .number(d, _):
            if period.distribution == nil { period.distribution = NumberDistribution(exactLimit: ReportBuilder.exactPeriodNumberLimit) }
            period.distribution!.add(d)
        case let .string(label): period.labels[ExactKey(label), default: 0] += 1
        default: break
        }
    }

    /// `rules`, when given, fixes the metric and label order and describes failing items.
    private var cohorts: CohortTallies?

    /// `by`: cut every metric's figures by this metadata path too, listing at most `maxCohorts`.
    public init(rules: RuleSet?, period: Report.Period, by: MetadataPath? = nil, maxCohorts: Int = 50) {
        self.rules = rules
        self.period = period
        cohorts = by.map { CohortTallies(path: $0, maxCohorts: maxCohorts) }
        if let rules {
            for metric in rules.metrics {
                order.append(metric.name)
                tallies[ExactKey(metric.name)] = MetricTally(name: metric.name)
            }
        }
    }

    public func add(_ line: ResultLine) {
        if line.error != nil {
            unreadable += 1
            return
        }
        conversations += 1
        var periodKey = line.startedAt.flatMap { Timestamp.parseDateTime($0) }.map { ReportBuilder.periodKey($0, period) }
        if let key = periodKey, conversationPeriods[key] == nil, conversationPeriods.count >= ReportBuilder.periodLimit { periodKey = nil }
        cohorts?.add(line, period: periodKey)
        var periodSlot: Int?
        if let key = periodKey {
            if let known = periodIndex[key] { periodSlot = known } else {
                periodSlot = periodNames.count
                periodIndex[key] = periodNames.count
                periodNames.append(key)
            }
        }
        if let periodKey { conversationPeriods[periodKey, default: 0] += 1 }
        for (i, (name, outcome)) in line.metrics.enumerated() {
            let tally = self.tally(named: name, at: i)
            tally.inResults = true
            if let i = ReportBuilder.statusIndex(outcome.status) { tally.statusCounts[i] += 1 } else { tally.otherStatuses[outcome.status, default: 0] += 1 }
            let applied = outcome.applied
            if outcome.status == "ok", let value = outcome.value {
                switch value {
                case let .bool(b):
                    tally.booleans += 1
                    if b {
                        tally.trueCount += 1
                    } else {
                        tally.falseCount += 1
                        for item in outcome.failedItems ?? [] { tally.failing[item, default: 0] += 1 }
                    }
                case let .number(d, _):
                    tally.numbers += 1
                    tally.distribution.add(d)
                case let .string(label):
                    tally.categoricals += 1
                    tally.labels[ExactKey(label), default: 0] += 1
                default: break
                }
            }
            // One lookup per metric and line, updated in place.
            if let slot = periodSlot {
                // One period number per line, an array slot per metric: no hashing per metric.
                if tally.periods.count <= slot { tally.periods += [PeriodTally?](repeating: nil, count: slot + 1 - tally.periods.count) }
                if tally.periods[slot] == nil { tally.periods[slot] = PeriodTally() }
                ReportBuilder.count(outcome, applied: applied, into: &tally.periods[slot]!)
            }
        }
        var unlistedFlow = false
        for (i, flow) in line.flows.enumerated() {
            let key = ExactKey(flow)
            guard flowCounts[key] != nil || flowCounts.count < ReportBuilder.nameLimit else {
                unlistedFlow = true
                continue
            }
            flowCounts[key, default: 0] += 1
            flowPositionSums[key, default: 0] += i
            guard i > 0 else { continue }
            let from = ExactKey(line.flows[i - 1])
            if transitions[from]?[key] != nil {
                transitions[from]![key]! += 1
            } else if transitionCount < ReportBuilder.transitionLimit && flowCounts[from] != nil {
                transitions[from, default: [:]][key] = 1
                transitionCount += 1
            }
        }
        if unlistedFlow { otherFlows += 1 }
        let path = ExactKey(line.flows.joined(separator: " → "))
        if paths[path] != nil || paths.count < ReportBuilder.pathLimit {
            paths[path, default: 0] += 1
        } else {
            otherPaths += 1
        }
        var unlistedFunction = false
        for function in Set(line.functions.map(ExactKey.init)) {
            if functions[function] != nil || functions.count < ReportBuilder.nameLimit { functions[function, default: 0] += 1 } else { unlistedFunction = true }
        }
        if unlistedFunction { otherFunctions += 1 }
        var unlistedName = false
        for (name, value) in line.logged {
            guard logged[ExactKey(name)] != nil || logged.count < ReportBuilder.nameLimit else {
                unlistedName = true
                continue
            }
            var tally = logged[ExactKey(name)] ?? LoggedTally()
            tally.conversations += 1
            let values: [JSONValue]
            if case let .array(list) = value { values = list } else { values = [value] }
            for v in values {
                var w = JSONWriter()
                w.value(v)
                let text = ExactKey(String(decoding: w.bytes, as: UTF8.self))
                if tally.values[text] != nil || tally.values.count < ReportBuilder.loggedValueLimit {
                    tally.values[text, default: 0] += 1
                } else {
                    tally.otherValues += 1
                }
                if case let .number(d, _) = v, d.isFinite {
                    tally.numericSum.add(d)
                    tally.numericCount += 1
                }
            }
            logged[ExactKey(name)] = tally
        }
        if unlistedName { otherLogged += 1 }
    }

    /// What the report says of a metric of `--rules` that no result line has, in place of
    /// its counts (`rulesMismatch` warns about it).
    static let inNoResultLine = "in no result line: not scored with these results"

    /// Warnings for `--rules` that do not fit the results: metrics of the rules that no result
    /// line has, and metrics of the results that the rules lack (names compared by bytes).
    /// Empty without rules or without a readable line.
    public func rulesMismatch() -> [String] {
        guard let rules, conversations > 0 else { return [] }
        func quoted(_ names: [String]) -> String {
            names.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
        }
        var out: [String] = []
        let missing = rules.metrics.map(\.name).filter { tallies[ExactKey($0)]?.inResults != true }
        let ruleNames = Set(rules.metrics.map { ExactKey($0.name) })
        let extra = order.filter { !ruleNames.contains(ExactKey($0)) }
        if !missing.isEmpty {
            out.append("the rules define \(missing.count == 1 ? "a metric" : "\(missing.count) metrics") no result line has: \(quoted(missing)) (were the results scored with other rules?)")
        }
        if !extra.isEmpty {
            out.append("the results have \(extra.count == 1 ? "a metric" : "\(extra.count) metrics") the rules do not define: \(quoted(extra)); \(extra.count == 1 ? "it is" : "they are") reported without their rules")
        }
        return out
    }

    public func finish() -> Report {
        func share(_ n: Int, _ total: Int) -> Double { total > 0 ? Double(n) / Double(total) : 0 }
        func ranked(_ counts: [ExactKey: Int], total: Int) -> [Report.Share] {
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.string.utf8.lexicographicallyPrecedes($1.key.string.utf8) }
                .map { Report.Share(name: $0.key.string, count: $0.value, share: share($0.value, total)) }
        }
        var metrics: [Report.MetricReport] = []
        for name in order {
            let t = tallies[ExactKey(name)]!
            let rule = rules?.metric(named: name)
            let type: String
            if let rule { type = rule.typeName } else {
                type = t.booleans > 0 ? "boolean" : t.categoricals > 0 ? "categorical" : t.numbers > 0 ? "number" : "unknown"
            }
            let total = t.statuses.values.reduce(0, +)
            let statuses = MetricResult.Status.allCases.map {
                Report.Share(name: $0.rawValue, count: t.statuses[$0.rawValue] ?? 0, share: share(t.statuses[$0.rawValue] ?? 0, total))
            }
            let applied = ["ok", "unmatched", "error"].reduce(0) { $0 + (t.statuses[$1] ?? 0) }
            // Labels in rule order (every label, even unseen), then any others by count.
            var labelOrder: [String] = []
            if let rule, case let .categorical(labels, otherwise) = rule.body {
                labelOrder = labels.map(\.label) + (otherwise.map { [$0] } ?? [])
                var seen = Set<ExactKey>()
                labelOrder = labelOrder.filter { seen.insert(ExactKey($0)).inserted }
            }
            let ruleLabels = Set(labelOrder.map(ExactKey.init))
            let extra = ranked(t.labels.filter { !ruleLabels.contains($0.key) }, total: 0).map(\.name)
            let allLabels = labelOrder + extra
            let okLabels = t.labels.values.reduce(0, +)
            let labels = allLabels.map { Report.Share(name: $0, count: t.labels[ExactKey($0)] ?? 0, share: share(t.labels[ExactKey($0)] ?? 0, okLabels)) }
            let okBooleans = t.trueCount + t.falseCount
            var items: [Condition] = []
            if let rule, case let .boolean(.all(parts)) = rule.body { items = parts }
            let failing = t.failing.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map {
                Report.FailingItem(item: $0.key, description: items.indices.contains($0.key) ? items[$0.key].words : "item \($0.key + 1) of the 'all'",
                                   condition: items.indices.contains($0.key) ? items[$0.key].summary : nil,
                                   count: $0.value, share: share($0.value, t.falseCount))
            }
            let slots = t.periods.indices.filter { t.periods[$0] != nil }.sorted { periodNames[$0] < periodNames[$1] }
            let trend = slots.map { ReportBuilder.trendPoint(periodNames[$0], t.periods[$0]!, type: type, labels: allLabels) }
            var numbers: Report.NumberSummary?
            let d = t.distribution
            if type == "number", let mean = d.mean, let median = d.percentile(50), let p90 = d.percentile(90) {
                var unit: String?
                if let rule, case let .number(_, u) = rule.body { unit = u }
                numbers = Report.NumberSummary(n: d.count, mean: mean, median: median, p90: p90, min: d.min, max: d.max,
                                               histogram: d.histogram(), binWidth: d.wholeBinWidth(), exact: d.isExact, unit: unit)
            }
            metrics.append(Report.MetricReport(
                name: name, type: type, conversations: total, applied: applied, statuses: statuses,
                trueCount: t.trueCount, falseCount: t.falseCount,
                rate: okBooleans > 0 ? share(t.trueCount, okBooleans) : nil,
                interval: Report.wilson(t.trueCount, okBooleans), labels: type == "categorical" ? labels : [],
                failing: failing, trend: trend, numbers: numbers,
                cohorts: cohorts?.figures(metric: name, type: type, labelOrder: type == "categorical" ? allLabels : []) ?? [],
                definition: rule?.definition))
        }
        // Funnel order: by mean position of entry, then by reach, then by name.
        let flows = flowCounts.keys.sorted { a, b in
            let pa = Double(flowPositionSums[a]!) / Double(flowCounts[a]!), pb = Double(flowPositionSums[b]!) / Double(flowCounts[b]!)
            if pa != pb { return pa < pb }
            if flowCounts[a]! != flowCounts[b]! { return flowCounts[a]! > flowCounts[b]! }
            return a.string.utf8.lexicographicallyPrecedes(b.string.utf8)
        }.map { Report.Share(name: $0.string, count: flowCounts[$0]!, share: share(flowCounts[$0]!, conversations)) }
            + (otherFlows > 0 ? [Report.Share(name: "(other flows)", count: otherFlows, share: share(otherFlows, conversations))] : [])
        var pathShares = ranked(paths.mapKeys { $0.string.isEmpty ? ExactKey("(no flow)") : $0 }, total: conversations)
        if otherPaths > 0 { pathShares.append(Report.Share(name: "(other paths)", count: otherPaths, share: share(otherPaths, conversations))) }
        let transitionList = transitions.flatMap { from, tos in tos.map { (from: from.string, to: $0.key.string, count: $0.value) } }
            .sorted { a, b in
                if a.count != b.count { return a.count > b.count }
                if !a.from.isExactly(b.from) { return a.from.utf8.lexicographicallyPrecedes(b.from.utf8) }
                return a.to.utf8.lexicographicallyPrecedes(b.to.utf8)
            }
        let loggedReports = logged.keys.sorted { $0.string.utf8.lexicographicallyPrecedes($1.string.utf8) }.map { key -> Report.LoggedReport in
            let t = logged[key]!, name = key.string
            let valueTotal = t.values.values.reduce(0, +) + t.otherValues
            var values = ranked(t.values, total: valueTotal)
            if t.otherValues > 0 { values.append(Report.Share(name: "(other values)", count: t.otherValues, share: share(t.otherValues, valueTotal))) }
            return Report.LoggedReport(name: name, conversations: t.conversations, values: values,
                                       mean: t.numericCount > 0 ? t.numericSum.mean(count: t.numericCount) : nil)
        }
        var report = Report(conversations: conversations, unreadable: unreadable, period: period, metrics: metrics,
                            flows: flows, paths: pathShares, transitions: transitionList,
                            functions: ranked(functions, total: conversations)
                                + (otherFunctions > 0 ? [Report.Share(name: "(other functions)", count: otherFunctions, share: share(otherFunctions, conversations))] : []),
                            logged: loggedReports + (otherLogged > 0 ? [Report.LoggedReport(name: "(other names)", conversations: otherLogged, values: [], mean: nil)] : []))
        report.by = cohorts?.path
        return report
    }
}

extension Dictionary where Value == Int {
    /// The dictionary with keys transformed; counts of keys that collide are added.
    func mapKeys(_ transform: (Key) -> Key) -> [Key: Int] {
        var out: [Key: Int] = [:]
        for (k, v) in self { out[transform(k), default: 0] += v }
        return out
    }
}
