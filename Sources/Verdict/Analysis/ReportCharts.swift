import Foundation

/// The SVG charts of the HTML report. Trend charts put time to scale (a period is placed by
/// its date, so a gap of eleven days is eleven days wide) and show n, the calls behind each
/// point, as grey bars under the line.
extension ReportHTML {
    /// The first day of a period ("2026-03-12", or the Monday of ISO week "2026-W11") as days
    /// since 1970-01-01.
    static func day(of period: String) -> Int? {
        let parts = period.split(separator: "-")
        if parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) {
            return Timestamp.daysFromCivil(y, m, d)
        }
        if parts.count == 2, let y = Int(parts[0]), parts[1].hasPrefix("W"), let w = Int(parts[1].dropFirst()) {
            // Week 1 holds January 4th; weeks start on Monday.
            let jan4 = Timestamp.daysFromCivil(y, 1, 4)
            let weekday = ((jan4 % 7) + 7 + 3) % 7  // Monday = 0
            return jan4 - weekday + (w - 1) * 7
        }
        return nil
    }

    /// One row per metric: a bar for the rate, a whisker for the interval, n beside it.
    func rateChart(_ metrics: [Report.MetricReport]) -> String {
        let labelWidth = 300.0, barWidth = 540.0, row = 30.0, width = labelWidth + barWidth + 160
        let height = row * Double(metrics.count) + 30
        var svg = "<div class=\"scroll\"><svg viewBox=\"0 0 \(ReportHTML.n(width)) \(ReportHTML.n(height))\" width=\"100%\" style=\"min-width:\(ReportHTML.legible(width, font: 12))px\" role=\"img\" aria-label=\"True rate per boolean metric\">"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = labelWidth + tick * barWidth
            svg += "<line x1=\"\(ReportHTML.n(x))\" y1=\"4\" x2=\"\(ReportHTML.n(x))\" y2=\"\(ReportHTML.n(height - 22))\" stroke=\"#eef0f2\"/>"
            svg += "<text x=\"\(ReportHTML.n(x))\" y=\"\(ReportHTML.n(height - 6))\" font-size=\"12\" fill=\"#59636e\" text-anchor=\"middle\">\(Int(tick * 100))%</text>"
        }
        for (i, m) in metrics.enumerated() {
            let y = 8 + Double(i) * row
            svg += "<text x=\"\(ReportHTML.n(labelWidth - 10))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"13\" text-anchor=\"end\">\(ReportHTML.escape(clip(m.name, 42)))<title>\(ReportHTML.escape(m.name))</title></text>"
            if m.conversations == 0 {
                // A metric of --rules that no result line has: nothing to link to or to draw.
                svg += "<text x=\"\(ReportHTML.n(labelWidth + 8))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"12\" fill=\"#59636e\">\(ReportHTML.escape(ReportBuilder.inNoResultLine))</text>"
                continue
            }
            svg += linked("<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 3))\" width=\"\(ReportHTML.n(barWidth))\" height=\"16\" rx=\"3\" fill=\"#f0f2f4\"><title>\(ReportHTML.escape(m.name)): \(NumberText.grouped(m.falseCount)) false</title></rect>", m.name, "false", svg: true)
            guard let rate = m.rate, let ci = m.interval else {
                svg += "<text x=\"\(ReportHTML.n(labelWidth + 8))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"12\" fill=\"#59636e\">not applied</text>"
                continue
            }
            svg += linked("<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 3))\" width=\"\(ReportHTML.n(rate * barWidth))\" height=\"16\" rx=\"3\" fill=\"\(ReportHTML.palette[0])\"><title>\(ReportHTML.escape(m.name)): \(NumberText.grouped(m.trueCount)) true of \(NumberText.grouped(m.trueCount + m.falseCount))</title></rect>", m.name, "true", svg: true)
            let x1 = labelWidth + ci.low * barWidth, x2 = labelWidth + ci.high * barWidth, cy = y + 11
            svg += "<line x1=\"\(ReportHTML.n(x1))\" y1=\"\(ReportHTML.n(cy))\" x2=\"\(ReportHTML.n(x2))\" y2=\"\(ReportHTML.n(cy))\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            for x in [x1, x2] {
                svg += "<line x1=\"\(ReportHTML.n(x))\" y1=\"\(ReportHTML.n(cy - 5))\" x2=\"\(ReportHTML.n(x))\" y2=\"\(ReportHTML.n(cy + 5))\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            }
            svg += "<text x=\"\(ReportHTML.n(labelWidth + barWidth + 10))\" y=\"\(ReportHTML.n(y + 15))\" font-size=\"13\">\(NumberText.percent(rate)) <tspan fill=\"#59636e\">n=\(NumberText.grouped(m.trueCount + m.falseCount))</tspan></text>"
        }
        return svg + "</svg></div>"
    }

    /// One stacked bar per categorical metric, with a legend per metric.
    func labelChart(_ metrics: [Report.MetricReport]) -> String {
        var out = ""
        for m in metrics {
            let width = 880.0
            var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(width)) 24\" width=\"100%\" style=\"min-width:\(ReportHTML.legible(width, font: 12))px\" role=\"img\" aria-label=\"Label shares of \(ReportHTML.escape(m.name))\">"
            var x = 0.0
            let total = m.labels.reduce(0) { $0 + $1.count }
            for (i, label) in m.labels.enumerated() where label.count > 0 {
                let w = width * label.share
                let colour = ReportHTML.palette[i % ReportHTML.palette.count]
                var segment = "<rect x=\"\(ReportHTML.n(x))\" y=\"0\" width=\"\(ReportHTML.n(w))\" height=\"24\" fill=\"\(colour)\"><title>\(ReportHTML.escape(label.name)): \(label.count) (\(NumberText.percent(label.share)))</title></rect>"
                if w > 60 {
                    segment += "<text x=\"\(ReportHTML.n(x + 6))\" y=\"16\" font-size=\"12\" fill=\"#fff\">\(NumberText.percent(label.share))</text>"
                }
                svg += linked(segment, m.name, label.name, svg: true)
                x += w
            }
            if total == 0 { svg += "<rect x=\"0\" y=\"0\" width=\"\(ReportHTML.n(width))\" height=\"24\" fill=\"#f0f2f4\"/>" }
            let legend = m.labels.enumerated().map { i, label in
                "<span><i style=\"background:\(ReportHTML.palette[i % ReportHTML.palette.count])\"></i>"
                    + linked("\(ReportHTML.escape(label.name)) \(label.count)", m.name, label.name) + "</span>"
            }.joined()
            out += "<h3>\(ReportHTML.escape(m.name)) <span class=\"note\">(\(NumberText.grouped(total)) ok)</span></h3><div class=\"scroll\">" + svg + "</svg></div><div class=\"legend\">\(legend)</div>"
        }
        return out
    }

    /// A trend over time: the true rate (boolean), each label's share (categorical), or the
    /// median (number), with the calls per period as bars underneath.
    func trendChart(_ m: Report.MetricReport) -> String {
        let points = m.trend.filter { $0.okCount > 0 || $0.median != nil }
        switch m.type {
        case "number":
            let valued = m.trend.filter { $0.median != nil }
            let low = valued.map { $0.median! }.min() ?? 0, high = valued.map { $0.median! }.max() ?? 1
            return timeChart(valued, series: [(name: "median", colour: ReportHTML.palette[1], value: { $0.median })],
                             low: low, high: high > low ? high : low + 1, ticks: high > low ? [low, high] : [low],
                             tickLabel: { NumberText.decimal($0, places: 1) }, left: 40, caption: "\(m.name) (median)",
                             title: { p, _ in "\(p.period): median \(NumberText.decimal(p.median!, places: 2)) (n \(NumberText.grouped(p.okCount)))" })
        case "categorical":
            let names = m.labels.map(\.name)
            let series = names.enumerated().map { i, name in
                (name: name, colour: ReportHTML.palette[i % ReportHTML.palette.count],
                 value: { (p: Report.TrendPoint) -> Double? in p.okCount > 0 ? p.labels.first { $0.name == name }?.share : nil })
            }
            let legend = "<div class=\"legend\">" + series.map { "<span><i style=\"background:\($0.colour)\"></i>\(ReportHTML.escape($0.name))</span>" }.joined() + "</div>"
            return timeChart(points, series: series, low: 0, high: 1, ticks: [0, 0.5, 1], tickLabel: { "\(Int($0 * 100))%" },
                             left: 34, caption: "\(m.name) (label shares)",
                             title: { p, s in "\(p.period): \(s) \(NumberText.percent(p.labels.first { $0.name == s }?.share ?? 0)) (n \(NumberText.grouped(p.okCount)))" },
                             after: legend)
        default:
            let rated = m.trend.filter { $0.rate != nil }
            return timeChart(rated, series: [(name: "true", colour: ReportHTML.palette[0], value: { $0.rate })],
                             low: 0, high: 1, ticks: [0, 0.5, 1], tickLabel: { "\(Int($0 * 100))%" }, left: 34, caption: m.name,
                             title: { p, _ in "\(p.period): \(NumberText.percent(p.rate!)) (\(NumberText.grouped(p.trueCount)) of \(NumberText.grouped(p.okCount)))" })
        }
    }

    private func timeChart(_ points: [Report.TrendPoint],
                           series: [(name: String, colour: String, value: (Report.TrendPoint) -> Double?)],
                           low: Double, high: Double, ticks: [Double], tickLabel: (Double) -> String, left: Double,
                           caption: String, title: (Report.TrendPoint, String) -> String, after: String = "") -> String {
        let w = 300.0, h = 136.0, right = 8.0, top = 8.0, plotH = 72.0, barTop = top + plotH + 8, barH = 20.0
        let plotW = w - left - right
        let days = points.map { ReportHTML.day(of: $0.period) ?? 0 }
        let first = days.min() ?? 0, last = days.max() ?? 0
        // A period is one day or seven wide; a bar fills most of it.
        let span = Double(max(1, last - first + (report.period == .week ? 7 : 1)))
        let slot = plotW * Double(report.period == .week ? 7 : 1) / span
        func x(_ d: Int) -> Double { left + plotW * (Double(d - first) + (report.period == .week ? 3.5 : 0.5)) / span }
        func y(_ v: Double) -> Double { top + plotH * (1 - NumberDistribution.fraction(v, from: low, to: high)) }
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"100%\" role=\"img\" aria-label=\"\(ReportHTML.escape(caption)) over time\">"
        for tick in ticks {
            svg += "<line x1=\"\(ReportHTML.n(left))\" y1=\"\(ReportHTML.n(y(tick)))\" x2=\"\(ReportHTML.n(w - right))\" y2=\"\(ReportHTML.n(y(tick)))\" stroke=\"#eef0f2\"/>"
            svg += "<text x=\"\(ReportHTML.n(left - 4))\" y=\"\(ReportHTML.n(y(tick) + 4))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(tickLabel(tick))</text>"
        }
        // n per period, as bars on a scale of their own.
        let most = Double(points.map(\.okCount).max() ?? 1)
        for (p, d) in zip(points, days) {
            let bh = most > 0 ? barH * Double(p.okCount) / most : 0
            svg += "<rect x=\"\(ReportHTML.n(x(d) - max(1, slot * 0.8) / 2))\" y=\"\(ReportHTML.n(barTop + barH - bh))\" width=\"\(ReportHTML.n(max(1, slot * 0.8)))\" height=\"\(ReportHTML.n(bh))\" fill=\"#d0d7de\"><title>\(ReportHTML.escape(p.period)): n \(NumberText.grouped(p.okCount))</title></rect>"
        }
        svg += "<text x=\"\(ReportHTML.n(left - 4))\" y=\"\(ReportHTML.n(barTop + barH))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">n \(Int(most))</text>"
        let dots = points.count <= 60
        for s in series {
            let values = zip(points, days).compactMap { p, d in s.value(p).map { (p, d, $0) } }
            let line = values.map { "\(ReportHTML.n(x($0.1))),\(ReportHTML.n(y($0.2)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"\(dots ? 1.75 : 1.25)\" stroke-linejoin=\"round\" opacity=\".9\"/>"
            for (p, d, v) in values where dots {
                let thin = p.okCount < ReportHTML.minimumN
                let fill = thin ? "#fff\" stroke=\"\(s.colour)\" stroke-width=\"1.25\" opacity=\".55" : s.colour
                svg += "<circle cx=\"\(ReportHTML.n(x(d)))\" cy=\"\(ReportHTML.n(y(v)))\" r=\"3\" fill=\"\(fill)\"><title>\(ReportHTML.escape(title(p, s.name)))</title></circle>"
            }
        }
        if let firstPoint = points.first, let lastPoint = points.last {
            svg += "<text x=\"\(ReportHTML.n(left))\" y=\"\(ReportHTML.n(h - 4))\" font-size=\"10\" fill=\"#59636e\">\(ReportHTML.escape(firstPoint.period))</text>"
            svg += "<text x=\"\(ReportHTML.n(w - right))\" y=\"\(ReportHTML.n(h - 4))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(ReportHTML.escape(lastPoint.period))</text>"
            // Up to three dates between, at their place in time, where a label fits (about 70
            // units a label; 10-unit type stays legible on a phone).
            let room = Int((plotW - 140) / 70)
            let between = min(3, room, max(0, points.count - 2))
            if between > 0 {
                for k in 1...between {
                    let index = k * (points.count - 1) / (between + 1)
                    guard index > 0, index < points.count - 1 else { continue }
                    svg += "<text x=\"\(ReportHTML.n(x(days[index])))\" y=\"\(ReportHTML.n(h - 4))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"middle\">\(ReportHTML.escape(points[index].period))</text>"
                }
            }
        }
        return "<figure><figcaption>\(ReportHTML.escape(caption))</figcaption>" + svg + "</svg>\(after)</figure>"
    }

    /// One number metric's histogram: a bar per bin, its count above it.
    func histogramChart(_ m: Report.MetricReport) -> String {
        guard let s = m.numbers, !s.histogram.isEmpty else { return "" }
        let w = 300.0, h = 150.0, bottom = 22.0, top = 16.0
        let widest = Double(s.histogram.map(\.count).max() ?? 1)
        let slot = w / Double(s.histogram.count)
        var svg = "<svg viewBox=\"0 0 \(ReportHTML.n(w)) \(ReportHTML.n(h))\" width=\"100%\" role=\"img\" aria-label=\"Histogram of \(ReportHTML.escape(m.name))\">"
        for (i, bin) in s.histogram.enumerated() {
            let barHeight = widest > 0 ? (h - bottom - top) * Double(bin.count) / widest : 0
            let x = Double(i) * slot + 2, y = h - bottom - barHeight
            svg += "<rect x=\"\(ReportHTML.n(x))\" y=\"\(ReportHTML.n(y))\" width=\"\(ReportHTML.n(slot - 4))\" height=\"\(ReportHTML.n(barHeight))\" rx=\"2\" fill=\"\(ReportHTML.palette[0])\"><title>from \(ReportHTML.n(bin.lower)): \(NumberText.grouped(bin.count))</title></rect>"
            if bin.count > 0 {
                svg += "<text x=\"\(ReportHTML.n(x + (slot - 4) / 2))\" y=\"\(ReportHTML.n(y - 3))\" font-size=\"10\" text-anchor=\"middle\">\(NumberText.grouped(bin.count))</text>"
            }
        }
        svg += "<text x=\"0\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\">\(ReportHTML.n(s.min))</text>"
        svg += "<text x=\"\(ReportHTML.n(w))\" y=\"\(ReportHTML.n(h - 6))\" font-size=\"10\" fill=\"#59636e\" text-anchor=\"end\">\(ReportHTML.n(s.max))\(ReportHTML.escape(s.unit.map { " \($0)" } ?? ""))</text>"
        return "<figure><figcaption>\(ReportHTML.escape(m.name))</figcaption>" + svg + "</svg></figure>"
    }

    /// Flows as entry shares: a bar from zero per flow, in the order flows are usually entered.
    /// (Flows are not stages of a funnel: a call can enter one without the one before it.)
    func flowChart(_ flows: [Report.Share]) -> String {
        let width = 880.0, row = 30.0, labelWidth = 220.0, plot = width - labelWidth - 90
        var svg = "<div class=\"scroll\"><svg viewBox=\"0 0 \(ReportHTML.n(width)) \(ReportHTML.n(row * Double(flows.count) + 4))\" width=\"100%\" style=\"min-width:\(ReportHTML.legible(width, font: 13))px\" role=\"img\" aria-label=\"Share of conversations entering each flow\">"
        for (i, f) in flows.enumerated() {
            let y = Double(i) * row
            svg += "<text x=\"\(ReportHTML.n(labelWidth - 10))\" y=\"\(ReportHTML.n(y + 19))\" font-size=\"13\" text-anchor=\"end\">\(ReportHTML.escape(clip(f.name, 30)))<title>\(ReportHTML.escape(f.name))</title></text>"
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 5))\" width=\"\(ReportHTML.n(plot))\" height=\"18\" rx=\"3\" fill=\"#f0f2f4\"/>"
            svg += "<rect x=\"\(ReportHTML.n(labelWidth))\" y=\"\(ReportHTML.n(y + 5))\" width=\"\(ReportHTML.n(max(1, plot * f.share)))\" height=\"18\" rx=\"3\" fill=\"\(ReportHTML.palette[2])\"><title>\(ReportHTML.escape(f.name)): entered in \(NumberText.count(f.count, "conversation"))</title></rect>"
            svg += "<text x=\"\(ReportHTML.n(labelWidth + plot + 10))\" y=\"\(ReportHTML.n(y + 19))\" font-size=\"13\">\(NumberText.percent(f.share)) <tspan fill=\"#59636e\">\(NumberText.grouped(f.count))</tspan></text>"
        }
        return svg + "</svg></div>"
    }
}
