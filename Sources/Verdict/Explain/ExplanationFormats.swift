/// The formats `verdict explain` writes.
public enum ExplainFormat: String, CaseIterable, Sendable {
    case text, json
}

extension Explanation {
    public func rendered(_ format: ExplainFormat, color: Bool = false) -> String {
        format == .json ? json() : TerminalText.escapeKeepingColours(text(color: color))
    }

    private func text(color: Bool) -> String {
        // Colours are written with a mark that becomes ESC once the transcript's own text has
        // been escaped (TerminalText), so that only Verdict's escape sequences reach a terminal.
        let esc = String(TerminalText.colourMark)
        func paint(_ s: String, _ code: String) -> String { color ? "\(esc)[\(code)m\(s)\(esc)[0m" : s }
        func mark(_ holds: Bool) -> String { holds ? paint("✓", "32") : paint("✗", "31") }
        func list(_ hits: [Int]) -> String { hits.isEmpty ? "no hits" : "hits " + hits.map(String.init).joined(separator: ", ") }
        var out = paint("Conversation \(id)", "1") + "\n\nTimeline (index, turn, seconds, current flow)\n"
        for e in events {
            let at = e.at.map { NumberText.decimal($0, places: 2) + "s" } ?? "-"
            for entry in e.entries {
                out += paint("        → enters \(entry.flow)\(entry.step.map { " at step \($0)" } ?? "")\(entry.derived ? " (derived from enter_when)" : "")", "36") + "\n"
            }
            out += "  \(String(e.index).leftPadded(3))  t\(String(e.turn).leftPadded(2))  \(at.leftPadded(7))  [\(e.flow ?? "-")]  \(e.kind): \(e.text)\n"
        }
        if let flowProblem { out += paint("  flow replay stopped: \(flowProblem)", "31") + "\n" }
        func tree(_ n: Node, depth: Int) -> String {
            var s = String(repeating: "  ", count: depth) + mark(n.holds) + " " + n.label + "  (" + list(n.hits) + ")\n"
            for c in n.children { s += tree(c, depth: depth + 1) }
            return s
        }
        for m in metrics {
            out += "\n" + paint(m.name, "1") + " = " + m.result.display
            if m.result.status == .ok, let v = m.result.value, case .label = v { out += " (ok)" }
            out += "\n"
            switch m.result.status {
            case .inactive:
                out += "  inactive: active_from is later than the conversation's started_at\n"
                continue
            default: break
            }
            if let trigger = m.trigger {
                if let k = m.result.triggeredAt {
                    out += "  applies from event \(k): applies_when holds over events 0–\(k)\n"
                } else {
                    out += "  not applicable: applies_when never holds\n"
                }
                out += tree(trigger, depth: 2)
            } else if m.result.triggeredAt != nil {
                out += "  applies from the start (no applies_when)\n"
            }
            if let w = m.window { out += "  window: events \(w.lowerBound)–\(w.upperBound)\n" } else if m.result.triggeredAt != nil { out += "  window: empty\n" }
            for n in m.body { out += tree(n, depth: 2) }
            if let p = m.problem { out += paint("  error: \(p)", "31") + "\n" }
        }
        return out
    }

    private func json() -> String {
        func node(_ w: inout JSONWriter, _ n: Node) {
            w.object { o in
                o.add("condition", n.label)
                if !n.words.isEmpty { o.add("words", n.words) }
                o.add("holds", n.holds)
                o.add("hits") { $0.intArray(n.hits) }
                if !n.children.isEmpty { o.add("children") { w in w.array(n.children) { node(&$0, $1) } } }
            }
        }
        var w = JSONWriter()
        w.object { o in
            o.add("id", id)
            o.add("events") { w in
                w.array(events) { w, e in
                    w.object { o in
                        o.add("index", e.index)
                        o.add("turn", e.turn)
                        o.add("at", number: e.at.map { NumberText.decimal($0, places: 3) })
                        o.add("type", e.kind)
                        o.add("text", e.text)
                        o.add("flow") { w in if let f = e.flow { w.string(f) } else { w.raw("null") } }
                        o.add("entries") { w in
                            w.array(e.entries) { w, entry in
                                w.object { o in
                                    o.add("flow", entry.flow)
                                    o.add("derived", entry.derived)
                                    if let step = entry.step { o.add("step", step) }
                                }
                            }
                        }
                    }
                }
            }
            if let flowProblem { o.add("flow_error", flowProblem) }
            o.add("metrics") { w in
                w.array(metrics) { w, m in
                    w.object { o in
                        o.add("name", m.name)
                        o.add("status", m.result.status.rawValue)
                        o.add("value") { w in
                            switch m.result.value {
                            case nil: w.raw("null")
                            case let .bool(b)?: w.bool(b)
                            case let .label(l)?: w.string(l)
                            case let .number(d)?: w.raw(Array(JSONNumber.text(d).utf8))
                            }
                        }
                        o.add("triggered_at", number: m.result.triggeredAt.map(String.init))
                        o.add("evidence") { $0.intArray(m.result.evidence) }
                        if let t = m.trigger { o.add("applies_when") { node(&$0, t) } }
                        o.add("window") { w in
                            if let win = m.window { w.intArray([win.lowerBound, win.upperBound]) } else { w.raw("null") }
                        }
                        o.add("conditions") { w in w.array(m.body) { node(&$0, $1) } }
                        if let p = m.problem { o.add("error", p) }
                    }
                }
            }
        }
        w.raw("\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
