import Foundation

/// `verdict report --format html`: one self-contained page (no scripts, no network) whose
/// charts are inline SVG (`ReportCharts.swift`). With a review page, every bar, label share,
/// status count and failing item links to the calls behind it.
struct ReportHTML {
    let report: Report
    /// The page `verdict review` wrote, as the link should name it.
    var review: String?

    /// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
    /// Flows, functions and logged names shown on the page (JSON has every one kept).
    static let listed = 40

    /// A trend point resting on fewer calls than this is drawn hollow and faint.
    static let minimumN = 30

    static func escape(_ s: String) -> String { Markup.escape(s) }

    static func n(_ x: Double) -> String { NumberText.decimal(x, places: 1) }

    /// The narrowest a chart `width` units wide may be drawn for its `font`-unit labels to stay
    /// at least 10 px; narrower screens scroll it inside its card.
    static func legible(_ width: Double, font: Double) -> String { n((width * 10 / font).rounded(.up)) }

    /// The review link for a metric's value (`status` false) or status, or nil without a review
    /// page. The page's path is percent-encoded too, so that `#`, `?` or `%` in it stay part of it.
    func link(_ metric: String, _ outcome: String, status: Bool = false) -> String? {
        guard let review else { return nil }
        func encoded(_ s: String, keeping extra: String = "") -> String {
            var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
            allowed.insert(charactersIn: extra)
            return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
        }
        return ReportHTML.escape("\(encoded(review, keeping: "/"))#metric=\(encoded(metric))&\(status ? "status" : "outcome")=\(encoded(outcome))")
    }

    /// `content` wrapped in a link to the review when there is one.
    func linked(_ content: String, _ metric: String, _ outcome: String, status: Bool = false, svg: Bool = false) -> String {
        guard let href = link(metric, outcome, status: status) else { return content }
        return "<a href=\"\(href)\"\(svg ? "" : " class=\"review\"")>\(content)</a>"
    }

    func page() -> String {
        let r = report
        let booleans = r.metrics.filter { $0.type == "boolean" }
        let categoricals = r.metrics.filter { $0.type == "categorical" }
        var body = ""
        body += "<header><h1>Verdict report</h1><div class=\"cards\">"
        body += card("\(r.conversations)", "conversations")
        body += card("\(r.metrics.count)", "metrics")
        if r.unreadable > 0 { body += card("\(r.unreadable)", "unreadable") }
        let periods = Array(Set(r.metrics.flatMap { $0.trend.map(\.period) })).sorted()
        if let first = periods.first, let last = periods.last {
            body += card(first == last ? first : "\(first) – \(last)", "by \(r.period.rawValue)")
        }
        body += "</div>"
        if review != nil { body += "<p class=\"note\">Bars, label shares, status counts and failing items link to the calls behind them in the review page.</p>" }
        body += "</header>"
        let defined = r.metrics.filter { !($0.definition ?? "").isEmpty }
        if !defined.isEmpty {
            // What each metric measures, in its author's words, before any figure of it.
            body += "<section id=\"definitions\"><h2>Metrics and what they measure</h2><dl class=\"definitions\">"
            for m in defined {
                body += "<dt>\(ReportHTML.escape(m.name)) <span class=\"note\">\(ReportHTML.escape(m.type))</span></dt><dd>\(ReportHTML.escape(m.definition!))</dd>"
            }
            body += "</dl></section>"
        }
        if !booleans.isEmpty {
            body += "<section><h2>Boolean metrics</h2><p class=\"note\">True rate among conversations where the metric applied, with its 95% Wilson interval and n, the number of such conversations.</p>"
            body += rateChart(booleans) + "</section>"
        }
        if !categoricals.isEmpty {
            body += "<section><h2>Categorical metrics</h2><p class=\"note\">Share of each label among conversations where the metric applied.</p>"
            body += labelChart(categoricals) + "</section>"
        }
        let numbers = r.metrics.filter { $0.numbers != nil }
        if !numbers.isEmpty {
            body += "<section><h2>Number metrics</h2><p class=\"note\">Among conversations where the metric had a value: median and p90 by nearest rank; bars are ten equal-width bins from min to max.</p>"
            body += table(["Metric", "n", "Mean", "Median", "p90", "Min", "Max"], numbers.map { m in
                let s = m.numbers!
                let unit = s.unit.map { " \($0)" } ?? ""
                return [m.name, "\(NumberText.grouped(s.n))", ReportHTML.n(s.mean) + unit, ReportHTML.n(s.median) + unit, ReportHTML.n(s.p90) + unit,
                        ReportHTML.n(s.min) + unit, ReportHTML.n(s.max) + unit]
            })
            body += "<div class=\"grid\">" + numbers.map(histogramChart).joined() + "</div></section>"
        }
        body += cohortSection()
        body += statusSection()
        let trended = r.metrics.filter { m in
            switch m.type {
            case "boolean": return m.trend.filter { $0.rate != nil }.count >= 2
            case "categorical": return m.trend.filter { $0.okCount > 0 }.count >= 2
            default: return m.trend.filter { $0.median != nil }.count >= 2
            }
        }
        if !trended.isEmpty {
            body += "<section><h2>Trends by \(r.period.rawValue)</h2><p class=\"note\">Time runs to scale, so a gap in the dates is a gap on the axis. The grey bars under each chart are the calls per \(r.period.rawValue) (n, also in each point's tooltip); a hollow, faint point rests on fewer than \(ReportHTML.minimumN) calls.</p><div class=\"grid\">"
            for m in trended { body += trendChart(m) }
            body += "</div></section>"
        }
        let failing = booleans.filter { !$0.failing.isEmpty }
        if !failing.isEmpty {
            body += "<section><h2>Why it fails</h2><p class=\"note\">For a metric whose condition is an <code>all</code>: how often each item did not hold among the false results (several can fail at once). Hover an item for the rule as written.</p>"
            for m in failing { body += whyTable(m) }
            body += "</section>"
        }
        if !r.flows.isEmpty {
            body += "<section><h2>Flows</h2><p class=\"note\">Share of conversations that entered each flow, in the order flows are usually entered; then the most common paths (flows in order of entry) and the transitions from one flow to the next.</p>"
            body += flowChart(Array(r.flows.prefix(ReportHTML.listed)))
            if r.flows.count > ReportHTML.listed { body += "<p class=\"note\">\(r.flows.count - ReportHTML.listed) more flows in <code>--format json</code>.</p>" }
            body += "<div class=\"grid two\">"
            body += table(["Most common paths", "Conversations"], r.paths.prefix(10).map { [$0.name, "\(NumberText.grouped($0.count)) (\(NumberText.percent($0.share)))"] })
            body += table(["From", "To", "Times"], r.transitions.prefix(12).map { [$0.from, $0.to, "\(NumberText.grouped($0.count))"] })
            body += "</div></section>"
        }
        if !r.functions.isEmpty {
            body += "<section><h2>Functions</h2>"
            body += table(["Function", "Conversations calling it"], r.functions.prefix(ReportHTML.listed).map { [$0.name, "\(NumberText.grouped($0.count)) (\(NumberText.percent($0.share)))"] })
            if r.functions.count > ReportHTML.listed { body += "<p class=\"note\">\(r.functions.count - ReportHTML.listed) more functions in <code>--format json</code>.</p>" }
            body += "</section>"
        }
        if !r.logged.isEmpty {
            body += "<section><h2>Logged metrics</h2>"
            if r.logged.count > ReportHTML.listed { body += "<p class=\"note\">The first \(ReportHTML.listed) of \(r.logged.count) names; the others in <code>--format json</code>.</p>" }
            body += table(["Name", "Conversations", "Mean", "Most common values"], r.logged.prefix(ReportHTML.listed).map {
                [$0.name, "\(NumberText.grouped($0.conversations))", $0.mean.map { NumberText.decimal($0, places: 2) } ?? "", $0.values.prefix(6).map { "\($0.name) (\(NumberText.grouped($0.count)))" }.joined(separator: ", ")]
            })
            body += "</section>"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Verdict report</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#f6f8fa;margin:0}
        main{max-width:1040px;margin:0 auto;padding:24px 28px 48px}
        h1{font-size:26px;margin:0 0 12px}h2{font-size:19px;margin:0 0 6px}
        section,header{background:#fff;border:1px solid #d8dee4;border-radius:10px;padding:18px 22px;margin:0 0 18px}
        .cards{display:flex;gap:14px;flex-wrap:wrap}.card{background:#f6f8fa;border-radius:8px;padding:10px 16px;min-width:120px}
        .card b{display:block;font-size:22px}.card span{color:#59636e;font-size:13px}
        .note{color:#59636e;margin:0 0 12px;font-size:13px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(300px,100%),1fr));gap:14px}
        .grid.two{grid-template-columns:repeat(auto-fill,minmax(min(420px,100%),1fr));align-items:start}
        .grid>*{min-width:0}
        .grid figure{margin:0;border:1px solid #eef0f2;border-radius:8px;padding:8px 10px}
        figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
        .legend{font-size:12px;color:#59636e;display:flex;flex-wrap:wrap;gap:4px 12px;margin-top:4px}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
        table{border-collapse:collapse;width:100%;margin-top:12px;font-size:14px}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f2;vertical-align:top}th{color:#59636e;font-weight:600}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .bar{background:#f0f2f4;border-radius:3px;height:12px;min-width:80px;margin-top:4px}.bar span{display:block;height:12px;border-radius:3px;background:#D55E00}
        a.review{color:inherit;text-decoration:underline dotted}
        svg a:hover rect{opacity:.85}
        svg text{font-family:inherit}
        h3{font-size:15px;margin:14px 0 4px}
        dl.definitions dt{font-weight:600;margin-top:10px}dl.definitions dd{margin:2px 0 0;color:#3d444d;font-size:14px}
        code{font-size:13px}
        .scroll{overflow-x:auto;max-width:100%}.scroll table{min-width:420px}
        @media (max-width:560px){main{padding:12px 8px 32px}section,header{padding:12px 10px}.grid figure{padding:6px 4px}.card{min-width:0}}
        table.cohorts{table-layout:fixed}table.cohorts th:first-child{width:28%}table.cohorts th:nth-child(2){width:100px}
        </style></head>
        <body><main>
        \(body)
        </main></body></html>

        """
    }

    func card(_ value: String, _ label: String) -> String {
        "<div class=\"card\"><b>\(ReportHTML.escape(value))</b><span>\(ReportHTML.escape(label))</span></div>"
    }

    /// A table that scrolls inside its card on a narrow screen.
    func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "<div class=\"scroll\"><table><tr>" + header.map { "<th>\(ReportHTML.escape($0))</th>" }.joined() + "</tr>"
        for row in rows { out += "<tr>" + row.map { "<td>\(ReportHTML.escape($0))</td>" }.joined() + "</tr>" }
        return out + "</table></div>"
    }

    /// Every status of every metric: how many conversations had it, each a link into the review.
    func statusSection() -> String {
        let statuses = MetricResult.Status.allCases.map(\.rawValue)
        var out = "<section><h2>Statuses</h2><p class=\"note\">Every outcome that is not a value: not applicable (applies-when never held), inactive (before active_from), unmatched (no label or no value) and error.</p>"
        out += "<div class=\"scroll\"><table><tr><th>Metric</th>" + statuses.map { "<th class=\"num\">\(ReportHTML.escape($0))</th>" }.joined() + "</tr>"
        for m in report.metrics {
            out += "<tr><td>\(ReportHTML.escape(m.name))</td>"
            for status in statuses {
                let count = m.statuses.first { $0.name == status }?.count ?? 0
                // The review page files ok results of boolean and categorical metrics under their
                // values, so only a number metric has a status 'ok' to link to.
                let reviewHas = status != "ok" || m.type == "number"
                let cell = count == 0 ? "0" : reviewHas ? linked("\(NumberText.grouped(count))", m.name, status, status: true) : "\(NumberText.grouped(count))"
                out += "<td class=\"num\">\(cell)</td>"
            }
            out += "</tr>"
        }
        return out + "</table></div></section>"
    }

    /// The failing items of one metric: each in words (the rule as written on hover), a bar for
    /// its share among false results, and a link to the false calls.
    func whyTable(_ m: Report.MetricReport) -> String {
        var out = "<h3>\(ReportHTML.escape(m.name)) <span class=\"note\">false in \(linked("\(NumberText.grouped(m.falseCount))", m.name, "false")) conversation\(m.falseCount == 1 ? "" : "s")</span></h3>"
        out += "<div class=\"scroll\"><table><tr><th>Item that did not hold</th><th class=\"num\">Share</th><th class=\"num\">Calls</th></tr>"
        for f in m.failing {
            let title = f.condition.map { " title=\"\(ReportHTML.escape($0))\"" } ?? ""
            out += "<tr><td\(title)>\(linked(ReportHTML.escape(f.description), m.name, "false"))"
            out += "<div class=\"bar\"><span style=\"width:\(ReportHTML.n(f.share * 100))%\"></span></div></td>"
            out += "<td class=\"num\">\(NumberText.percent(f.share))</td><td class=\"num\">\(NumberText.grouped(f.count))</td></tr>"
        }
        return out + "</table></div>"
    }

    func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
