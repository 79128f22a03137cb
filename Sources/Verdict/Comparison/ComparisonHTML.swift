/// `verdict compare --format html`: one self-contained page (no scripts, no network). A forest
/// plot gives each boolean metric's difference (candidate − base) with its 95% interval on
/// one scale, the zero line marked and significant metrics drawn solid; every metric's
/// figures, test and p-values are in the table beside it. Tables scroll inside their card on
/// a narrow screen, so the page itself never does.
extension Comparison {
    static func htmlPage(_ comparisons: [Comparison], title: String) -> String {
        var body = "<header><h1>\(Markup.escape(title))</h1></header>"
        for c in comparisons { body += c.htmlSection() }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(title))</title>
        <style>
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#f6f8fa;margin:0}
        main{max-width:1100px;margin:0 auto;padding:20px 16px 40px}
        h1{font-size:24px;margin:0 0 8px}h2{font-size:18px;margin:0 0 6px;overflow-wrap:anywhere}
        section,header{background:#fff;border:1px solid #d8dee4;border-radius:10px;padding:16px 18px;margin:0 0 16px}
        .note{color:#59636e;margin:0 0 10px;font-size:13px}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;min-width:640px;font-size:14px}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f2;vertical-align:middle}th{color:#59636e;font-weight:600}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        tr.significant td:first-child{font-weight:600}
        .tag{font-size:11px;background:#D55E00;color:#fff;border-radius:8px;padding:1px 6px;margin-left:6px}
        svg text{font-family:inherit}
        </style></head>
        <body><main>
        \(body)
        </main></body></html>

        """
    }

    func html() -> String {
        Comparison.htmlPage([self], title: "Verdict compare")
    }

    /// One comparison: its sides, then the table with the forest plot.
    func htmlSection() -> String {
        func e(_ s: String) -> String { Markup.escape(s) }
        var out = "<section><h2>\(e(base.name)) → \(e(candidate.name))</h2>"
        out += "<p class=\"note\">\(base.conversations) → \(candidate.conversations) conversations. Differences are candidate − base, with Newcombe's 95% interval for rates; "
        out += "p-values are adjusted together by Holm–Bonferroni, and a metric is significant when its adjusted p is below \(NumberText.decimal(alpha)) (solid marks).</p>"
        // One scale for every boolean metric: the widest interval, at least ±5 points.
        let reach = max(0.05, metrics.compactMap { $0.interval.map { max(abs($0.low), abs($0.high)) } }.max() ?? 0)
        out += "<div class=\"scroll\"><table><tr><th>Metric</th><th>Base</th><th>Candidate</th><th>Difference</th><th>Test</th><th class=\"num\">p</th><th class=\"num\">Adjusted p</th></tr>"
        for m in ranked {
            let s = summary(m)
            out += "<tr\(m.significant ? " class=\"significant\"" : "") data-metric=\"\(e(m.name))\"><td>\(e(m.name))\(m.significant ? "<span class=\"tag\">significant</span>" : "")</td>"
            out += "<td>\(e(s.base))</td><td>\(e(s.candidate))</td><td>\(forest(m, reach: reach))\(e(s.difference))</td>"
            out += "<td>\(e(m.test ?? "–"))</td><td class=\"num\">\(Comparison.pText(m.p))</td><td class=\"num\">\(Comparison.pText(m.adjustedP))</td></tr>"
        }
        return out + "</table></div></section>"
    }

    /// A boolean metric's difference and interval on the shared scale (−reach … +reach).
    private func forest(_ m: Metric, reach: Double) -> String {
        guard m.type == "boolean", let d = m.difference, let ci = m.interval else { return "" }
        let w = 180.0, h = 18.0, pad = 6.0
        func x(_ v: Double) -> Double { pad + (w - 2 * pad) * (v + reach) / (2 * reach) }
        let colour = m.significant ? "#D55E00" : "#0072B2"
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"\(ReportHTML.n(w))\" height=\"\(ReportHTML.n(h))\" role=\"img\" aria-label=\"difference \(Markup.escape(Comparison.points(d)))\" style=\"display:block\">"
        svg += "<line x1=\"\(ReportHTML.n(x(0)))\" y1=\"1\" x2=\"\(ReportHTML.n(x(0)))\" y2=\"\(ReportHTML.n(h - 1))\" stroke=\"#8c959f\" stroke-dasharray=\"2 2\"/>"
        svg += "<line x1=\"\(ReportHTML.n(x(ci.low)))\" y1=\"9\" x2=\"\(ReportHTML.n(x(ci.high)))\" y2=\"9\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        svg += "<circle cx=\"\(ReportHTML.n(x(d)))\" cy=\"9\" r=\"4.5\" fill=\"\(m.significant ? colour : "#fff")\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
        return svg + "<title>\(Markup.escape(Comparison.points(d))) [\(Markup.escape(Comparison.points(ci.low))), \(Markup.escape(Comparison.points(ci.high)))]</title></svg>"
    }
}
