import Yams

/// Reading conditions: combinators, leaves and their modifiers (the vocabulary is `LeafKinds`).
extension RuleBuilder {
    // MARK: Conditions

    func readCondition(_ node: Node, place: Place) -> Condition? {
        nodeMarks.append(location(node))
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): a condition must be a mapping with one kind (\(RuleKeys.leafKinds.joined(separator: ", ")), metadata, all, any, not or sequence)")
            return nil
        }
        guard let (kindKey, kindValue, rest) = splitKind(mapping, node: node, place: place) else { return nil }
        let kind = keyName(kindKey)!
        switch kind {
        case "all", "any":
            guard noModifiers(rest, on: kind, place: place) else { return nil }
            guard let items = kindValue.sequence, !items.isEmpty else {
                fail(kindValue, "\(place.name): '\(kind)' needs a non-empty list of conditions")
                return nil
            }
            let parts = items.map { readCondition($0, place: place) }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            return kind == "all" ? .all(parts.map { $0! }) : .any(parts.map { $0! })
        case "not":
            guard noModifiers(rest, on: kind, place: place) else { return nil }
            return readCondition(kindValue, place: place).map { .not($0) }
        case "metadata":
            for (k, _) in rest {
                fail(k, "\(place.name): '\(keyName(k)!)' does not apply to 'metadata', a condition on the whole conversation; modifiers belong on leaves")
            }
            guard rest.isEmpty else { return nil }
            return metadataCondition(kindValue, place: place)
        case "sequence":
            var within: Int?
            var ok = true
            for (k, v) in rest {
                let kn = keyName(k)!
                if kn == "within_turns" {
                    within = nonNegativeInt(v, what: "'within_turns'", place: place)
                    if within == nil { ok = false }
                } else {
                    fail(k, "\(place.name): '\(kn)' does not apply to 'sequence' (only 'within_turns' does)")
                    ok = false
                }
            }
            guard let items = kindValue.sequence, !items.isEmpty else {
                fail(kindValue, "\(place.name): 'sequence' needs a non-empty list of leaves")
                return nil
            }
            let leaves = items.map { readLeafOnly($0, place: place, site: .sequence) }
            guard ok, leaves.allSatisfy({ $0 != nil }) else { return nil }
            return .sequence(leaves.map { $0! }, withinTurns: within)
        default:
            return readLeaf(kind: kind, kindKey: kindKey, value: kindValue, rest: rest, place: place, site: .condition).map { .leaf($0) }
        }
    }

    /// A condition that must be a leaf: in `enter_when` and inside `sequence`.
    /// Where a leaf stands, for what it may carry and for messages.
    enum LeafSite {
        case condition, sequence, enterWhen, value

        var phrase: String {
            switch self {
            case .condition: return "in a condition"
            case .sequence: return "inside 'sequence'"
            case .enterWhen: return "in 'enter_when'"
            case .value: return "in a value expression"
            }
        }
    }

    func readLeafOnly(_ node: Node, place: Place, site: LeafSite) -> Leaf? {
        nodeMarks.append(location(node))
        let where_ = site.phrase
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): \(where_) each item must be a leaf condition (a mapping such as {agent: PATTERN})")
            return nil
        }
        guard let (kindKey, kindValue, rest) = splitKind(mapping, node: node, place: place) else { return nil }
        let kind = keyName(kindKey)!
        if RuleKeys.conversationConditions.contains(kind) {
            fail(kindKey, "\(place.name): 'metadata' is not allowed \(where_); it is a condition on the whole conversation, not a leaf")
            return nil
        }
        if RuleKeys.combinators.contains(kind) {
            let allowed: String
            switch site {
            case .sequence: allowed = "only leaves may stand in a sequence"
            case .value: allowed = "a value expression takes leaves"
            default: allowed = "only a leaf or an 'any' of leaves may stand there"
            }
            fail(kindKey, "\(place.name): '\(kind)' is not allowed \(where_); \(allowed)")
            return nil
        }
        return readLeaf(kind: kind, kindKey: kindKey, value: kindValue, rest: rest, place: place, site: site)
    }

    /// Finds the one kind key of a condition mapping; reports unknown keys, none or several kinds.
    func splitKind(_ mapping: [(Node, Node)], node: Node, place: Place) -> (Node, Node, [(Node, Node)])? {
        var kinds: [(Node, Node)] = []
        var rest: [(Node, Node)] = []
        var ok = true
        for (k, v) in mapping {
            guard let kn = keyName(k) else { ok = false; continue }
            if !RuleKeys.condition.contains(kn) {
                failUnknownKey(k, kn, expected: RuleKeys.leafKinds + RuleKeys.conversationConditions + RuleKeys.combinators + RuleKeys.modifiers, in: place.name)
                ok = false
                continue
            }
            if RuleKeys.leafKinds.contains(kn) || RuleKeys.combinators.contains(kn) || RuleKeys.conversationConditions.contains(kn) {
                if isNull(v) { continue }
                kinds.append((k, v))
            } else if !isNull(v) {
                // A YAML null is an absent key, for `result` and `value` too: null is the JSON
                // null only inside a matcher (`result: {reason: null}`, `in: [null]`).
                rest.append((k, v))
            }
        }
        guard ok else { return nil }
        if kinds.isEmpty {
            fail(node, "\(place.name): a condition needs one kind: \((RuleKeys.leafKinds + RuleKeys.conversationConditions + RuleKeys.combinators).joined(separator: ", "))")
            return nil
        }
        if kinds.count > 1 {
            let names = kinds.map { "'\(keyName($0.0)!)'" }.joined(separator: " and ")
            fail(kinds[1].0, "\(place.name): a condition has exactly one kind, this one has \(names); combine them with 'all' or 'any'")
            return nil
        }
        return (kinds[0].0, kinds[0].1, rest)
    }

    /// `metadata: PATHS`: a path mapping over the conversation's metadata; an operator directly
    /// under it is an error (SPEC 1.2 §3).
    func metadataCondition(_ node: Node, place: Place) -> Condition? {
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): 'metadata' takes a mapping from metadata paths to matchers, such as {channel: voice}")
            return nil
        }
        var ok = true
        for (k, _) in mapping {
            guard let kn = keyName(k) else { ok = false; continue }
            if RuleKeys.operators.contains(kn) {
                fail(k, "\(place.name): '\(kn)' directly under 'metadata' is an operator, not a path; name the path first, as in {channel: {\(kn): ...}}")
                ok = false
            }
        }
        guard ok, let matcher = pathMatcher(node, place: place) else { return nil }
        return .metadata(matcher)
    }

    func noModifiers(_ rest: [(Node, Node)], on kind: String, place: Place) -> Bool {
        for (k, _) in rest {
            fail(k, "\(place.name): '\(keyName(k)!)' does not apply to '\(kind)'; modifiers belong on leaves")
        }
        return rest.isEmpty
    }

    func readLeaf(kind: String, kindKey: Node, value: Node, rest: [(Node, Node)], place: Place, site: LeafSite) -> Leaf? {
        let before = errors.count
        let enterWhen: Bool
        if case .enterWhen = place { enterWhen = true } else { enterWhen = false }
        if enterWhen, kind == "flow" {
            fail(kindKey, "\(place.name): 'flow' leaves are not allowed in 'enter_when'")
        }
        let specific = RuleKeys.specific(to: kind)
        var mods: [String: Node] = [:]
        for (k, v) in rest {
            let kn = keyName(k)!
            if kn == "within_turns" {
                fail(k, "\(place.name): 'within_turns' applies to 'sequence' only")
            } else if !RuleKeys.commonModifiers.contains(kn) && !specific.contains(kn) {
                fail(k, "\(place.name): '\(kn)' does not apply to '\(kind)'; it belongs to \(LeafKinds.owners(of: kn))")
            } else if enterWhen, kn == "in_flow" || kn == "count" {
                fail(k, "\(place.name): '\(kn)' is not allowed in 'enter_when'")
            } else if site == .sequence || site == .value, kn == "count" {
                fail(k, "\(place.name): 'count' is not allowed on a leaf \(site.phrase)")
            } else {
                mods[kn] = v
            }
        }
        guard errors.count == before else { return nil }

        var leafKind: Leaf.Kind?
        var phrases: PhraseReference?
        switch kind {
        case "user", "agent", "said":
            var found: Pattern?
            if value.mapping != nil {
                if let (reference, p) = phraseReference(value, kind: kind, place: place) {
                    phrases = reference
                    found = p
                }
            } else {
                found = pattern(value, what: "'\(kind)'", place: place)
            }
            if let p = found {
                leafKind = kind == "user" ? .user(p) : kind == "agent" ? .agent(p) : .said(p)
            }
        case "intent":
            if let n = string(value, what: "'intent'") { leafKind = .intent(n) }
        case "function":
            guard let n = string(value, what: "'function'") else { break }
            var args: Matcher?
            if let a = mods["args"] {
                guard a.mapping != nil else {
                    fail(a, "\(place.name): 'args' must be a mapping from argument paths to matchers")
                    break
                }
                args = pathMatcher(a, place: place)
                if args == nil { break }
            }
            var result: Matcher?
            if let r = mods["result"] {
                result = matcher(r, place: place)
                if result == nil { break }
            }
            var failed: Bool?
            if let f = mods["failed"] {
                guard f.tagName == .bool, let b = f.bool else {
                    fail(f, "\(place.name): 'failed' must be true or false")
                    break
                }
                failed = b
            }
            leafKind = .function(name: n, args: args, result: result, failed: failed)
        case "flow":
            guard let n = string(value, what: "'flow'") else { break }
            var step: String?
            if let s = mods["step"] {
                guard let st = string(s, what: "'step'") else { break }
                step = st
            }
            leafKind = .flow(name: n, step: step)
        case "metric", "state":
            guard let n = string(value, what: "'\(kind)'") else { break }
            var m: Matcher?
            if let v = mods["value"] {
                m = matcher(v, place: place)
                if m == nil { break }
            }
            leafKind = kind == "metric" ? .metric(name: n, value: m) : .state(key: n, value: m)
        case "handoff":
            if value.mapping != nil {
                fail(value, "\(place.name): 'handoff' takes true or a pattern for the destination; phrase lists are for 'user', 'agent' and 'said'")
            } else if value.tagName == .bool {
                if value.bool == true { leafKind = .handoff(nil) } else {
                    fail(value, "\(place.name): 'handoff' takes true or a pattern for the destination, not false; use 'not'")
                }
            } else if let p = pattern(value, what: "'handoff'", place: place) {
                leafKind = .handoff(p)
            }
        default:
            break
        }
        guard let leafKind else { return nil }

        var leaf = Leaf(kind: leafKind, id: nextLeafID)
        leaf.phrases = phrases
        if let f = mods["in_flow"] { leaf.inFlow = string(f, what: "'in_flow'") }
        if let t = mods["turns"] { leaf.turns = range(t, what: "turns", place: place) }
        if let s = mods["seconds"] { leaf.seconds = range(s, what: "seconds", place: place) }
        if let c = mods["count"] { leaf.count = count(c, place: place) }
        guard errors.count == before else { return nil }
        nextLeafID += 1
        return leaf
    }

    func range(_ node: Node, what: String, place: Place) -> (lower: Double, upper: Double?)? {
        guard let items = node.sequence, (1...2).contains(items.count) else {
            fail(node, "\(place.name): '\(what)' must be a list [A, B] or [A]")
            return nil
        }
        let numbers = items.map { number($0) }
        for (item, n) in zip(items, numbers) where n == nil {
            fail(item, "\(place.name): '\(what)' bounds must be numbers")
            return nil
        }
        // .nan would make every comparison false and .inf a bound no event reaches: both are
        // mistakes; [A] already says "from A on".
        for (item, n) in zip(items, numbers) where !n!.isFinite {
            fail(item, "\(place.name): '\(what)' bounds must be finite numbers, not \(item.string ?? "\(n!)")")
            return nil
        }
        if what == "turns" {
            // Turn numbers are whole; a negative one counts from the end (SPEC 1.2 §3).
            for item in items where item.tagName != .int || item.int == nil {
                fail(item, "\(place.name): 'turns' bounds must be whole numbers (negative ones count from the end), not \(item.string ?? "this")")
                return nil
            }
            if let a = numbers[0], items.count == 2, let b = numbers[1], (a < 0) == (b < 0), a > b {
                fail(node, "\(place.name): 'turns' [\(JSONNumber.text(a)), \(JSONNumber.text(b))] is empty: the first bound is after the second")
                return nil
            }
        }
        return (numbers[0]!, items.count == 2 ? numbers[1]! : nil)
    }

    func count(_ node: Node, place: Place) -> Leaf.Count? {
        if let mapping = pairs(node) {
            var c = Leaf.Count(atLeast: 0, atMost: nil)
            var ok = true
            for (k, v) in mapping {
                guard let kn = keyName(k) else { ok = false; continue }
                if isNull(v) { continue }
                switch kn {
                case "at_least": if let n = nonNegativeInt(v, what: "'at_least'", place: place) { c.atLeast = n } else { ok = false }
                case "at_most": if let n = nonNegativeInt(v, what: "'at_most'", place: place) { c.atMost = n } else { ok = false }
                default: failUnknownKey(k, kn, expected: RuleKeys.count, in: place.name); ok = false
                }
            }
            return ok ? c : nil
        }
        return nonNegativeInt(node, what: "'count'", place: place).map { Leaf.Count(atLeast: $0, atMost: nil) }
    }

    func nonNegativeInt(_ node: Node, what: String, place: Place) -> Int? {
        if node.tagName == .int, let n = node.int, n >= 0 { return n }
        fail(node, "\(place.name): \(what) must be a whole number, 0 or more")
        return nil
    }
}
