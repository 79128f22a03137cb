/// `verdict report --format html`: one self-contained page (no scripts, no network) whose
/// charts are inline SVG.
struct ReportHTML {
    let report: Report

    /// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

    static func escape(_ s: String) -> String { Markup.escape(s) }

    static func n(_ x: Double) -> String { NumberText.decimal(x, places: 1) }

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
        body += "</div></header>"
        if !booleans.isEmpty {
            body += "<section><h2>Boolean metrics</h2><p class=\"note\">True rate among conversations where the metric applied, with its 95% Wilson interval.</p>"
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
                return [m.name, "\(s.n)", ReportHTML.n(s.mean) + unit, ReportHTML.n(s.median) + unit, ReportHTML.n(s.p90) + unit,
                        ReportHTML.n(s.min) + unit, ReportHTML.n(s.max) + unit]
            })
            body += "<div class=\"grid\">" + numbers.map(histogramChart).joined() + "</div></section>"
        }
        let trended = booleans.filter { $0.trend.filter { $0.rate != nil }.count >= 2 }
            + r.metrics.filter { $0.type == "number" && $0.trend.filter { $0.median != nil }.count >= 2 }
        if !trended.isEmpty {
            body += "<section><h2>Trends by \(r.period.rawValue)</h2><div class=\"grid\">"
            for m in trended { body += trendChart(m) }
            body += "</div></section>"
        }
        let failing = booleans.filter { !$0.failing.isEmpty }
        if !failing.isEmpty {
            body += "<section><h2>Why it fails</h2>"
            for m in failing { body += whyChart(m) }
            body += "</section>"
        }
        if !r.flows.isEmpty {
            body += "<section><h2>Flow funnel</h2><p class=\"note\">Share of conversations reaching each flow, in the order flows are usually reached.</p>"
            body += funnelChart(r.flows)
            body += table(["Most common paths", "Conversations"], r.paths.prefix(10).map { [$0.name, "\($0.count) (\(NumberText.percent($0.share)))"] })
            body += "</section>"
        }
        if !r.functions.isEmpty {
            body += "<section><h2>Functions</h2>"
            body += table(["Function", "Conversations calling it"], r.functions.map { [$0.name, "\($0.count) (\(NumberText.percent($0.share)))"] })
            body += "</section>"
        }
        if !r.logged.isEmpty {
            body += "<section><h2>Logged metrics</h2>"
            body += table(["Name", "Conversations", "Mean", "Most common values"], r.logged.map {
                [$0.name, "\($0.conversations)", $0.mean.map { NumberText.decimal($0, places: 2) } ?? "", $0.values.prefix(6).map { "\($0.name) (\($0.count))" }.joined(separator: ", ")]
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
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
        .grid figure{margin:0;border:1px solid #eef0f2;border-radius:8px;padding:8px 10px}
        figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
        table{border-collapse:collapse;width:100%;margin-top:12px;font-size:14px}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eef0f2}th{color:#59636e;font-weight:600}
        svg text{font-family:inherit}
        h3{font-size:15px;margin:14px 0 4px}
        </style></head>
        <body><main>
        \(body)
        </main></body></html>

        """
    }

    private func card(_ value: String, _ label: String) -> String {
        "<div class=\"card\"><b>\(ReportHTML.escape(value))</b><span>\(ReportHTML.escape(label))</span></div>"
    }

    private func table(_ header: [String], _ rows: [[String]]) -> String {
        var out = "<table><tr>" + header.map { "<th>\(ReportHTML.escape($0))</th>" }.joined() + "</tr>"
        for row in rows { out += "<tr>" + row.map { "<td>\(ReportHTML.escape($0))</td>" }.joined() + "</tr>" }
        return out + "</table>"
    }

    /// One row per metric: a bar for the rate, a whisker for the interval.
    private func rateChart(_ metrics: [Report.MetricReport]) -> String {
        let labelWidth = 300.0, barWidth = 540.0, row = 30.0, width = labelWidth + barWidth + 160
        let height = row * Double(metrics.count) + 30
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(width)) \(ReportHTML.n(height))\" width=\"100%\" role=\"img\" aria-label=\"True rate per boolean metric\">"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = labelWidth + tick * barWidth
            svg += "<line x1=\"\(ReportHTML.n(x))\" y1=\"4\" x2=\"\(ReportHTML.n(x))\" y2=\"\(ReportHTML.n(height - 22))\" stroke=\"#eef0f2\"/>"
            svg += "<text x=\"\(ReportHTML.n(x))\" y=\"\(ReportHTML.n(height - 6))\" font-size=\"12\" fill=\"#59636e\" text-anchor=\"middle\">\(Int(tick * 100))%</text>"
        }
        for (i, m) in metrics.enumerated() {
            let y = 8 + Double(i) * row
            svg += "<text x=\"\(ReportHTML.n(labelWidth - 10))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"13\" text-anchor=\"end\">\(ReportHTML.escape(clip(m.name, 42)))</text>"
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 3))\" width=\"\(ReportHTML.n(barWidth))\" height=\"16\" rx=\"3\" fill=\"#f0f2f4\"/>"
            guard let rate = m.rate, let ci = m.interval else {
                svg += "<text x=\"\(ReportHTML.n(labelWidth + 8))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"12\" fill=\"#59636e\">not applied</text>"
                continue
            }
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 3))\" width=\"\(ReportHTML.n(rate * barWidth))\" height=\"16\" rx=\"3\" fill=\"\(ReportHTML.palette[0])\"><title>\(ReportHTML.escape(m.name)): \(m.trueCount) of \(m.trueCount + m.falseCount)</title></rect>"
            let x1 = labelWidth + ci.low * barWidth, x2 = labelWidth + ci.high * barWidth, cy = y + 11
            svg += "<line x1=\"\(ReportHTML.n(x1))\" y1=\"\(ReportHTML.n(cy))\" x2=\"\(ReportHTML.n(x2))\" y2=\"\(ReportHTML.n(cy))\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            for x in [x1, x2] {
                svg += "<line x1=\"\(ReportHTML.n(x))\" y1=\"\(ReportHTML.n(cy - 5))\" x2=\"\(ReportHTML.n(x))\" y2=\"\(ReportHTML.n(cy + 5))\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            }
            svg += "<text x=\"\(ReportHTML.n(labelWidth + barWidth + 10))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"13\">\(NumberText.percent(rate)) <tspan fill=\"#59636e\">n=\(m.trueCount + m.falseCount)</tspan></text>"
        }
        return svg + "</svg>"
    }

    /// One stacked bar per categorical metric, with a legend per metric.
    private func labelChart(_ metrics: [Report.MetricReport]) -> String {
        var out = ""
        for m in metrics {
            let width = 880.0
            var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(width)) 58\" width=\"100%\" role=\"img\" aria-label=\"Label shares of \(ReportHTML.escape(m.name))\">"
            var x = 0.0
            let total = m.labels.reduce(0) { $0 + $1.count }
            for (i, label) in m.labels.enumerated() where label.count > 0 {
                let w = width * label.share
                let colour = ReportHTML.palette[i % ReportHTML.palette.count]
                svg += "<rect x=\"\(ReportHTML.n(x))\" y=\"0\" width=\"\(ReportHTML.n(w))\" height=\"24\" fill=\"\(colour)\"><title>\(ReportHTML.escape(label.name)): \(label.count)</title></rect>"
                if w > 60 {
                    svg += "<text x=\"\(ReportHTML.n(x + 6))\" y=\"16\" font-size=\"12\" fill=\"#fff\">\(NumberText.percent(label.share))</text>"
                }
                x += w
            }
            if total == 0 { svg += "<rect x=\"0\" y=\"0\" width=\"\(ReportHTML.n(width))\" height=\"24\" fill=\"#f0f2f4\"/>" }
            var lx = 0.0
            for (i, label) in m.labels.enumerated() {
                let colour = ReportHTML.palette[i % ReportHTML.palette.count]
                let text = "\(clip(label.name, 28)) \(label.count)"
                svg += "<rect x=\"\(ReportHTML.n(lx))\" y=\"36\" width=\"12\" height=\"12\" rx=\"2\" fill=\"\(colour)\"/>"
                svg += "<text x=\"\(ReportHTML.n(lx + 16))\" y=\"46\" font-size=\"12\">\(ReportHTML.escape(text))</text>"
                lx += 26 + Double(text.count) * 7
            }
            out += "<h3>\(ReportHTML.escape(m.name)) <span class=\"note\">(\(total) ok)</span></h3>" + svg + "</svg>"
        }
        return out
    }

    /// A small line chart per period: the true rate of a boolean metric (0–100%), or the median
    /// of a number metric (on a scale from its lowest to its highest median).
    private func trendChart(_ m: Report.MetricReport) -> String {
        if m.type == "number" {
            let points = m.trend.filter { $0.median != nil }
            let low = points.map { $0.median! }.min() ?? 0, high = points.map { $0.median! }.max() ?? 1
            return lineChart(points, value: { $0.median! }, low: low, high: high > low ? high : low + 1,
                             ticks: high > low ? [low, high] : [low], tickLabel: { NumberText.decimal($0, places: 1) },
                             left: 40, colour: ReportHTML.palette[1],
                             title: { "\($0.period): median \(NumberText.decimal($0.median!, places: 2)) (n \($0.okCount))" },
                             label: "Median of \(m.name) by period", caption: "\(m.name) (median)")
        }
        return lineChart(m.trend.filter { $0.rate != nil }, value: { $0.rate! }, low: 0, high: 1,
                         ticks: [0.0, 0.5, 1.0], tickLabel: { "\(Int($0 * 100))%" }, left: 34, colour: ReportHTML.palette[0],
                         title: { "\($0.period): \(NumberText.percent($0.rate!)) (\($0.trueCount) of \($0.okCount))" },
                         label: "Trend of \(m.name)", caption: m.name)
    }

    private func lineChart(_ points: [Report.TrendPoint], value: (Report.TrendPoint) -> Double, low: Double, high: Double,
                           ticks: [Double], tickLabel: (Double) -> String, left: Double, colour: String,
                           title: (Report.TrendPoint) -> String, label: String, caption: String) -> String {
        let w = 300.0, h = 110.0, right = 8.0, top = 8.0, bottom = 24.0
        let plotW = w - left - right, plotH = h - top - bottom
        func x(_ i: Int) -> Double { left + (points.count == 1 ? plotW / 2 : plotW * Double(i) / Double(points.count - 1)) }
        func y(_ v: Double) -> Double { top + plotH * (1 - (v - low) / (high - low)) }
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"100%\" role=\"img\" aria-label=\"\(ReportHTML.escape(label))\">"
        for tick in ticks {
            svg += "<line x1=\"\(ReportHTML.n(left))\" y1=\"\(ReportHTML.n(y(tick)))\" x2=\"\(ReportHTML.n(w - right))\" y2=\"\(ReportHTML.n(y(tick)))\" stroke=\"#eef0f2\"/>"
            svg += "<text x=\"\(ReportHTML.n(left - 4))\" y=\"\(ReportHTML.n(y(tick) + 4))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(tickLabel(tick))</text>"
        }
        let line = points.enumerated().map { "\(ReportHTML.n(x($0.offset))),\(ReportHTML.n(y(value($0.element))))" }.joined(separator: " ")
        // Dots only while they can be told apart; a year of days is a line.
        let dots = points.count <= 40
        svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(dots ? 2 : 1.25)\" stroke-linejoin=\"round\"/>"
        for (i, p) in points.enumerated() where dots {
            svg += "<circle cx=\"\(ReportHTML.n(x(i)))\" cy=\"\(ReportHTML.n(y(value(p))))\" r=\"3\" fill=\"\(colour)\"><title>\(title(p))</title></circle>"
        }
        if let first = points.first, let last = points.last {
            svg += "<text x=\"\(ReportHTML.n(left))\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\">\(first.period)</text>"
            svg += "<text x=\"\(ReportHTML.n(w - right))\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(last.period)</text>"
        }
        return "<figure><figcaption>\(ReportHTML.escape(caption))</figcaption>" + svg + "</svg></figure>"
    }

    /// One number metric's histogram: a bar per bin, its count above it.
    private func histogramChart(_ m: Report.MetricReport) -> String {
        guard let s = m.numbers, !s.histogram.isEmpty else { return "" }
        let w = 420.0, h = 150.0, bottom = 22.0, top = 16.0
        let widest = Double(s.histogram.map(\.count).max() ?? 1)
        let slot = w / Double(s.histogram.count)
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"100%\" role=\"img\" aria-label=\"Histogram of \(ReportHTML.escape(m.name))\">"
        for (i, bin) in s.histogram.enumerated() {
            let barHeight = widest > 0 ? (h - bottom - top) * Double(bin.count) / widest : 0
            let x = Double(i) * slot + 2, y = h - bottom - barHeight
            svg += "<rect x=\"\(ReportHTML.n(x))\" y=\"\(ReportHTML.n(y))\" width=\"\(ReportHTML.n(slot - 4))\" height=\"\(ReportHTML.n(barHeight))\" rx=\"2\" fill=\"\(ReportHTML.palette[0])\"><title>from \(ReportHTML.n(bin.lower)): \(bin.count)</title></rect>"
            if bin.count > 0 {
                svg += "<text x=\"\(ReportHTML.n(x + (slot - 4) / 2))\" y=\"\(ReportHTML.n(y - 3))\" font-size=\"10\" text-anchor=\"middle\">\(bin.count)</text>"
            }
        }
        svg += "<text x=\"0\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\">\(ReportHTML.n(s.min))</text>"
        svg += "<text x=\"\(ReportHTML.n(w))\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(ReportHTML.n(s.max))\(ReportHTML.escape(s.unit.map { " \($0)" } ?? ""))</text>"
        return "<figure><figcaption>\(ReportHTML.escape(m.name))</figcaption>" + svg + "</svg></figure>"
    }

    /// The failing items of one metric, as bars of their share among false results.
    private func whyChart(_ m: Report.MetricReport) -> String {
        let row = 26.0, labelWidth = 560.0, barWidth = 260.0
        let items = Array(m.failing.prefix(8))
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(labelWidth + barWidth + 70)) \(ReportHTML.n(row * Double(items.count) + 4))\" width=\"100%\" role=\"img\" aria-label=\"Why \(ReportHTML.escape(m.name)) fails\">"
        for (i, f) in items.enumerated() {
            let y = Double(i) * row
            svg += "<text x=\"0\" y=\"\(ReportHTML.n(y + 16))\" font-size=\"12\">\(ReportHTML.escape(clip(f.description, 80)))<title>\(ReportHTML.escape(f.description))</title></text>"
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 4))\" width=\"\(ReportHTML.n(barWidth))\" height=\"14\" rx=\"3\" fill=\"#f0f2f4\"/>"
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 4))\" width=\"\(ReportHTML.n(barWidth * f.share))\" height=\"14\" rx=\"3\" fill=\"\(ReportHTML.palette[5])\"/>"
            svg += "<text x=\"\(ReportHTML.n(labelWidth + barWidth + 8))\" y=\"\(ReportHTML.n(y + 16))\" font-size=\"12\">\(NumberText.percent(f.share))</text>"
        }
        return "<h3>\(ReportHTML.escape(m.name)) <span class=\"note\">false in \(m.falseCount)</span></h3>" + svg + "</svg>"
    }

    /// Centred bars, widest first: the share of conversations reaching each flow.
    private func funnelChart(_ flows: [Report.Share]) -> String {
        let width = 880.0, row = 34.0, labelWidth = 200.0, plot = width - labelWidth - 80
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(width)) \(ReportHTML.n(row * Double(flows.count) + 4))\" width=\"100%\" role=\"img\" aria-label=\"Flow funnel\">"
        for (i, f) in flows.enumerated() {
            let y = Double(i) * row, w = max(2, plot * f.share), x = labelWidth + (plot - w) / 2
            svg += "<text x=\"\(ReportHTML.n(labelWidth - 10))\" y=\"\(ReportHTML.n(y + 21))\" font-size=\"13\" text-anchor=\"end\">\(ReportHTML.escape(clip(f.name, 28)))</text>"
            svg += "<rect x=\"\(ReportHTML.n(x))\" y=\"\(ReportHTML.n(y + 4))\" width=\"\(ReportHTML.n(w))\" height=\"24\" rx=\"4\" fill=\"\(ReportHTML.palette[2])\"><title>\(ReportHTML.escape(f.name)): \(f.count)</title></rect>"
            svg += "<text x=\"\(ReportHTML.n(labelWidth + plot + 10))\" y=\"\(ReportHTML.n(y + 21))\" font-size=\"13\">\(NumberText.percent(f.share))</text>"
        }
        return svg + "</svg>"
    }

    private func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}
