/// The nodes of a metric's conditions laid out in one depth-first order: `Metric.conditions`
/// in turn, a combinator before its items, a `sequence` before its leaves. The order is the
/// one `MetricLocations.nodes` records, so each slot knows where it stands in the rule file.
struct ConditionLayout {
    enum Role: Equatable {
        /// The top of `applies_when`, of `when`, of a label's `when`, or a value expression's leaf.
        case root
        /// Item `index` of an `all`, an `any`, a `sequence`, or the operand of a `not`.
        case allItem(Int), anyItem(Int), sequenceStep(Int), negated
    }

    struct Slot {
        var role: Role
        var isLeaf: Bool
        var summary: String
        var location: SourceLocation
        /// "applies_when", "when", "label 'x'" or "value".
        var part: String
        /// A phrase leaf's lists.
        var phrases: PhraseReference? = nil
    }

    /// One root condition: its part name and its first slot.
    struct Root {
        var part: String
        var first: Int
        var end: Int
    }

    private(set) var slots: [Slot] = []
    private(set) var roots: [Root] = []

    init(_ metric: Metric) {
        var parts: [(String, Condition)] = metric.appliesWhen.map { [("applies_when", $0)] } ?? []
        switch metric.body {
        case let .boolean(c): parts.append(("when", c))
        case let .categorical(labels, _): parts += labels.map { ("label '\($0.label)'", $0.when) }
        case let .number(expression, _): parts += expression.leaves.map { ("value", .leaf($0)) }
        }
        let locations = metric.locations.nodes
        for (part, condition) in parts {
            let first = slots.count
            add(condition, role: .root, part: part)
            roots.append(Root(part: part, first: first, end: slots.count))
        }
        // Hand-built metrics carry no locations: each slot then points at the metric.
        for s in slots.indices {
            slots[s].location = s < locations.count ? locations[s] : metric.location
        }
    }

    private mutating func add(_ c: Condition, role: Role, part: String) {
        let here = SourceLocation(file: "", line: 0, column: 0)
        switch c {
        case let .leaf(leaf):
            slots.append(Slot(role: role, isLeaf: true, summary: leaf.summary, location: here, part: part, phrases: leaf.phrases))
        case let .all(items), let .any(items):
            let isAll: Bool = { if case .all = c { return true } else { return false } }()
            slots.append(Slot(role: role, isLeaf: false, summary: c.summary, location: here, part: part))
            for (i, item) in items.enumerated() { add(item, role: isAll ? .allItem(i) : .anyItem(i), part: part) }
        case let .not(inner):
            slots.append(Slot(role: role, isLeaf: false, summary: c.summary, location: here, part: part))
            add(inner, role: .negated, part: part)
        case .metadata:
            // A condition on the whole conversation: it has no hits to cover.
            slots.append(Slot(role: role, isLeaf: false, summary: c.summary, location: here, part: part))
        case let .sequence(leaves, _):
            slots.append(Slot(role: role, isLeaf: false, summary: c.summary, location: here, part: part))
            for (i, leaf) in leaves.enumerated() {
                slots.append(Slot(role: .sequenceStep(i), isLeaf: true, summary: leaf.summary, location: here, part: part, phrases: leaf.phrases))
            }
        }
    }
}
