import Foundation

/// The formats `verdict report` writes.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, markdown, html, json
}

extension Report {
    /// The report in `format`, as the bytes to write.
    /// `review`: with `.html`, the page `verdict review` wrote, which bars, label shares,
    /// statuses and failing items then link into.
    public func rendered(_ format: ReportFormat, review: String? = nil) -> String {
        switch format {
        case .text: return TerminalText.escape(text())
        case .markdown: return markdown()
        case .json: return json()
        case .html: return ReportHTML(report: self, review: review).page()
        }
    }

    /// A boolean metric's (or cohort's) true rate in words, with its interval and n.
    static func trueRate(_ trueCount: Int, _ falseCount: Int, _ rate: Double?, _ interval: (low: Double, high: Double)?) -> String {
        guard let rate, let ci = interval else { return "no ok results" }
        return "true in \(NumberText.grouped(trueCount)) of \(NumberText.grouped(trueCount + falseCount)): \(NumberText.percent(rate)) (95% CI \(NumberText.percent(ci.low))–\(NumberText.percent(ci.high)))"
    }

    /// Each label's count and share, in words.
    static func labelShares(_ labels: [Share]) -> String {
        let shown = labels.map { "\($0.name) \(NumberText.grouped($0.count)) (\(NumberText.percent($0.share)))" }
        return shown.isEmpty ? "no ok results" : shown.joined(separator: " · ")
    }

    private func headline(_ m: MetricReport) -> String {
        switch m.type {
        case "boolean": return Report.trueRate(m.trueCount, m.falseCount, m.rate, m.interval)
        case "categorical": return Report.labelShares(m.labels)
        case "number":
            guard let s = m.numbers else { return "no ok results" }
            func n(_ x: Double) -> String { NumberText.decimal(x, places: 2) }
            let unit = s.unit.map { " (\($0))" } ?? ""
            return "n \(NumberText.grouped(s.n)) · mean \(n(s.mean)) · median \(n(s.median)) · p90 \(n(s.p90)) · min \(n(s.min)) · max \(n(s.max))\(unit)"
                + (s.exact ? "" : " · median and p90 within 1%")
        default:
            return "no ok results"
        }
    }

    private func statusLine(_ m: MetricReport) -> String {
        m.statuses.filter { $0.count > 0 }.map { "\($0.name) \(NumberText.grouped($0.count))" }.joined(separator: ", ")
    }

    // MARK: Text

    func text() -> String {
        var out = "Verdict report: \(NumberText.grouped(conversations)) conversation\(conversations == 1 ? "" : "s")"
        out += unreadable > 0 ? ", \(NumberText.grouped(unreadable)) unreadable\n" : "\n"
        out += "\nMetrics\n"
        for m in metrics {
            out += "\n  \(m.name) (\(m.type))\n"
            if m.conversations == 0 {
                // A metric of --rules that no result line has (the warning names it).
                out += "    \(ReportBuilder.inNoResultLine)\n"
                continue
            }
            out += "    applied in \(NumberText.grouped(m.applied)) of \(NumberText.grouped(m.conversations)) (\(NumberText.percent(m.conversations > 0 ? Double(m.applied) / Double(m.conversations) : 0)))"
            out += "; \(statusLine(m))\n"
            out += "    \(headline(m))\n"
            out += cohortText(m)
            if let s = m.numbers, s.n > 1 {
                let widest = s.histogram.map(\.count).max() ?? 1
                for (i, bin) in s.histogram.enumerated() {
                    let upper = i + 1 < s.histogram.count ? s.histogram[i + 1].lower : s.max
                    var range = "\(NumberText.decimal(bin.lower, places: 2))–\(NumberText.decimal(upper, places: 2))"
                    if let width = s.binWidth {
                        // Whole numbers: "3", or "10–14" with both ends in the bin.
                        let last = Swift.min(bin.lower + width - 1, s.max)
                        range = last > bin.lower ? "\(NumberText.decimal(bin.lower))–\(NumberText.decimal(last))" : NumberText.decimal(bin.lower)
                    }
                    let bar = String(repeating: "█", count: bin.count == 0 ? 0 : Swift.max(1, bin.count * 30 / Swift.max(1, widest)))
                    out += "      \(range.leftPadded(18))  \(bar) \(NumberText.grouped(bin.count))\n"
                }
            }
            if !m.failing.isEmpty {
                out += "    false in \(NumberText.grouped(m.falseCount)) call\(m.falseCount == 1 ? "" : "s"), because of:\n"
                for f in m.failing { out += "      \(NumberText.percent(f.share).leftPadded(6))  \(f.description)\n" }
            }
        }
        let periods = Set(metrics.flatMap { $0.trend.map(\.period) })
        if !periods.isEmpty {
            out += "\nTrends by \(period.rawValue) (true rate, the most common label, or the median, among ok results)\n"
            for m in metrics where m.type != "unknown" {
                let points = m.trend.filter { $0.okCount > 0 }
                if points.isEmpty { continue }
                out += "\n  \(m.name)\n"
                for p in points {
                    out += "    \(p.period)  " + trendCell(p, m) + "\n"
                }
            }
        }
        if !flows.isEmpty {
            out += "\nFlows entered (in the order they are usually entered)\n"
            for f in flows { out += "  \(NumberText.percent(f.share).leftPadded(6))  \(f.name) (\(NumberText.grouped(f.count)))\n" }
            out += "\n  Most common paths\n"
            for p in paths.prefix(10) { out += "  \(NumberText.percent(p.share).leftPadded(6))  \(p.name) (\(NumberText.grouped(p.count)))\n" }
            if !transitions.isEmpty {
                out += "\n  Transitions\n"
                for t in transitions.prefix(20) { out += "  \(String(t.count).leftPadded(6))  \(t.from) → \(t.to)\n" }
            }
        }
        if !functions.isEmpty {
            out += "\nFunctions (conversations calling each)\n"
            for f in functions { out += "  \(NumberText.percent(f.share).leftPadded(6))  \(f.name) (\(NumberText.grouped(f.count)))\n" }
        }
        if !logged.isEmpty {
            out += "\nLogged metrics\n"
            for l in logged {
                out += "  \(l.name): in \(NumberText.grouped(l.conversations)) conversation\(l.conversations == 1 ? "" : "s")"
                if let mean = l.mean { out += ", mean \(NumberText.decimal(mean, places: 2))" }
                out += "; " + l.values.prefix(8).map { "\($0.name) \(NumberText.grouped($0.count))" }.joined(separator: ", ") + "\n"
            }
        }
        return out
    }

    private func trendCell(_ p: TrendPoint, _ m: MetricReport) -> String {
        if m.type == "number" {
            guard let median = p.median else { return "no ok results" }
            return "median \(NumberText.decimal(median, places: 2))  (n \(NumberText.grouped(p.okCount)))"
        }
        if m.type == "boolean" {
            guard let rate = p.rate else { return "no ok results" }
            return "\(NumberText.percent(rate).leftPadded(6))  (\(NumberText.grouped(p.trueCount)) of \(NumberText.grouped(p.okCount)))"
        }
        guard let top = p.labels.max(by: { $0.count < $1.count }), top.count > 0 else { return "no ok results" }
        return "\(top.name) \(NumberText.percent(top.share))  (" + p.labels.filter { $0.count > 0 }.map { "\($0.name) \(NumberText.grouped($0.count))" }.joined(separator: ", ") + ")"
    }

    // MARK: Markdown

    func markdown() -> String {
        func cell(_ s: String) -> String { Markdown.escape(s) }
        var out = "## Verdict report\n\n\(NumberText.grouped(conversations)) conversation\(conversations == 1 ? "" : "s")"
        out += unreadable > 0 ? ", \(NumberText.grouped(unreadable)) unreadable.\n" : ".\n"
        out += "\n| Metric | Type | Applied | Result |\n|---|---|---:|---|\n"
        for m in metrics {
            if m.conversations == 0 {
                out += "| \(cell(m.name)) | \(m.type) | – | \(ReportBuilder.inNoResultLine) |\n"
                continue
            }
            out += "| \(cell(m.name)) | \(m.type) | \(NumberText.grouped(m.applied)) of \(NumberText.grouped(m.conversations)) | \(cell(headline(m))) |\n"
        }
        if let by {
            out += "\n### By \(cell(by.text))\n"
            for m in metrics { out += cohortMarkdown(m) }
        }
        let failing = metrics.filter { !$0.failing.isEmpty }
        if !failing.isEmpty {
            out += "\n### Why it fails\n\n"
            for m in failing {
                out += "- **\(cell(m.name))** is false in \(NumberText.grouped(m.falseCount)) call\(m.falseCount == 1 ? "" : "s"):\n"
                for f in m.failing { out += "  - \(NumberText.percent(f.share)) \(Markdown.escape(f.description)) (\(NumberText.grouped(f.count)))\n" }
            }
        }
        let trended = metrics.filter { !$0.trend.isEmpty && $0.type != "unknown" }
        if !trended.isEmpty {
            let periods = Array(Set(trended.flatMap { $0.trend.map(\.period) })).sorted()
            out += "\n### Trends by \(period.rawValue)\n\n| Metric | " + periods.joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: periods.count) + "\n"
            for m in trended {
                var row = "| \(cell(m.name)) |"
                for p in periods {
                    guard let point = m.trend.first(where: { $0.period == p }) else { row += " |"; continue }
                    if m.type == "number" {
                        row += " \(point.median.map { NumberText.decimal($0, places: 2) } ?? "–") |"
                    } else if m.type == "boolean" {
                        row += " \(point.rate.map { NumberText.percent($0) } ?? "–") |"
                    } else if let top = point.labels.max(by: { $0.count < $1.count }), top.count > 0 {
                        row += " \(cell(top.name)) \(NumberText.percent(top.share)) |"
                    } else {
                        row += " – |"
                    }
                }
                out += row + "\n"
            }
        }
        if !flows.isEmpty {
            out += "\n### Flows\n\n| Flow | Reached |\n|---|---:|\n"
            for f in flows { out += "| \(cell(f.name)) | \(NumberText.percent(f.share)) (\(NumberText.grouped(f.count))) |\n" }
            out += "\n| Path | Conversations |\n|---|---:|\n"
            for p in paths.prefix(10) { out += "| \(cell(p.name)) | \(NumberText.grouped(p.count)) (\(NumberText.percent(p.share))) |\n" }
        }
        if !functions.isEmpty {
            out += "\n### Functions\n\n| Function | Conversations |\n|---|---:|\n"
            for f in functions { out += "| \(cell(f.name)) | \(NumberText.grouped(f.count)) (\(NumberText.percent(f.share))) |\n" }
        }
        if !logged.isEmpty {
            out += "\n### Logged metrics\n\n| Name | Conversations | Mean | Values |\n|---|---:|---:|---|\n"
            for l in logged {
                out += "| \(cell(l.name)) | \(NumberText.grouped(l.conversations)) | \(l.mean.map { NumberText.decimal($0, places: 2) } ?? "") | "
                out += cell(l.values.prefix(8).map { "\($0.name) (\(NumberText.grouped($0.count)))" }.joined(separator: ", ")) + " |\n"
            }
        }
        return out
    }

    // MARK: JSON

    /// One share as `{KEY: name, "count", "share"}`, the share at full precision.
    static func shareJSON(_ w: inout JSONWriter, _ s: Share, key: StaticString) {
        w.object { o in
            o.add(key, s.name)
            o.add("count", s.count)
            o.add("share", number: JSONNumber.text(s.share))
        }
    }

    /// A trend's `trend` member: one object per period (a metric's, or one cohort's).
    static func trendJSON(_ trend: [TrendPoint], type: String, into o: inout JSONMembers) {
        func number(_ d: Double?) -> String? { d.map { JSONNumber.text($0) } }
        o.add("trend") { w in
            w.array(trend) { w, p in
                w.object { o in
                    o.add("period", p.period)
                    o.add("conversations", p.conversations)
                    o.add("applied", p.applied)
                    if type == "boolean" {
                        o.add("true", p.trueCount)
                        o.add("ok", p.okCount)
                        o.add("rate", number: number(p.rate))
                    }
                    if type == "categorical" {
                        o.add("labels") { w in w.array(p.labels) { Report.shareJSON(&$0, $1, key: "label") } }
                    }
                    if type == "number" {
                        o.add("ok", p.okCount)
                        o.add("median", number: number(p.median))
                    }
                }
            }
        }
    }

    func json() -> String {
        // Full precision: the shortest decimal that reads back as the same value (rounding is
        // for the text and HTML formats).
        func number(_ d: Double?) -> String? { d.map { JSONNumber.text($0) } }
        func share(_ w: inout JSONWriter, _ s: Share, key: StaticString) { Report.shareJSON(&w, s, key: key) }
        var w = JSONWriter()
        w.object { o in
            o.add("conversations", conversations)
            o.add("unreadable", unreadable)
            o.add("period", period.rawValue)
            if let by { o.add("by", by.text) }
            o.add("metrics") { w in
                w.array(metrics) { w, m in
                    w.object { o in
                        o.add("name", m.name)
                        o.add("type", m.type)
                        o.add("conversations", m.conversations)
                        o.add("applied", m.applied)
                        o.add("statuses") { w in w.object { o in for s in m.statuses { o.add(key: s.name, s.count) } } }
                        if m.type == "boolean" {
                            o.add("true", m.trueCount)
                            o.add("false", m.falseCount)
                            o.add("rate", number: number(m.rate))
                            o.add("interval") { w in
                                let bounds = m.interval.map { [JSONNumber.text($0.low), JSONNumber.text($0.high)] }
                                if let bounds, bounds.allSatisfy(JSONWriter.isNumberLiteral) {
                                    w.raw(Array("[\(bounds[0]),\(bounds[1])]".utf8))
                                } else {
                                    w.raw("null")
                                }
                            }
                            o.add("why_false") { w in
                                w.array(m.failing) { w, f in
                                    w.object { o in
                                        o.add("item", f.item)
                                        o.add("description", f.description)
                                        if let c = f.condition { o.add("condition", c) }
                                        o.add("count", f.count)
                                        o.add("share", number: number(f.share))
                                    }
                                }
                            }
                        }
                        if m.type == "categorical" {
                            o.add("labels") { w in w.array(m.labels) { share(&$0, $1, key: "label") } }
                        }
                        if m.type == "number" {
                            let s = m.numbers
                            o.add("n", s?.n ?? 0)
                            o.add("mean", number: number(s?.mean))
                            o.add("median", number: number(s?.median))
                            o.add("p90", number: number(s?.p90))
                            o.add("min", number: number(s?.min))
                            o.add("max", number: number(s?.max))
                            o.add("exact", s?.exact ?? true)
                            if let unit = s?.unit { o.add("unit", unit) }
                            o.add("histogram") { w in
                                w.array(s?.histogram ?? []) { w, bin in
                                    w.object { o in
                                        o.add("from", number: number(bin.lower))
                                        o.add("count", bin.count)
                                    }
                                }
                            }
                        }
                        Report.trendJSON(m.trend, type: m.type, into: &o)
                        if by != nil { Report.cohortJSON(m, into: &o) }
                    }
                }
            }
            o.add("flows") { w in w.array(flows) { share(&$0, $1, key: "flow") } }
            o.add("paths") { w in w.array(paths.prefix(10)) { share(&$0, $1, key: "path") } }
            o.add("transitions") { w in
                w.array(transitions) { w, t in
                    w.object { o in
                        o.add("from", t.from)
                        o.add("to", t.to)
                        o.add("count", t.count)
                    }
                }
            }
            o.add("functions") { w in w.array(functions) { share(&$0, $1, key: "function") } }
            o.add("logged") { w in
                w.array(logged) { w, l in
                    w.object { o in
                        o.add("name", l.name)
                        o.add("conversations", l.conversations)
                        o.add("mean", number: number(l.mean))
                        o.add("values") { w in w.array(l.values.prefix(20)) { share(&$0, $1, key: "value") } }
                    }
                }
            }
        }
        w.raw("\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
