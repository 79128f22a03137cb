/// Number metrics (SPEC 1.1 §5.1): a value expression over the window, from the hits of its
/// leaves, matched and remembered like every other leaf's.
extension Evaluator {
    func number(_ expression: ValueExpression, from lower: Int, to upper: Int, triggeredAt k: Int) throws(LocatedMatchLimit) -> MetricResult {
        let computed = try value(of: expression, from: lower, to: upper)
        guard let (value, evidence) = computed, value.isFinite else {
            return MetricResult(status: .unmatched, triggeredAt: k)
        }
        return MetricResult(status: .ok, value: .number(value), triggeredAt: k, evidence: evidence)
    }

    /// The expression's value and evidence, or nil when it has none.
    func value(of expression: ValueExpression, from lower: Int, to upper: Int) throws(LocatedMatchLimit) -> (Double, [Int])? {
        let events = conversation.events
        switch expression {
        case let .hits(leaf):
            let hits = try matcher.hits(leaf, from: lower, to: upper)
            return (Double(hits.count), hits)
        case let .turnsBetween(a, b), let .secondsBetween(a, b):
            // Both leaves are matched over the whole window, so whether a metric errs never
            // depends on where the pair is found.
            let first = try matcher.hits(a, from: lower, to: upper), second = try matcher.hits(b, from: lower, to: upper)
            guard let h1 = first.first, let h2 = second.first(where: { $0 > h1 }) else { return nil }
            if case .turnsBetween = expression {
                let turns = conversation.turns
                return (Double(turns[h2] - turns[h1]), [h1, h2])
            }
            guard let t1 = events[h1].at, let t2 = events[h2].at else { return nil }
            return (t2 - t1, [h1, h2])
        case let .valueOf(leaf, path):
            guard let last = try matcher.hits(leaf, from: lower, to: upper).last else { return nil }
            let event = events[last]
            var value: JSONValue?
            var segments = path[...]
            if event.kind == .function {
                value = segments.first == "args" ? event.args : event.result
                segments = segments.dropFirst()
            } else {
                value = event.value
            }
            value = Matcher.resolve(Array(segments), in: value)
            guard case let .number(d, _)? = value else { return nil }
            return (d, [last])
        case .duration:
            guard lower <= upper else { return nil }
            var first: Int?, last: Int?
            for i in lower...upper where events[i].at != nil {
                if first == nil { first = i }
                last = i
            }
            guard let first, let last else { return nil }
            return (events[last].at! - events[first].at!, first == last ? [first] : [first, last])
        }
    }
}
