/// How `verdict compare` is written: text for a terminal (significant metrics first, then by
/// adjusted p), Markdown for a pull request, JSON for a pipeline. Numbers are rounded for
/// people in text and Markdown; JSON carries full precision.
public enum ComparisonFormat: String, CaseIterable, Sendable {
    case text, markdown, json, html
}

extension Comparison {
    /// Every cohort against the baseline (`compare --by`): one comparison after another; in
    /// JSON `{"by", "baseline", "comparisons": [...]}`, each comparison as a two-file run writes it.
    public static func rendered(_ comparisons: [Comparison], by path: MetadataPath, baseline: String, format: ComparisonFormat) -> String {
        switch format {
        case .text, .markdown:
            return comparisons.map { $0.rendered(format) }.joined(separator: "\n")
        case .html:
            return Comparison.htmlPage(comparisons, title: "Verdict compare by \(path.text), against \(baseline)")
        case .json:
            var w = JSONWriter()
            w.object { o in
                o.add("by", path.text)
                o.add("baseline", baseline)
                // Each comparison as a two-file run writes it, without its line feed.
                o.add("comparisons") { w in w.array(comparisons) { w, c in w.raw(Array(c.json().dropLast().utf8)) } }
            }
            w.raw("\n")
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }

    public func rendered(_ format: ComparisonFormat) -> String {
        switch format {
        case .text: return text()
        case .markdown: return markdown()
        case .json: return json()
        case .html: return html()
        }
    }

    /// Significant ones first, then by adjusted p (none last), then in metric order.
    var ranked: [Metric] {
        metrics.enumerated().sorted { a, b in
            if a.element.significant != b.element.significant { return a.element.significant }
            switch (a.element.adjustedP, b.element.adjustedP) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }

    static func percent(_ x: Double?) -> String { x.map { NumberText.percent($0) } ?? "–" }
    static func points(_ x: Double?) -> String {
        guard let x else { return "–" }
        let tenths = (x * 1000).rounded()
        return (tenths > 0 ? "+" : tenths < 0 ? "−" : "±") + "\(Int(abs(tenths)) / 10).\(Int(abs(tenths)) % 10) pts"
    }
    static func number(_ x: Double?) -> String { x.map { NumberText.decimal($0, places: 2) } ?? "–" }
    static func pText(_ p: Double?) -> String {
        guard let p else { return "–" }
        return p < 0.0001 ? "<0.0001" : NumberText.decimal(p, places: 4)
    }

    /// One metric's figures in words: each side, the difference and the test.
    func summary(_ m: Metric) -> (base: String, candidate: String, difference: String) {
        switch m.type {
        case "boolean":
            let ci = m.interval.map { " [\(Self.points($0.low)), \(Self.points($0.high))]" } ?? ""
            return ("\(Self.percent(m.base.rate)) of \(m.base.n)", "\(Self.percent(m.candidate.rate)) of \(m.candidate.n)",
                    Self.points(m.difference) + ci)
        case "categorical":
            func shares(_ f: Figures) -> String { m.labels.map { "\($0) \(Self.percent(f.share(of: $0)))" }.joined(separator: ", ") + " (n \(f.n))" }
            let moves = m.labels.compactMap { label -> String? in
                guard let a = m.base.share(of: label), let b = m.candidate.share(of: label) else { return nil }
                return "\(label) \(Self.points(b - a))"
            }.joined(separator: ", ")
            return (shares(m.base), shares(m.candidate), moves.isEmpty ? "–" : moves)
        case "number":
            func figures(_ f: Figures) -> String { "mean \(Self.number(f.mean)), median \(Self.number(f.median)) (n \(f.values.count))" }
            let medianShift = m.candidate.median.flatMap { c in m.base.median.map { c - $0 } }
            let sign: (Double?) -> String = { $0.map { $0 > 0 ? "+" : "" } ?? "" }
            return (figures(m.base), figures(m.candidate),
                    "mean \(sign(m.difference))\(Self.number(m.difference)), median \(sign(medianShift))\(Self.number(medianShift))")
        default:
            return ("–", "–", "–")
        }
    }

    func text() -> String {
        var out = "Verdict compare: \(TerminalText.escape(base.name, keepLineBreaks: false)) (\(base.conversations) conversations) → "
            + "\(TerminalText.escape(candidate.name, keepLineBreaks: false)) (\(candidate.conversations) conversations)\n"
        out += "Holm-adjusted p below \(NumberText.decimal(alpha)) is significant.\n"
        for m in ranked {
            let s = summary(m)
            out += "\n  \(TerminalText.escape(m.name, keepLineBreaks: false)) (\(m.type))\(m.significant ? "  SIGNIFICANT" : "")\n"
            out += "    base       \(TerminalText.escape(s.base, keepLineBreaks: false))\n"
            out += "    candidate  \(TerminalText.escape(s.candidate, keepLineBreaks: false))\n"
            out += "    difference \(TerminalText.escape(s.difference, keepLineBreaks: false))\n"
            if let test = m.test {
                out += "    \(test) p \(Self.pText(m.p)), adjusted \(Self.pText(m.adjustedP))"
                out += "; applied \(Self.percent(m.base.appliedShare)) → \(Self.percent(m.candidate.appliedShare)) (p \(Self.pText(m.appliedP)))\n"
            }
        }
        return out
    }

    func markdown() -> String {
        func cell(_ s: String) -> String { Markdown.escape(s) }
        var out = "### Verdict compare: \(cell(base.name)) → \(cell(candidate.name))\n\n"
        out += "\(base.conversations) → \(candidate.conversations) conversations; significant when the Holm-adjusted p is below \(NumberText.decimal(alpha)).\n\n"
        out += "| metric | base | candidate | difference | test | p | adjusted p | |\n|---|---|---|---|---|---|---|---|\n"
        for m in ranked {
            let s = summary(m)
            out += "| \(cell(m.name)) | \(cell(s.base)) | \(cell(s.candidate)) | \(cell(s.difference)) | \(m.test ?? "–") | \(Self.pText(m.p)) | \(Self.pText(m.adjustedP)) | \(m.significant ? "**significant**" : "") |\n"
        }
        return out
    }

    func json() -> String {
        func number(_ d: Double?) -> String? { d.map { JSONNumber.text($0) } }
        func side(_ w: inout JSONWriter, _ m: Metric, _ f: Figures) {
            w.object { o in
                o.add("n", f.n)
                switch m.type {
                case "boolean": o.add("rate", number: number(f.rate))
                case "categorical":
                    o.add("shares") { w in w.object { o in for label in m.labels { o.add(key: label) { $0.raw(Array((number(f.share(of: label)) ?? "null").utf8)) } } } }
                case "number":
                    o.add("mean", number: number(f.mean))
                    o.add("median", number: number(f.median))
                default: break
                }
                o.add("applied", number: number(f.appliedShare))
            }
        }
        var w = JSONWriter()
        w.object { o in
            o.add("base") { w in w.object { o in o.add("name", base.name); o.add("conversations", base.conversations) } }
            o.add("candidate") { w in w.object { o in o.add("name", candidate.name); o.add("conversations", candidate.conversations) } }
            o.add("alpha", number: number(alpha))
            o.add("metrics") { w in
                w.array(metrics) { w, m in
                    w.object { o in
                        o.add("name", m.name)
                        o.add("type", m.type)
                        o.add("test") { w in if let t = m.test { w.string(t) } else { w.raw("null") } }
                        o.add("base") { side(&$0, m, m.base) }
                        o.add("candidate") { side(&$0, m, m.candidate) }
                        if m.type == "categorical" {
                            o.add("difference") { w in
                                w.object { o in
                                    for label in m.labels {
                                        let d = m.candidate.share(of: label).flatMap { c in m.base.share(of: label).map { c - $0 } }
                                        o.add(key: label) { $0.raw(Array((number(d) ?? "null").utf8)) }
                                    }
                                }
                            }
                        } else {
                            o.add("difference", number: number(m.difference))
                        }
                        if m.type == "boolean" {
                            o.add("ci") { w in
                                if let ci = m.interval { w.raw(Array("[\(JSONNumber.text(ci.low)),\(JSONNumber.text(ci.high))]".utf8)) } else { w.raw("null") }
                            }
                        }
                        o.add("p", number: number(m.p))
                        o.add("adjusted_p", number: number(m.adjustedP))
                        o.add("significant", m.significant)
                        o.add("applied_p", number: number(m.appliedP))
                    }
                }
            }
        }
        w.raw("\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
