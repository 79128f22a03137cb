/// What changed between two `verdict score` outputs for the same conversations.
public struct ResultDiff: Sendable {
    public struct Change: Sendable, Equatable {
        public var id: String
        public var metric: String
        public var before: String
        public var after: String
    }

    public struct Transition: Sendable, Equatable {
        public var before: String
        public var after: String
        public var count: Int
    }

    public struct MetricChanges: Sendable {
        public var metric: String
        /// Conversations in both files that have the metric in both.
        public var compared: Int
        /// Changed pairs only, most common first.
        public var transitions: [Transition]
        public var changed: Int { transitions.reduce(0) { $0 + $1.count } }
        /// Number metrics: the mean over conversations with a value on both sides, before and after.
        public var meanBefore: Double? = nil
        public var meanAfter: Double? = nil
        /// The paired test over the calls `ok` on both sides (`PairedTally`): its name, p,
        /// Holm-adjusted p across metrics, and whether that is below alpha.
        public var test: String? = nil
        public var p: Double? = nil
        public var adjustedP: Double? = nil
        public var significant = false

        /// "mean 12.5 → 14 (+1.5)", or nil for a metric without numbers on both sides.
        public var meanShift: String? {
            guard let b = meanBefore, let a = meanAfter else { return nil }
            // Two means near the ends of the double range can differ by more than a double holds.
            let delta = Swift.min(.greatestFiniteMagnitude, Swift.max(-.greatestFiniteMagnitude, a - b))
            return "mean \(NumberText.decimal(b, places: 2)) → \(NumberText.decimal(a, places: 2)) (\(delta >= 0 ? "+" : "")\(NumberText.decimal(delta, places: 2)))"
        }
    }

    public var metrics: [MetricChanges]
    /// Every change, in NEW's conversation order, then metric order.
    public var changes: [Change]
    public var onlyOld: [String]
    public var onlyNew: [String]
    /// Metrics present on one side only.
    public var metricsOnlyOld: [String]
    public var metricsOnlyNew: [String]
    /// Problems reading either file (lines that are not score output).
    public var problems: [String]
    /// Set when `only` names a metric neither file has: what to tell the user.
    public var unknownMetric: String? = nil

    public var isEmpty: Bool {
        changes.isEmpty && onlyOld.isEmpty && onlyNew.isEmpty && metricsOnlyOld.isEmpty && metricsOnlyNew.isEmpty
    }

    /// Compares OLD and NEW; `only` restricts the comparison to those metric names.
    public static func compare(old: [String], new: [String], only: [String] = [], options: InputOptions = InputOptions(),
                               alpha: Double = 0.05) -> ResultDiff {
        var problems: [String] = []
        // OLD is held by id and occurrence; NEW is streamed. An id written more than once is
        // compared occurrence by occurrence (the second in OLD with the second in NEW), so a
        // change in a later occurrence is never hidden behind the first. Such occurrences are
        // named `ID (occurrence K)`.
        // Metric names, ids and values are compared by their bytes (names in NFC and NFD are two).
        var oldByID: [OccurrenceKey: [ExactKey: String]] = [:]
        var oldOrder: [OccurrenceKey] = []
        var oldCount: [ExactKey: Int] = [:], newCount: [ExactKey: Int] = [:]
        var oldMetrics: [String] = [], oldMetricSet = Set<ExactKey>()
        let wanted = Set(only.map(ExactKey.init))
        // Every metric name met, for "did you mean" when --metric names none of them.
        var allNames = Set<ExactKey>()
        let everything = ExactKey("*")
        func outcomes(_ line: ResultLine) -> [ExactKey: String] {
            if line.error != nil { return [everything: "unreadable"] }
            var out: [ExactKey: String] = [:]
            for (name, outcome) in line.metrics where wanted.isEmpty || wanted.contains(ExactKey(name)) { out[ExactKey(name)] = outcome.display }
            return out
        }
        // `ok` values, for the mean shifts and the paired tests.
        func okValues(_ line: ResultLine) -> [ExactKey: JSONValue] {
            var out: [ExactKey: JSONValue] = [:]
            for (name, outcome) in line.metrics where (wanted.isEmpty || wanted.contains(ExactKey(name))) && outcome.status == "ok" {
                if let value = outcome.value { out[ExactKey(name)] = value }
            }
            return out
        }
        var oldValues: [OccurrenceKey: [ExactKey: JSONValue]] = [:]
        var paired: [ExactKey: PairedTally] = [:]
        var sums: [ExactKey: (before: FiniteSum, after: FiniteSum, n: Int)] = [:]
        problems += ResultLines(inputs: old, options: options, evidence: false).forEach { line, _ in
            guard let id = line.id else { return }
            if !wanted.isEmpty && allNames.count < 10_000 { for (name, _) in line.metrics { allNames.insert(ExactKey(name)) } }
            for (name, _) in line.metrics where (wanted.isEmpty || wanted.contains(ExactKey(name))) && oldMetricSet.insert(ExactKey(name)).inserted {
                oldMetrics.append(name)
            }
            oldCount[ExactKey(id), default: 0] += 1
            let key = OccurrenceKey(id: ExactKey(id), occurrence: oldCount[ExactKey(id)]!)
            oldByID[key] = outcomes(line)
            oldOrder.append(key)
            let values = okValues(line)
            if !values.isEmpty { oldValues[key] = values }
        }.problems
        var newMetrics: [String] = [], newMetricSet = Set<ExactKey>()
        var seen = Set<OccurrenceKey>()
        var onlyNew: [String] = []
        var changes: [Change] = []
        var counts: [ExactKey: [TransitionKey: Int]] = [:]
        var compared: [ExactKey: Int] = [:]
        problems += ResultLines(inputs: new, options: options, evidence: false).forEach { line, _ in
            guard let id = line.id else { return }
            if !wanted.isEmpty && allNames.count < 10_000 { for (name, _) in line.metrics { allNames.insert(ExactKey(name)) } }
            for (name, _) in line.metrics where (wanted.isEmpty || wanted.contains(ExactKey(name))) && newMetricSet.insert(ExactKey(name)).inserted {
                newMetrics.append(name)
            }
            newCount[ExactKey(id), default: 0] += 1
            let key = OccurrenceKey(id: ExactKey(id), occurrence: newCount[ExactKey(id)]!)
            seen.insert(key)
            let display = key.display
            guard let before = oldByID[key] else {
                onlyNew.append(display)
                return
            }
            let after = outcomes(line)
            if let before = oldValues[key] {
                for (name, after) in okValues(line) {
                    guard let previous = before[name] else { continue }
                    paired[name, default: PairedTally()].add(previous, after)
                    guard case let .number(x, _) = previous, case let .number(y, _) = after else { continue }
                    var s = sums[name] ?? (FiniteSum(), FiniteSum(), 0)
                    s.before.add(x)
                    s.after.add(y)
                    s.n += 1
                    sums[name] = s
                }
            }
            let names = before[everything] != nil || after[everything] != nil ? [everything]
                : line.metrics.map { ExactKey($0.name) }.filter { before[$0] != nil && after[$0] != nil }
            for name in names {
                let b = before[name] ?? "ok", a = after[name] ?? "ok"
                let metric = name == everything ? ExactKey("(conversation)") : name
                compared[metric, default: 0] += 1
                if !b.isExactly(a) {
                    changes.append(Change(id: display, metric: metric.string, before: b, after: a))
                    counts[metric, default: [:]][TransitionKey(before: ExactKey(b), after: ExactKey(a)), default: 0] += 1
                }
            }
        }.problems
        var unknownMetric: String?
        for name in only where unknownMetric == nil && !oldMetricSet.contains(ExactKey(name)) && !newMetricSet.contains(ExactKey(name)) {
            unknownMetric = Suggestion.noSuch("metric named", name, in: "the results", among: allNames.map(\.string))
        }
        var order = oldMetrics
        for m in newMetrics where !oldMetricSet.contains(ExactKey(m)) { order.append(m) }
        if counts[ExactKey("(conversation)")] != nil { order.append("(conversation)") }
        var metrics = order.filter { compared[ExactKey($0)] != nil }.map { metric -> MetricChanges in
            let transitions = (counts[ExactKey(metric)] ?? [:]).map { key, count -> Transition in
                Transition(before: key.before.string, after: key.after.string, count: count)
            }.sorted { a, b in
                if a.count != b.count { return a.count > b.count }
                if !a.before.isExactly(b.before) { return a.before.utf8.lexicographicallyPrecedes(b.before.utf8) }
                return a.after.utf8.lexicographicallyPrecedes(b.after.utf8)
            }
            var changes = MetricChanges(metric: metric, compared: compared[ExactKey(metric)] ?? 0, transitions: transitions)
            if let s = sums[ExactKey(metric)], s.n > 0 {
                changes.meanBefore = s.before.mean(count: s.n)
                changes.meanAfter = s.after.mean(count: s.n)
            }
            if let tally = paired[ExactKey(metric)] {
                changes.test = tally.test
                changes.p = tally.p
            }
            return changes
        }
        for (i, h) in Statistics.holm(metrics.map(\.p), alpha: alpha).enumerated() {
            metrics[i].adjustedP = h.adjusted
            metrics[i].significant = h.significant
        }
        return ResultDiff(metrics: metrics, changes: changes, onlyOld: oldOrder.filter { !seen.contains($0) }.map(\.display), onlyNew: onlyNew,
                          metricsOnlyOld: oldMetrics.filter { !newMetricSet.contains(ExactKey($0)) },
                          metricsOnlyNew: newMetrics.filter { !oldMetricSet.contains(ExactKey($0)) }, problems: problems,
                          unknownMetric: unknownMetric)
    }

    /// A transition's two outcomes, compared by their bytes.
    struct TransitionKey: Hashable {
        var before: ExactKey
        var after: ExactKey
    }

    /// An id and which of its occurrences (from 1) a result line is.
    struct OccurrenceKey: Hashable {
        var id: ExactKey
        var occurrence: Int
        var display: String { occurrence == 1 ? id.string : "\(id.string) (occurrence \(occurrence))" }
    }

    /// The diff in `format` (text, markdown or json).
    public func rendered(_ format: DiffFormat) -> String {
        switch format {
        case .text: return TerminalText.escape(text())
        case .markdown: return markdown()
        case .json: return json()
        }
    }

    private func text() -> String {
        if isEmpty { return "No changes.\n" }
        var out = ""
        for m in metrics where m.changed > 0 {
            out += "\(m.metric): \(m.changed) of \(m.compared) changed" + (m.meanShift.map { "; \($0)" } ?? "")
                + (m.test.map { "; \($0) p \(Comparison.pText(m.p)), adjusted \(Comparison.pText(m.adjustedP))\(m.significant ? ", significant" : "")" } ?? "") + "\n"
            for t in m.transitions { out += "  \(String(t.count).leftPadded(6))  \(t.before) → \(t.after)\n" }
        }
        if !metricsOnlyOld.isEmpty { out += "Metrics only in OLD: " + metricsOnlyOld.joined(separator: ", ") + "\n" }
        if !metricsOnlyNew.isEmpty { out += "Metrics only in NEW: " + metricsOnlyNew.joined(separator: ", ") + "\n" }
        if !changes.isEmpty {
            out += "\nChanged conversations\n"
            for c in changes { out += "  \(c.id)  \(c.metric): \(c.before) → \(c.after)\n" }
        }
        if !onlyOld.isEmpty { out += "\nOnly in OLD (\(onlyOld.count)): " + onlyOld.joined(separator: ", ") + "\n" }
        if !onlyNew.isEmpty { out += "\nOnly in NEW (\(onlyNew.count)): " + onlyNew.joined(separator: ", ") + "\n" }
        return out
    }

    private func markdown() -> String {
        func cell(_ s: String) -> String { Markdown.escape(s) }
        if isEmpty { return "No changes.\n" }
        var out = "| Metric | Before | After | Conversations |\n|---|---|---|---:|\n"
        for m in metrics where m.changed > 0 {
            for t in m.transitions { out += "| \(cell(m.metric)) | \(cell(t.before)) | \(cell(t.after)) | \(t.count) |\n" }
        }
        let shifts = metrics.filter { $0.changed > 0 }.compactMap { m in m.meanShift.map { "- \(Markdown.escape(m.metric)): \($0)" } }
        if !shifts.isEmpty { out += "\n" + shifts.joined(separator: "\n") + "\n" }
        if !metricsOnlyOld.isEmpty { out += "\nMetrics only in OLD: " + metricsOnlyOld.map(Markdown.escape).joined(separator: ", ") + "\n" }
        if !metricsOnlyNew.isEmpty { out += "\nMetrics only in NEW: " + metricsOnlyNew.map(Markdown.escape).joined(separator: ", ") + "\n" }
        if !changes.isEmpty {
            out += "\n<details><summary>\(changes.count) change\(changes.count == 1 ? "" : "s")</summary>\n\n| Conversation | Metric | Before | After |\n|---|---|---|---|\n"
            for c in changes { out += "| \(cell(c.id)) | \(cell(c.metric)) | \(cell(c.before)) | \(cell(c.after)) |\n" }
            out += "\n</details>\n"
        }
        if !onlyOld.isEmpty { out += "\nOnly in OLD: " + onlyOld.map(Markdown.escape).joined(separator: ", ") + "\n" }
        if !onlyNew.isEmpty { out += "\nOnly in NEW: " + onlyNew.map(Markdown.escape).joined(separator: ", ") + "\n" }
        return out
    }

    private func json() -> String {
        var w = JSONWriter()
        w.object { o in
            o.add("changed", !isEmpty)
            o.add("metrics") { w in
                w.array(metrics) { w, m in
                    w.object { o in
                        o.add("metric", m.metric)
                        o.add("compared", m.compared)
                        o.add("changed", m.changed)
                        if let b = m.meanBefore, let a = m.meanAfter {
                            o.add("mean_before", number: JSONNumber.text(b))
                            o.add("mean_after", number: JSONNumber.text(a))
                        }
                        o.add("p", number: m.p.map(JSONNumber.text))
                        o.add("adjusted_p", number: m.adjustedP.map(JSONNumber.text))
                        o.add("significant", m.significant)
                        o.add("transitions") { w in
                            w.array(m.transitions) { w, t in
                                w.object { o in
                                    o.add("before", t.before)
                                    o.add("after", t.after)
                                    o.add("count", t.count)
                                }
                            }
                        }
                    }
                }
            }
            o.add("changes") { w in
                w.array(changes) { w, c in
                    w.object { o in
                        o.add("id", c.id)
                        o.add("metric", c.metric)
                        o.add("before", c.before)
                        o.add("after", c.after)
                    }
                }
            }
            o.add("only_old", strings: onlyOld)
            o.add("only_new", strings: onlyNew)
            o.add("metrics_only_old", strings: metricsOnlyOld)
            o.add("metrics_only_new", strings: metricsOnlyNew)
        }
        w.raw("\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

/// The formats `verdict diff` writes.
public enum DiffFormat: String, CaseIterable, Sendable {
    case text, markdown, json
}
