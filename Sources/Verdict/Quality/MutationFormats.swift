/// `verdict mutate` as text for people and as JSON.
extension MutationTesting {
    /// One line per metric with its score, then each surviving mutant as
    /// `file:line:column: metric: description (kill it with ...)`; the overall score closes.
    public func text(metrics: [Metric]) -> String {
        var out = ""
        var start = 0
        while start < outcomes.count {
            let m = outcomes[start].mutant.metricIndex
            var end = start
            while end < outcomes.count && outcomes[end].mutant.metricIndex == m { end += 1 }
            let group = outcomes[start..<end]
            let equivalent = group.filter { !$0.killed && $0.equivalent != nil }.count
            let killed = group.filter(\.killed).count
            let counted = group.count - equivalent
            out += "\(metrics[m].name): \(NumberText.percent(counted == 0 ? 1 : Double(killed) / Double(counted)))"
            out += " (\(killed) of \(counted) killed"
            out += equivalent > 0 ? ", \(equivalent) equivalent)\n" : ")\n"
            for (i, o) in zip(start..<end, group) where !o.killed && o.equivalent == nil {
                out += "  \(o.mutant.location): \(metrics[m].name): \(o.mutant.description) (to kill it: \(o.mutant.hint))\n"
                if i < candidates.count, let c = candidates[i] {
                    out += "    label \(c.source) id '\(c.id)' to decide it: the rules give \(c.rules), the mutant \(c.mutant)\n"
                }
            }
            start = end
        }
        let counted = outcomes.count - equivalent
        out += "mutation score \(NumberText.percent(score)) (\(killed) of \(counted) killed"
        out += equivalent > 0 ? "; \(equivalent) recorded as equivalent)\n" : ")\n"
        return TerminalText.escape(out)
    }

    /// `{"score": 0.0-1.0, "mutants": [{"metric", "location", "operator", "description",
    /// "killed"}], "equivalent": [{"metric", "location", "operator", "description", "why"}]}`
    /// (with `--suggest`, a survivor may carry `"candidate": {"source", "id", "rules", "mutant"}`):
    /// mutants recorded as equivalent (and not killed) are listed apart and left out of the score.
    public func json(metrics: [Metric]) -> String {
        var w = JSONWriter()
        func common(_ o: inout JSONMembers, _ m: Mutant) {
            o.add("metric", metrics[m.metricIndex].name)
            o.add("location", m.location.description)
            o.add("operator", m.op.rawValue)
            o.add("description", m.description)
        }
        w.object { o in
            o.add("score", number: JSONNumber.text((score * 10000).rounded() / 10000))
            o.add("mutants") { w in
                w.array(outcomes.indices.filter { outcomes[$0].killed || outcomes[$0].equivalent == nil }) { w, i in
                    w.object { o in
                        common(&o, outcomes[i].mutant)
                        o.add("killed", outcomes[i].killed)
                        if i < candidates.count, let c = candidates[i] {
                            o.add("candidate") { w in
                                w.object { o in
                                    o.add("source", c.source)
                                    o.add("id", c.id)
                                    o.add("rules", c.rules)
                                    o.add("mutant", c.mutant)
                                }
                            }
                        }
                    }
                }
            }
            o.add("equivalent") { w in
                w.array(outcomes.filter { !$0.killed && $0.equivalent != nil }) { w, outcome in
                    w.object { o in
                        common(&o, outcome.mutant)
                        o.add("why", outcome.equivalent!)
                    }
                }
            }
        }
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }
}
