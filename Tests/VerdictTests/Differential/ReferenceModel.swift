@testable import Verdict

/// A literal, slow reading of SPEC §3–§5, kept deliberately independent of `Evaluator` and
/// `FlowMachine`: every prefix is evaluated for the trigger, sequences are searched exhaustively,
/// matchers are interpreted afresh. Differential tests hold the fast engine to it.
struct ReferenceModel {
    let rules: RuleSet
    let scratch = MatchScratch()
    /// Each phrase's pattern, compiled once.
    private final class Compiled { var patterns: [String: Pattern] = [:] }
    private let compiled = Compiled()

    struct ModelResult: Equatable, CustomStringConvertible {
        var status: MetricResult.Status
        var value: MetricResult.Value?
        var triggeredAt: Int?
        var description: String { "\(status.rawValue) \(value.map { "\($0)" } ?? "null") @\(triggeredAt.map(String.init) ?? "null")" }
    }

    struct Failed: Error {}

    func evaluate(_ c: Conversation) -> (metrics: [ModelResult], flows: [String]) {
        let n = c.events.count
        // Flow entries: explicit flow events, then declared flows in declaration order.
        var entries: [[(flow: String, step: String?, derived: Bool)]] = Array(repeating: [], count: n)
        for i in 0..<n where c.events[i].kind == .flow {
            entries[i].append((c.events[i].name!, c.events[i].step, false))
        }
        for flow in rules.flows {
            for i in 0..<n where flow.enterWhen.contains(where: { (try? leafHit($0, i, c, current: [])) == true }) {
                entries[i].append((flow.name, nil, true))
            }
        }
        var current: [String?] = []
        var latest: String?
        var order: [String] = []
        for i in 0..<n {
            for e in entries[i] {
                latest = e.flow
                if !order.contains(e.flow) { order.append(e.flow) }
            }
            current.append(latest)
        }
        let world = World(c: c, entries: entries, current: current)
        return (rules.metrics.map { evaluate($0, world) }, order)
    }

    struct World {
        let c: Conversation
        let entries: [[(flow: String, step: String?, derived: Bool)]]
        let current: [String?]
    }

    func evaluate(_ m: Metric, _ w: World) -> ModelResult {
        if let from = m.activeFrom, let started = w.c.startedAt, started < from {
            return ModelResult(status: .inactive)
        }
        do {
            let n = w.c.events.count
            var k: Int?
            if let applies = m.appliesWhen {
                for end in 0..<n where try holds(applies, 0, end, w) {
                    k = end
                    break
                }
                if k == nil { return ModelResult(status: .notApplicable) }
            } else {
                k = 0
            }
            let lower = m.scope == .conversation ? 0 : k!
            switch m.body {
            case let .boolean(when):
                return ModelResult(status: .ok, value: .bool(try holds(when, lower, n - 1, w)), triggeredAt: k)
            case let .categorical(labels, otherwise):
                for label in labels where try holds(label.when, lower, n - 1, w) {
                    return ModelResult(status: .ok, value: .label(label.label), triggeredAt: k)
                }
                if let otherwise { return ModelResult(status: .ok, value: .label(otherwise), triggeredAt: k) }
                return ModelResult(status: .unmatched, triggeredAt: k)
            case let .number(expression, _):
                guard let v = try number(expression, lower, n - 1, w), v.isFinite else { return ModelResult(status: .unmatched, triggeredAt: k) }
                return ModelResult(status: .ok, value: .number(v), triggeredAt: k)
            }
        } catch {
            return ModelResult(status: .error)
        }
    }

    func holds(_ cond: Condition, _ lo: Int, _ hi: Int, _ w: World) throws -> Bool {
        switch cond {
        case let .leaf(leaf):
            let count = try hits(leaf, lo, hi, w).count
            guard let c = leaf.count else { return count > 0 }
            return count >= c.atLeast && (c.atMost == nil || count <= c.atMost!)
        case let .all(parts):
            var result = true
            for p in parts where try !holds(p, lo, hi, w) { result = false }
            return result
        case let .any(parts):
            var result = false
            for p in parts where try holds(p, lo, hi, w) { result = true }
            return result
        case let .not(inner):
            return try !holds(inner, lo, hi, w)
        case let .metadata(matcher):
            // SPEC 1.2 §3: the whole conversation's metadata, whatever the window; null is none.
            let metadata: JSONValue? = { if case .null? = w.c.metadata { return nil } else { return w.c.metadata } }()
            return try matches(matcher, metadata)
        case let .sequence(leaves, within):
            let lists = try leaves.map { try hits($0, lo, hi, w) }
            // Every chain, exhaustively.
            func search(_ level: Int, after: Int, first: Int?) -> Bool {
                if level == lists.count { return true }
                for h in lists[level] where h > after {
                    let start = first ?? h
                    if level == lists.count - 1 {
                        if within == nil || w.c.turns[h] - w.c.turns[start] <= within! { return true }
                    } else if search(level + 1, after: h, first: start) {
                        return true
                    }
                }
                return false
            }
            return search(0, after: -1, first: nil)
        }
    }

    /// SPEC 1.1 §5.1, read literally: nil when the expression has no value.
    func number(_ e: ValueExpression, _ lo: Int, _ hi: Int, _ w: World) throws -> Double? {
        switch e {
        case let .hits(leaf):
            return Double(try hits(leaf, lo, hi, w).count)
        case let .turnsBetween(a, b), let .secondsBetween(a, b):
            let ha = try hits(a, lo, hi, w), hb = try hits(b, lo, hi, w)
            guard let h1 = ha.min() else { return nil }
            guard let h2 = hb.filter({ $0 > h1 }).min() else { return nil }
            if case .turnsBetween = e { return Double(w.c.turns[h2] - w.c.turns[h1]) }
            guard let t1 = w.c.events[h1].at, let t2 = w.c.events[h2].at else { return nil }
            return t2 - t1
        case let .valueOf(leaf, path):
            guard let last = try hits(leaf, lo, hi, w).max() else { return nil }
            let event = w.c.events[last]
            var cur: JSONValue?
            var rest = path
            if event.kind == .function {
                cur = rest.removeFirst() == "args" ? event.args : event.result
            } else {
                cur = event.value
            }
            for seg in rest {
                switch cur {
                case let .object(o)?: cur = o.pairs.last(where: { $0.key == seg })?.value
                case let .array(a)?: cur = Int(seg).flatMap { seg.allSatisfy(\.isASCII) && seg.allSatisfy(\.isNumber) && $0 < a.count ? a[$0] : nil }
                default: cur = nil
                }
            }
            if case let .number(d, _)? = cur { return d }
            return nil
        case .duration:
            guard lo <= hi else { return nil }
            let timed = (lo...hi).filter { w.c.events[$0].at != nil }
            guard let first = timed.first, let last = timed.last else { return nil }
            return w.c.events[last].at! - w.c.events[first].at!
        }
    }

    func hits(_ leaf: Leaf, _ lo: Int, _ hi: Int, _ w: World) throws -> [Int] {
        guard lo <= hi else { return [] }
        return try (lo...hi).filter { try leafHit(leaf, $0, w.c, current: w.current, entries: w.entries) }
    }

    func leafHit(_ leaf: Leaf, _ i: Int, _ c: Conversation, current: [String?],
                 entries: [[(flow: String, step: String?, derived: Bool)]] = []) throws -> Bool {
        let e = c.events[i]
        var ok: Bool
        switch leaf.kind {
        case let .user(p): ok = try e.kind == .user && text(e.text!, matches: p, or: leaf.phrases)
        case let .agent(p): ok = try e.kind == .agent && text(e.text!, matches: p, or: leaf.phrases)
        case let .said(p): ok = try (e.kind == .user || e.kind == .agent) && text(e.text!, matches: p, or: leaf.phrases)
        case let .intent(name): ok = e.kind == .user && e.intents.contains { Array($0.utf8) == Array(name.utf8) }
        case let .function(name, args, result, failed):
            ok = e.kind == .function && Array(e.name!.utf8) == Array(name.utf8)
            if ok, let failed { ok = (e.error != nil) == failed }
            if ok, let args { ok = try matches(args, e.args) }
            if ok, let result { ok = try matches(result, e.result) }
        case let .flow(name, step):
            ok = entries.indices.contains(i) && entries[i].contains { $0.flow == name && (step == nil || (!$0.derived && $0.step == step)) }
        case let .metric(name, value):
            ok = e.kind == .metric && e.name! == name
            if ok, let value { ok = try matches(value, e.value) }
        case let .state(name, value):
            ok = e.kind == .state && e.name! == name
            if ok, let value { ok = try matches(value, e.value) }
        case let .handoff(p):
            ok = e.kind == .handoff
            if ok, let p { ok = try p.matches(e.destination ?? "", using: scratch) }
        }
        if let flow = leaf.inFlow, current.indices.contains(i) { ok = ok && current[i] == flow }
        if let t = leaf.turns {
            // SPEC 1.2 §3: −k is T − k + 1, T the number of user and agent events.
            let spoken = Double(c.events.filter { $0.kind == .user || $0.kind == .agent }.count)
            func bound(_ b: Double) -> Double { b < 0 ? spoken - (-b) + 1 : b }
            ok = ok && Double(c.turns[i]) >= bound(t.lower) && Double(c.turns[i]) <= t.upper.map(bound) ?? .infinity
        }
        if let s = leaf.seconds { ok = ok && e.at != nil && e.at! >= s.lower && e.at! <= (s.upper ?? .infinity) }
        return ok
    }

    /// A text leaf: its pattern, or for a phrase leaf each phrase on its own (SPEC 1.2 §3.1),
    /// read afresh: the words quoted with \Q…\E, joined by \s+, with a lookaround where the
    /// phrase starts or ends with a letter, digit or underscore.
    func text(_ text: String, matches pattern: Pattern, or phrases: PhraseReference?) throws -> Bool {
        guard let phrases else { return try pattern.matches(text, using: scratch) }
        for list in phrases.lists {
            for phrase in list.phrases {
                let words = phrase.text.split(whereSeparator: \.isWhitespace).map(String.init)
                func isWord(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false }
                let source = (isWord(words.first?.first) ? #"(?<!\w)"# : "") + words.map { #"\Q"# + $0 + #"\E"# }.joined(separator: #"\s+"#)
                    + (isWord(words.last?.last) ? #"(?!\w)"# : "")
                if compiled.patterns[source] == nil { compiled.patterns[source] = try Pattern(source) }
                if try compiled.patterns[source]!.matches(text, using: scratch) { return true }
            }
        }
        return false
    }

    /// SPEC §3 matchers, read afresh.
    func matches(_ m: Matcher, _ v: JSONValue?) throws -> Bool {
        switch m {
        case let .equals(x):
            return v.map { same($0, x) } ?? false
        case let .paths(entries):
            return try entries.allSatisfy { entry in
                var cur = v
                for seg in entry.path {
                    switch cur {
                    case let .object(o)?: cur = o.pairs.last(where: { $0.key == seg })?.value
                    case let .array(a)?: cur = Int(seg).flatMap { seg.allSatisfy(\.isASCII) && seg.allSatisfy(\.isNumber) && $0 < a.count ? a[$0] : nil }
                    default: cur = nil
                    }
                }
                return try matches(entry.matcher, cur)
            }
        case let .operators(ops):
            return try ops.allSatisfy { op in
                switch op {
                case let .exists(b): return (v != nil) == b
                case let .not(inner): return try !matches(inner, v)
                case let .regex(p):
                    if case let .string(s)? = v { return try p.matches(s, using: scratch) }
                    return false
                case let .oneOf(list): return v.map { value in list.contains { same(value, $0) } } ?? false
                case let .greaterThan(n): return v?.numberValue.map { $0 > n } ?? false
                case let .greaterOrEqual(n): return v?.numberValue.map { $0 >= n } ?? false
                case let .lessThan(n): return v?.numberValue.map { $0 < n } ?? false
                case let .lessOrEqual(n): return v?.numberValue.map { $0 <= n } ?? false
                }
            }
        }
    }

    func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x, _), .number(y, _)): return x == y
        case let (.string(x), .string(y)): return Array(x.unicodeScalars) == Array(y.unicodeScalars)
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case let (.object(x), .object(y)):
            return x.count == y.count && x.pairs.allSatisfy { p in y.pairs.contains { $0.key == p.key && same($0.value, p.value) } }
        default: return false
        }
    }
}
