/// `verdict test --agreement` as text for people and as JSON.
extension Agreement {
    /// Per metric: n, accuracy and kappa; the confusion matrix (rows expected, columns actual);
    /// precision, recall and F1 per outcome; then the disagreeing calls by (expected, actual).
    public func text() -> String {
        func share(_ x: Double?) -> String { x.map(NumberText.percent) ?? "-" }
        var out = ""
        for m in metrics {
            if !out.isEmpty { out += "\n" }
            out += "\(m.metric): n \(m.n), accuracy \(NumberText.percent(m.accuracy)) (\(m.agreed) of \(m.n))"
            out += ", kappa " + (m.kappa.map { NumberText.decimal($0, places: 3) } ?? "undefined (one class only)")
            if let mae = m.meanAbsoluteError { out += ", mean absolute error \(NumberText.decimal(mae, places: 3))" }
            out += "\n"
            let header = "expected \\ actual"
            let first = max(header.count, m.classes.map(\.count).max() ?? 0)
            let widths = m.classes.map { max($0.count, 5) }
            out += "  " + header.rightPadded(first) + m.classes.enumerated().map { "  " + $0.element.leftPadded(widths[$0.offset]) }.joined() + "\n"
            for (e, row) in m.confusion.enumerated() where m.labels[e].expected > 0 {
                out += "  " + m.classes[e].rightPadded(first)
                out += row.enumerated().map { "  " + String($0.element).leftPadded(widths[$0.offset]) }.joined() + "\n"
            }
            let labelWidth = max(7, m.classes.map(\.count).max() ?? 0)
            out += "  " + "outcome".rightPadded(labelWidth) + "  precision  recall      F1  expected  actual\n"
            for l in m.labels {
                out += "  " + l.label.rightPadded(labelWidth) + "  " + share(l.precision).leftPadded(9) + "  " + share(l.recall).leftPadded(6)
                out += "  " + (l.f1.map { NumberText.decimal($0, places: 3) } ?? "-").leftPadded(6)
                out += "  " + String(l.expected).leftPadded(8) + "  " + String(l.actual).leftPadded(6) + "\n"
            }
            for d in m.disagreements {
                out += "  expected \(d.expected), got \(d.actual) (\(d.ids.count)): " + d.ids.joined(separator: ", ") + "\n"
            }
        }
        if metrics.isEmpty { out = "no fixture expects a value for any metric of these rules\n" }
        return TerminalText.escape(out)
    }

    /// `{"METRIC": {"n", "accuracy", "kappa", "confusion": {EXPECTED: {ACTUAL: count}},
    /// "labels": {LABEL: {"precision", "recall", "f1", "expected", "actual"}},
    /// "disagreements": [{"expected", "actual", "ids"}]}}`, metrics in rule order; the
    /// confusion matrix lists the cells that are not 0; an undefined figure is null.
    public func json() -> String {
        func number(_ x: Double?) -> String? { x.map { JSONNumber.text(($0 * 1_000_000).rounded() / 1_000_000) } }
        var w = JSONWriter()
        w.object { o in
            for m in metrics {
                o.add(key: m.metric) { w in
                    w.object { o in
                        o.add("n", m.n)
                        o.add("accuracy", number: number(m.accuracy))
                        o.add("kappa", number: number(m.kappa))
                        if m.meanAbsoluteError != nil { o.add("mean_absolute_error", number: number(m.meanAbsoluteError)) }
                        o.add("confusion") { w in
                            w.object { o in
                                for (e, row) in m.confusion.enumerated() where m.labels[e].expected > 0 {
                                    o.add(key: m.classes[e]) { w in
                                        w.object { o in
                                            for (a, count) in row.enumerated() where count > 0 { o.add(key: m.classes[a], count) }
                                        }
                                    }
                                }
                            }
                        }
                        o.add("labels") { w in
                            w.object { o in
                                for l in m.labels {
                                    o.add(key: l.label) { w in
                                        w.object { o in
                                            o.add("precision", number: number(l.precision))
                                            o.add("recall", number: number(l.recall))
                                            o.add("f1", number: number(l.f1))
                                            o.add("expected", l.expected)
                                            o.add("actual", l.actual)
                                        }
                                    }
                                }
                            }
                        }
                        o.add("disagreements") { w in
                            w.array(m.disagreements) { w, d in
                                w.object { o in
                                    o.add("expected", d.expected)
                                    o.add("actual", d.actual)
                                    o.add("ids", strings: d.ids)
                                }
                            }
                        }
                    }
                }
            }
        }
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }
}
