/// `verdict test --coverage` as text for people and as JSON.
extension RuleCoverage {
    /// One line per metric with its share covered and the outcomes reached, then one line per
    /// part not seen, at its place in the rule file; the total closes.
    public func text() -> String {
        var out = ""
        for m in metrics {
            let share = m.items.isEmpty ? 1 : Double(m.covered) / Double(m.items.count)
            out += "\(m.metric): \(NumberText.percent(share)) (\(m.covered) of \(m.items.count))"
            out += ", \(m.expectations) expectation\(m.expectations == 1 ? "" : "s")"
            out += m.reached.isEmpty ? ", no outcome reached\n" : ", reached " + m.reached.joined(separator: ", ") + "\n"
            for item in m.items where !item.covered {
                out += "  \(item.location): never seen: \(item.description)\n"
            }
        }
        out += "coverage \(NumberText.percent(ratio)) (\(covered) of \(total)) over \(fixtures) fixture\(fixtures == 1 ? "" : "s")\n"
        return TerminalText.escape(out)
    }

    /// `{"coverage", "covered", "total", "fixtures", "metrics": [{"metric", "covered", "total",
    /// "expectations", "reached", "items": [{"kind", "location", "description", "covered"}]}]}`.
    public func json() -> String {
        var w = JSONWriter()
        w.object { o in
            o.add("coverage", number: JSONNumber.text((ratio * 10000).rounded() / 10000))
            o.add("covered", covered)
            o.add("total", total)
            o.add("fixtures", fixtures)
            o.add("metrics") { w in
                w.array(metrics) { w, m in
                    w.object { o in
                        o.add("metric", m.metric)
                        o.add("covered", m.covered)
                        o.add("total", m.items.count)
                        o.add("expectations", m.expectations)
                        o.add("reached", strings: m.reached)
                        o.add("items") { w in
                            w.array(m.items) { w, item in
                                w.object { o in
                                    o.add("kind", item.kind.rawValue)
                                    o.add("location", item.location.description)
                                    o.add("description", item.description)
                                    o.add("covered", item.covered)
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
