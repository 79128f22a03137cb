/// A small change to one metric that its fixtures should notice (`verdict mutate`). A mutant
/// is *killed* when some fixture's expectation, met by the metric as written, fails for it.
public struct Mutant: Sendable {
    public enum Operator: String, Sendable, CaseIterable {
        case dropItem = "drop_item"
        case negateLeaf = "negate_leaf"
        case fromStart = "from_start"
        case switchScope = "switch_scope"
        case widenBound = "widen_bound"
        case narrowBound = "narrow_bound"
        case dropAlternative = "drop_alternative"
        case dropWordBoundary = "drop_word_boundary"
        case dropLabel = "drop_label"
        case dropOtherwise = "drop_otherwise"
        case swapLabels = "swap_labels"
        case negateMetadata = "negate_metadata"
        case dropPhrase = "drop_phrase"
    }

    /// The metric's position in the rules, and the metric as mutated.
    public var metricIndex: Int
    public var metric: Metric
    public var location: SourceLocation
    public var op: Operator
    /// What changed, in words; unique within the metric, and what `equivalent_mutants` records.
    public var description: String
    /// What a fixture would have to show to kill it.
    public var hint: String
    /// The leaf whose own definition changed (a bound or the pattern), nil when only the
    /// conditions around the leaves changed: every other leaf hits the events it hit before.
    var changedLeafID: Int? = nil

    /// Every mutant of the metric at `index` in `rules`, in the order of the rule file.
    public static func all(of index: Int, in rules: RuleSet) -> [Mutant] {
        var generator = MutantGenerator(metric: rules.metrics[index], index: index)
        generator.generate()
        // Two identical conditions in one metric would give two mutants with one description.
        var seen: [String: Int] = [:]
        for i in generator.mutants.indices {
            let d = generator.mutants[i].description
            seen[d, default: 0] += 1
            if seen[d]! > 1 { generator.mutants[i].description += " (#\(seen[d]!))" }
        }
        return generator.mutants
    }
}

/// Walks one metric depth first, in the order of `ConditionLayout`, and proposes mutants. Each
/// condition is visited with a function that puts a replacement for it back into the metric.
private struct MutantGenerator {
    let metric: Metric
    let index: Int
    let layout: ConditionLayout
    var mutants: [Mutant] = []
    private var slot = 0

    init(metric: Metric, index: Int) {
        self.metric = metric
        self.index = index
        layout = ConditionLayout(metric)
    }

    mutating func add(_ op: Mutant.Operator, _ location: SourceLocation, _ description: String, _ mutated: Metric?, hint: String,
                      changing leaf: Int? = nil) {
        guard let mutated else { return }
        mutants.append(Mutant(metricIndex: index, metric: mutated, location: location, op: op, description: description, hint: hint,
                              changedLeafID: leaf))
    }

    mutating func generate() {
        let m = metric
        if let applies = m.appliesWhen {
            let at = m.locations.appliesWhen ?? m.location
            var fromStart = m
            fromStart.appliesWhen = nil
            add(.fromStart, at, "evaluate from the start instead of applies_when", fromStart,
                hint: "a fixture where applies_when never holds, or where what happens before it matters")
            var switched = m
            switched.scope = m.scope == .afterTrigger ? .conversation : .afterTrigger
            add(.switchScope, m.locations.scope ?? at, "scope \(switched.scope.rawValue) instead of \(m.scope.rawValue)", switched,
                hint: "a fixture where an event before the trigger changes the outcome")
            visit(applies, part: "applies_when") { var x = m; x.appliesWhen = $0; return x }
        }
        switch m.body {
        case let .boolean(when):
            visit(when, part: "when") { var x = m; x.body = .boolean($0); return x }
        case let .categorical(labels, otherwise):
            for (i, label) in labels.enumerated() {
                visit(label.when, part: "label '\(label.label)'") { c in
                    var x = m
                    var changed = labels
                    changed[i].when = c
                    x.body = .categorical(labels: changed, otherwise: otherwise)
                    return x
                }
            }
            labelMutants(labels, otherwise)
        case let .number(expression, unit):
            for (j, leaf) in expression.leaves.enumerated() {
                let at = layout.slots[slot].location
                slot += 1
                for (op, description, hint, changed) in Self.leafMutants(leaf) {
                    var x = m
                    x.body = .number(expression.replacingLeaf(j, with: changed), unit: unit)
                    add(op, at, "\(description) of \(leaf.summary) in value", x, hint: hint, changing: leaf.id)
                }
            }
        }
    }

    mutating func labelMutants(_ labels: [Label], _ otherwise: String?) {
        let m = metric
        func at(_ i: Int) -> SourceLocation { i < m.locations.labels.count ? m.locations.labels[i] : m.location }
        func with(_ l: [Label], _ o: String?) -> Metric { var x = m; x.body = .categorical(labels: l, otherwise: o); return x }
        if labels.count > 1 {
            for (i, label) in labels.enumerated() {
                var rest = labels
                rest.remove(at: i)
                add(.dropLabel, at(i), "drop label '\(label.label)'", with(rest, otherwise),
                    hint: "a fixture expecting '\(label.label)'")
            }
        }
        if let otherwise {
            add(.dropOtherwise, m.locations.otherwise ?? m.location, "drop otherwise '\(otherwise)'", with(labels, nil),
                hint: "a fixture where no label holds, expecting '\(otherwise)'")
        }
        for i in 0..<max(0, labels.count - 1) {
            var swapped = labels
            swapped.swapAt(i, i + 1)
            add(.swapLabels, at(i + 1), "swap labels '\(labels[i].label)' and '\(labels[i + 1].label)'", with(swapped, otherwise),
                hint: "a fixture where both labels' conditions hold, expecting '\(labels[i].label)'")
        }
    }

    /// Visits `c`, whose slot is the next one; `rebuild` puts a replacement back into the metric.
    mutating func visit(_ c: Condition, part: String, _ rebuild: @escaping (Condition) -> Metric) {
        let here = slot
        slot += 1
        let at = layout.slots[here].location
        switch c {
        case let .leaf(leaf):
            add(.negateLeaf, at, "negate \(leaf.summary) in \(part)", rebuild(.not(c)),
                hint: "a fixture where this leaf decides the outcome")
            for (op, description, hint, changed) in Self.leafMutants(leaf) {
                add(op, at, "\(description) of \(leaf.summary) in \(part)", rebuild(.leaf(changed)), hint: hint, changing: leaf.id)
            }
        case let .all(items), let .any(items):
            let isAll: Bool = { if case .all = c { return true } else { return false } }()
            let make: ([Condition]) -> Condition = { isAll ? .all($0) : .any($0) }
            let name = isAll ? "all" : "any"
            var childSlot = slot
            for (i, item) in items.enumerated() {
                if items.count > 1 {
                    var rest = items
                    rest.remove(at: i)
                    add(.dropItem, layout.slots[childSlot].location, "drop item \(i + 1) of '\(name)' in \(part): \(item.summary)",
                        rebuild(make(rest)),
                        hint: isAll ? "a fixture where this item fails while the others hold" : "a fixture where only this branch holds")
                }
                childSlot += item.slotCount
            }
            for (i, item) in items.enumerated() {
                visit(item, part: part) { changed in
                    var copy = items
                    copy[i] = changed
                    return rebuild(make(copy))
                }
            }
        case let .not(inner):
            visit(inner, part: part) { rebuild(.not($0)) }
        case .metadata:
            add(.negateMetadata, at, "negate \(c.summary) in \(part)", rebuild(.not(c)),
                hint: "a fixture whose metadata decides the outcome")
        case let .sequence(leaves, within):
            if leaves.count > 1 {
                for (i, leaf) in leaves.enumerated() {
                    var rest = leaves
                    rest.remove(at: i)
                    add(.dropItem, layout.slots[here + 1 + i].location, "drop step \(i + 1) of 'sequence' in \(part): \(leaf.summary)",
                        rebuild(.sequence(rest, withinTurns: within)),
                        hint: "a fixture where the other steps happen in order but this one is missing or out of order")
                }
            }
            if let w = within, w < Int.max {
                add(.widenBound, at, "widen within_turns to \(w + 1) on \(c.summary) in \(part)", rebuild(.sequence(leaves, withinTurns: w + 1)),
                    hint: "a fixture whose steps span exactly \(w + 1) turns")
                if w > 0 {
                    add(.narrowBound, at, "narrow within_turns to \(w - 1) on \(c.summary) in \(part)",
                        rebuild(.sequence(leaves, withinTurns: w - 1)), hint: "a fixture whose steps span exactly \(w) turns")
                }
            }
            for (i, leaf) in leaves.enumerated() {
                let stepAt = layout.slots[slot].location
                slot += 1
                for (op, description, hint, changed) in Self.leafMutants(leaf) {
                    var copy = leaves
                    copy[i] = changed
                    add(op, stepAt, "\(description) of \(leaf.summary) in \(part)", rebuild(.sequence(copy, withinTurns: within)), hint: hint,
                        changing: leaf.id)
                }
            }
        }
    }

    /// A leaf's own mutants: its bounds moved by one, its pattern's alternatives and `\b`s dropped.
    static func leafMutants(_ leaf: Leaf) -> [(Mutant.Operator, String, String, Leaf)] {
        var out: [(Mutant.Operator, String, String, Leaf)] = []
        func number(_ d: Double) -> String { JSONNumber.text(d) }
        for (name, range, set) in [("turns", leaf.turns, { (l: inout Leaf, r: (lower: Double, upper: Double?)) in l.turns = r }),
                                   ("seconds", leaf.seconds, { (l: inout Leaf, r: (lower: Double, upper: Double?)) in l.seconds = r })] {
            guard let (lower, upper) = range else { continue }
            func moved(_ r: (lower: Double, upper: Double?)) -> Leaf { var l = leaf; set(&l, r); return l }
            // A bound too large to move by one (as a 64-bit double) gives no mutant.
            if lower >= 1, lower - 1 != lower {
                out.append((.widenBound, "widen \(name) lower bound to \(number(lower - 1))", "a fixture whose hit is at \(name) \(number(lower - 1)) and must not count", moved((lower - 1, upper))))
            }
            if lower + 1 != lower, upper.map({ lower + 1 <= $0 }) ?? true {
                out.append((.narrowBound, "narrow \(name) lower bound to \(number(lower + 1))", "a fixture whose hit is at \(name) \(number(lower)) and must count", moved((lower + 1, upper))))
            }
            if let upper, upper + 1 != upper {
                out.append((.widenBound, "widen \(name) upper bound to \(number(upper + 1))", "a fixture whose hit is at \(name) \(number(upper + 1)) and must not count", moved((lower, upper + 1))))
            }
            if let upper, upper - 1 != upper, upper - 1 >= lower {
                out.append((.narrowBound, "narrow \(name) upper bound to \(number(upper - 1))", "a fixture whose hit is at \(name) \(number(upper)) and must count", moved((lower, upper - 1))))
            }
        }
        if let count = leaf.count {
            func with(_ c: Leaf.Count) -> Leaf { var l = leaf; l.count = c; return l }
            if count.atLeast >= 1 {
                out.append((.widenBound, "widen count at_least to \(count.atLeast - 1)", "a fixture with exactly \(count.atLeast - 1) hits",
                            with(Leaf.Count(atLeast: count.atLeast - 1, atMost: count.atMost))))
            }
            // A bound at Int.max cannot move up: that mutant is skipped, not wrapped around.
            if count.atLeast < Int.max, count.atMost.map({ count.atLeast + 1 <= $0 }) ?? true {
                out.append((.narrowBound, "narrow count at_least to \(count.atLeast + 1)", "a fixture with exactly \(count.atLeast) hits",
                            with(Leaf.Count(atLeast: count.atLeast + 1, atMost: count.atMost))))
            }
            if let most = count.atMost, most < Int.max {
                out.append((.widenBound, "widen count at_most to \(most + 1)", "a fixture with exactly \(most + 1) hits",
                            with(Leaf.Count(atLeast: count.atLeast, atMost: most + 1))))
            }
            if let most = count.atMost, most > count.atLeast {
                out.append((.narrowBound, "narrow count at_most to \(most - 1)", "a fixture with exactly \(most) hits",
                            with(Leaf.Count(atLeast: count.atLeast, atMost: most - 1))))
            }
        }
        if let phrases = leaf.phrases {
            // A phrase leaf's pattern is generated: its mutants drop one phrase at a time.
            let all = phrases.phrases
            guard all.count > 1 else { return out }
            for (p, (list, phrase)) in all.enumerated() {
                let fewer = phrases.dropping(p)
                guard let changed = try? fewer.pattern() else { continue }
                var mutated = leaf.withPattern(changed)
                mutated.phrases = fewer
                out.append((.dropPhrase, "drop phrase '\(phrase.text)' of \(list)", "a fixture where only '\(phrase.text)' occurs", mutated))
            }
            return out
        }
        guard let pattern = leaf.kind.pattern else { return out }
        for (removed, source) in PatternEdits.alternativesRemoved(pattern.source) {
            guard let changed = try? Pattern(source) else { continue }
            out.append((.dropAlternative, "drop alternative '\(removed)' from the pattern",
                        "a fixture where only '\(removed)' matches", leaf.withPattern(changed)))
        }
        for (offset, source) in PatternEdits.wordBoundariesDropped(pattern.source) {
            guard let changed = try? Pattern(source) else { continue }
            out.append((.dropWordBoundary, "drop the \\b at offset \(offset) of the pattern",
                        "a fixture where the pattern must not match inside a longer word", leaf.withPattern(changed)))
        }
        return out
    }
}

extension Condition {
    /// How many slots of `ConditionLayout` it takes.
    var slotCount: Int {
        switch self {
        case .leaf: return 1
        case let .all(items), let .any(items): return 1 + items.reduce(0) { $0 + $1.slotCount }
        case let .not(inner): return 1 + inner.slotCount
        case let .sequence(leaves, _): return 1 + leaves.count
        case .metadata: return 1
        }
    }
}

extension Leaf.Kind {
    /// The pattern of a `user`, `agent`, `said` or `handoff` leaf.
    var pattern: Pattern? {
        switch self {
        case let .user(p), let .agent(p), let .said(p): return p
        case let .handoff(p): return p
        default: return nil
        }
    }
}

extension Leaf {
    func withPattern(_ p: Pattern) -> Leaf {
        var l = self
        switch kind {
        case .user: l.kind = .user(p)
        case .agent: l.kind = .agent(p)
        case .said: l.kind = .said(p)
        case .handoff: l.kind = .handoff(p)
        default: break
        }
        return l
    }
}

extension ValueExpression {
    /// The expression with its `j`-th leaf (in the order of `leaves`) replaced.
    func replacingLeaf(_ j: Int, with leaf: Leaf) -> ValueExpression {
        switch self {
        case .hits: return .hits(leaf)
        case let .valueOf(_, path): return .valueOf(leaf, path: path)
        case let .turnsBetween(a, b): return j == 0 ? .turnsBetween(leaf, b) : .turnsBetween(a, leaf)
        case let .secondsBetween(a, b): return j == 0 ? .secondsBetween(leaf, b) : .secondsBetween(a, leaf)
        case .duration: return self
        }
    }
}
