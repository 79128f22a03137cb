import Foundation
import Yams

/// Reads rule files (SPEC §2) into a `RuleSet`, collecting every error with its file, line and
/// column instead of stopping at the first.
public enum RuleLoader {
    /// Loads files and folders (walked recursively, `.yaml`/`.yml`, sorted by path) in the given order.
    public static func load(paths: [String]) throws(RuleErrors) -> RuleSet {
        let builder = RuleBuilder()
        for path in paths {
            switch FileWalker.walk(path, extensions: ["yaml", "yml"]) {
            case let .failure(problem):
                builder.errors.append(RuleError(location: SourceLocation(file: path, line: 1, column: 1),
                                                message: "cannot read rules: \(problem.message)"))
            case let .success(files):
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        builder.errors.append(RuleError(location: SourceLocation(file: file, line: 1, column: 1),
                                                        message: "cannot read rules: permission denied or not a file"))
                        continue
                    }
                    guard let text = String(data: data, encoding: .utf8) else {
                        builder.errors.append(RuleError(location: SourceLocation(file: file, line: 1, column: 1),
                                                        message: "rule file is not valid UTF-8"))
                        continue
                    }
                    builder.add(yaml: text, file: file)
                }
            }
        }
        return try builder.finish()
    }

    /// Loads rules from YAML text; `file` names it in errors.
    public static func load(yaml: String, file: String = "rules.yaml") throws(RuleErrors) -> RuleSet {
        let builder = RuleBuilder()
        builder.add(yaml: yaml, file: file)
        return try builder.finish()
    }
}

/// Keys the rule format knows, for validation and "did you mean".
enum RuleKeys {
    static let top = ["version", "flows", "metrics", "lint"]
    static let lint = ["disable", "synonyms"]
    static let flow = ["enter_when"]
    static let metric = ["name", "type", "definition", "applies_when", "scope", "active_from", "when", "labels", "otherwise"]
    static let label = ["label", "when"]
    static let leafKinds = ["user", "agent", "said", "intent", "function", "flow", "metric", "state", "handoff"]
    static let combinators = ["all", "any", "not", "sequence"]
    static let commonModifiers = ["in_flow", "turns", "seconds", "count"]
    static let modifiers = commonModifiers + ["args", "result", "failed", "step", "value", "within_turns"]
    static let condition = leafKinds + combinators + modifiers
    static let operators = ["regex", "in", "exists", "gt", "gte", "lt", "lte", "not"]
    static let count = ["at_least", "at_most"]

    /// Modifiers a leaf of this kind takes beyond the common ones.
    static func specific(to kind: String) -> [String] {
        switch kind {
        case "function": return ["args", "result", "failed"]
        case "flow": return ["step"]
        case "metric", "state": return ["value"]
        default: return []
        }
    }
}

final class RuleBuilder {
    var errors: [RuleError] = []
    private var flows: [FlowDefinition] = []
    private var metrics: [Metric] = []
    private var files: [String] = []
    private var metricNames: [String: SourceLocation] = [:]
    private var flowNames: [String: SourceLocation] = [:]
    private var nextLeafID = 0
    private var patterns: [String: Pattern] = [:]
    private var file = ""
    private var lint = LintSettings()

    /// Where conditions are being read, for messages and for what is allowed there.
    private enum Place {
        case metric(String)
        case enterWhen(String)

        var name: String {
            switch self {
            case let .metric(n): return "metric '\(n)'"
            case let .enterWhen(n): return "flow '\(n)'"
            }
        }
    }

    func finish() throws(RuleErrors) -> RuleSet {
        if !errors.isEmpty {
            // Report in reading order: file by file, then by position (a stable sort keeps
            // the order of errors found at one position).
            let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let sorted = errors.enumerated().sorted { a, b in
                let ka = (fileOrder[a.element.location.file] ?? -1, a.element.location.line, a.element.location.column, a.offset)
                let kb = (fileOrder[b.element.location.file] ?? -1, b.element.location.line, b.element.location.column, b.offset)
                return ka < kb
            }
            // A node read twice (a merged mapping, say) reports its error once.
            var seen = Set<String>()
            throw RuleErrors(errors: sorted.map(\.element).filter { seen.insert($0.description).inserted })
        }
        var set = RuleSet(flows: flows, metrics: metrics, files: files, leafCount: nextLeafID)
        set.lint = lint
        return set
    }

    func add(yaml text: String, file: String) {
        self.file = file
        files.append(file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            errors.append(yamlError(error))
            return
        } catch {
            errors.append(RuleError(location: SourceLocation(file: file, line: 1, column: 1), message: "\(error)"))
            return
        }
        guard let root, !isNull(root) else { return }
        if let node = AliasBudget.oversizedNode(in: root) {
            fail(node, "YAML aliases expand this node to more than \(AliasBudget.limit) nodes; a rule file that large is refused (an alias bomb?)")
            return
        }
        guard let top = pairs(root) else {
            fail(root, "a rule file must be a mapping with 'version', 'flows' and 'metrics'")
            return
        }
        for (key, value) in top {
            guard let k = keyName(key) else { continue }
            if isNull(value) { continue }
            switch k {
            case "version":
                if value.tagName != .int || value.int != 1 {
                    fail(value, "unsupported 'version': \(value.scalar?.string ?? "not a number"); this Verdict reads version 1")
                }
            case "flows": readFlows(value)
            case "metrics": readMetrics(value)
            case "lint": readLint(value)
            default: fail(key, Suggestion.unknownKey(k, expected: RuleKeys.top))
            }
        }
    }

    // MARK: Lint settings

    /// `lint: {disable: [check-id, ...], synonyms: [[word, word, ...], ...]}`.
    private func readLint(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "'lint' must be a mapping with 'disable' and 'synonyms'")
            return
        }
        for (key, value) in mapping {
            guard let k = keyName(key) else { continue }
            if isNull(value) { continue }
            switch k {
            case "disable":
                guard let items = value.sequence else {
                    fail(value, "'lint.disable' must be a list of check ids")
                    continue
                }
                for item in items {
                    guard let id = string(item, what: "a check id") else { continue }
                    if LintCheckID(rawValue: id) == nil {
                        let ids = LintCheckID.allCases.map(\.rawValue)
                        let hint = Suggestion.closest(to: id, in: ids).map { " (did you mean '\($0)'?)" } ?? "; checks: " + ids.joined(separator: ", ")
                        fail(item, "unknown lint check '\(id)'\(hint)")
                    } else if !lint.disabled.contains(id) {
                        lint.disabled.append(id)
                    }
                }
            case "synonyms":
                guard let groups = value.sequence else {
                    fail(value, "'lint.synonyms' must be a list of word lists, such as [[refund, reimbursement]]")
                    continue
                }
                for group in groups {
                    guard let words = group.sequence, words.count >= 2 else {
                        fail(group, "a synonym group must list at least two words")
                        continue
                    }
                    lint.synonyms.append(words.compactMap { string($0, what: "a word")?.lowercased() })
                }
            default:
                fail(key, Suggestion.unknownKey(k, expected: RuleKeys.lint))
            }
        }
    }

    // MARK: Flows and metrics

    private func readFlows(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "'flows' must be a mapping from flow names to their 'enter_when'")
            return
        }
        for (key, value) in mapping {
            guard let name = string(key, what: "a flow name") else { continue }
            if let first = flowNames[name] {
                fail(key, "flow '\(name)' is declared twice (first at \(first))")
                continue
            }
            flowNames[name] = location(key)
            guard let body = pairs(value) else {
                fail(value, "flow '\(name)' must be a mapping with 'enter_when'")
                continue
            }
            var enterWhen: [Leaf]?
            var seen = false
            for (k, v) in body {
                guard let kn = keyName(k) else { continue }
                guard kn == "enter_when" else {
                    fail(k, Suggestion.unknownKey(kn, expected: RuleKeys.flow))
                    continue
                }
                if isNull(v) { continue }
                seen = true
                enterWhen = readEnterWhen(v, flow: name)
            }
            if !seen { fail(key, "flow '\(name)' has no 'enter_when'") }
            if let enterWhen {
                flows.append(FlowDefinition(name: name, enterWhen: enterWhen, location: location(key)))
            }
        }
    }

    private func readEnterWhen(_ node: Node, flow: String) -> [Leaf]? {
        let place = Place.enterWhen(flow)
        if let mapping = pairs(node), mapping.count == 1, let (k, v) = mapping.first, keyName(k) == "any" {
            guard let items = v.sequence, !items.isEmpty else {
                fail(v, "\(place.name): 'any' needs a non-empty list of leaves")
                return nil
            }
            var leaves: [Leaf] = []
            var ok = true
            for item in items {
                if let leaf = readLeafOnly(item, place: place, inSequence: false) { leaves.append(leaf) } else { ok = false }
            }
            return ok ? leaves : nil
        }
        return readLeafOnly(node, place: place, inSequence: false).map { [$0] }
    }

    private func readMetrics(_ node: Node) {
        guard let items = node.sequence else {
            fail(node, "'metrics' must be a list")
            return
        }
        for item in items { readMetric(item) }
    }

    private func readMetric(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "a metric must be a mapping with 'name', 'type', 'definition' and its conditions")
            return
        }
        var fields: [String: (key: Node, value: Node)] = [:]
        for (k, v) in mapping {
            guard let kn = keyName(k) else { continue }
            guard RuleKeys.metric.contains(kn) else {
                fail(k, Suggestion.unknownKey(kn, expected: RuleKeys.metric))
                continue
            }
            if isNull(v) { continue }
            fields[kn] = (k, v)
        }
        let errorCount = errors.count
        guard let nameNode = fields["name"]?.value else {
            fail(node, "a metric needs a 'name'")
            return
        }
        guard let name = string(nameNode, what: "'name'") else { return }
        if name.isEmpty { fail(nameNode, "a metric's 'name' must not be empty") }
        let place = Place.metric(name)
        if let first = metricNames[name] {
            fail(nameNode, "metric '\(name)' is defined twice (first at \(first))")
        } else {
            metricNames[name] = location(nameNode)
        }

        var isBoolean = true
        if let t = fields["type"]?.value {
            switch string(t, what: "'type'") {
            case "boolean"?: isBoolean = true
            case "categorical"?: isBoolean = false
            case let other?: fail(t, "\(place.name): 'type' must be 'boolean' or 'categorical', not '\(other)'")
            case nil: break
            }
        } else {
            fail(node, "\(place.name) needs a 'type' (boolean or categorical)")
        }
        var definition = ""
        if let d = fields["definition"]?.value {
            definition = string(d, what: "'definition'") ?? ""
        } else {
            fail(node, "\(place.name) needs a 'definition' that says what it measures")
        }
        var scope = MetricScope.afterTrigger
        if let s = fields["scope"]?.value, let text = string(s, what: "'scope'") {
            if let parsed = MetricScope(rawValue: text) { scope = parsed } else {
                fail(s, "\(place.name): 'scope' must be 'after_trigger' or 'conversation', not '\(text)'")
            }
        }
        var activeFrom: Timestamp?
        if let a = fields["active_from"]?.value {
            if let text = a.scalar?.string, let t = Timestamp.parseDateOrDateTime(text) {
                activeFrom = t
            } else {
                fail(a, "\(place.name): 'active_from' must be a date (2026-03-15) or an RFC 3339 time")
            }
        }
        let appliesWhen = fields["applies_when"].flatMap { readCondition($0.value, place: place) }

        var body: Metric.Body?
        if isBoolean {
            for k in ["labels", "otherwise"] {
                if let f = fields[k] { fail(f.key, "\(place.name) is boolean: '\(k)' belongs to categorical metrics; use 'when'") }
            }
            if let w = fields["when"] {
                body = readCondition(w.value, place: place).map { .boolean($0) }
            } else {
                fail(node, "\(place.name) is boolean and needs 'when'")
            }
        } else {
            if let w = fields["when"] { fail(w.key, "\(place.name) is categorical: use 'labels' (and 'otherwise'), not 'when'") }
            var otherwise: String?
            if let o = fields["otherwise"]?.value { otherwise = string(o, what: "'otherwise'") }
            if let l = fields["labels"]?.value {
                if let labels = readLabels(l, place: place) { body = .categorical(labels: labels, otherwise: otherwise) }
            } else {
                fail(node, "\(place.name) is categorical and needs 'labels'")
            }
        }
        guard errors.count == errorCount, let body else {
            // Every path that leaves the body unread reports why; this guards against a silent drop.
            if errors.count == errorCount { fail(node, "\(place.name) could not be read") }
            return
        }
        metrics.append(Metric(name: name, definition: definition, appliesWhen: appliesWhen, scope: scope,
                              activeFrom: activeFrom, body: body, location: location(node)))
    }

    private func readLabels(_ node: Node, place: Place) -> [Label]? {
        guard let items = node.sequence, !items.isEmpty else {
            fail(node, "\(place.name): 'labels' must be a non-empty list of {label, when}")
            return nil
        }
        var labels: [Label] = []
        var ok = true
        for item in items {
            guard let mapping = pairs(item) else {
                fail(item, "\(place.name): each label must be a mapping with 'label' and 'when'")
                ok = false
                continue
            }
            var name: String?
            var when: Condition?
            var sawLabel = false, sawWhen = false
            for (k, v) in mapping {
                guard let kn = keyName(k) else { ok = false; continue }
                if isNull(v) { continue }
                switch kn {
                case "label": sawLabel = true; name = string(v, what: "'label'")
                case "when": sawWhen = true; when = readCondition(v, place: place)
                default: fail(k, Suggestion.unknownKey(kn, expected: RuleKeys.label)); ok = false
                }
            }
            if !sawLabel { fail(item, "\(place.name): each label needs 'label'") }
            if !sawWhen { fail(item, "\(place.name): label '\(name ?? "?")' needs 'when'") }
            if let name, let when { labels.append(Label(label: name, when: when)) } else { ok = false }
        }
        return ok ? labels : nil
    }

    // MARK: Conditions

    private func readCondition(_ node: Node, place: Place) -> Condition? {
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): a condition must be a mapping with one kind (\(RuleKeys.leafKinds.joined(separator: ", ")), all, any, not or sequence)")
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
            let leaves = items.map { readLeafOnly($0, place: place, inSequence: true) }
            guard ok, leaves.allSatisfy({ $0 != nil }) else { return nil }
            return .sequence(leaves.map { $0! }, withinTurns: within)
        default:
            return readLeaf(kind: kind, kindKey: kindKey, value: kindValue, rest: rest, place: place, inSequence: false).map { .leaf($0) }
        }
    }

    /// A condition that must be a leaf: in `enter_when` and inside `sequence`.
    private func readLeafOnly(_ node: Node, place: Place, inSequence: Bool) -> Leaf? {
        let where_ = inSequence ? "inside 'sequence'" : "in 'enter_when'"
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): \(where_) each item must be a leaf condition (a mapping such as {agent: PATTERN})")
            return nil
        }
        guard let (kindKey, kindValue, rest) = splitKind(mapping, node: node, place: place) else { return nil }
        let kind = keyName(kindKey)!
        if RuleKeys.combinators.contains(kind) {
            let allowed = inSequence ? "only leaves may stand in a sequence" : "only a leaf or an 'any' of leaves may stand there"
            fail(kindKey, "\(place.name): '\(kind)' is not allowed \(where_); \(allowed)")
            return nil
        }
        return readLeaf(kind: kind, kindKey: kindKey, value: kindValue, rest: rest, place: place, inSequence: inSequence)
    }

    /// Finds the one kind key of a condition mapping; reports unknown keys, none or several kinds.
    private func splitKind(_ mapping: [(Node, Node)], node: Node, place: Place) -> (Node, Node, [(Node, Node)])? {
        var kinds: [(Node, Node)] = []
        var rest: [(Node, Node)] = []
        var ok = true
        for (k, v) in mapping {
            guard let kn = keyName(k) else { ok = false; continue }
            if !RuleKeys.condition.contains(kn) {
                fail(k, "\(place.name): " + Suggestion.unknownKey(kn, expected: RuleKeys.leafKinds + RuleKeys.combinators + RuleKeys.modifiers))
                ok = false
                continue
            }
            if RuleKeys.leafKinds.contains(kn) || RuleKeys.combinators.contains(kn) {
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
            fail(node, "\(place.name): a condition needs one kind: \((RuleKeys.leafKinds + RuleKeys.combinators).joined(separator: ", "))")
            return nil
        }
        if kinds.count > 1 {
            let names = kinds.map { "'\(keyName($0.0)!)'" }.joined(separator: " and ")
            fail(kinds[1].0, "\(place.name): a condition has exactly one kind, this one has \(names); combine them with 'all' or 'any'")
            return nil
        }
        return (kinds[0].0, kinds[0].1, rest)
    }

    private func noModifiers(_ rest: [(Node, Node)], on kind: String, place: Place) -> Bool {
        for (k, _) in rest {
            fail(k, "\(place.name): '\(keyName(k)!)' does not apply to '\(kind)'; modifiers belong on leaves")
        }
        return rest.isEmpty
    }

    private func readLeaf(kind: String, kindKey: Node, value: Node, rest: [(Node, Node)], place: Place, inSequence: Bool) -> Leaf? {
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
                let owner: String
                switch kn {
                case "args", "result", "failed": owner = "'function' leaves"
                case "step": owner = "'flow' leaves"
                default: owner = "'metric' and 'state' leaves"
                }
                fail(k, "\(place.name): '\(kn)' does not apply to '\(kind)'; it belongs to \(owner)")
            } else if enterWhen, kn == "in_flow" || kn == "count" {
                fail(k, "\(place.name): '\(kn)' is not allowed in 'enter_when'")
            } else if inSequence, kn == "count" {
                fail(k, "\(place.name): 'count' is not allowed on a leaf inside 'sequence'")
            } else {
                mods[kn] = v
            }
        }
        guard errors.count == before else { return nil }

        var leafKind: Leaf.Kind?
        switch kind {
        case "user", "agent", "said":
            if let p = pattern(value, what: "'\(kind)'", place: place) {
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
            if value.tagName == .bool {
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
        if let f = mods["in_flow"] { leaf.inFlow = string(f, what: "'in_flow'") }
        if let t = mods["turns"] { leaf.turns = range(t, what: "turns", place: place) }
        if let s = mods["seconds"] { leaf.seconds = range(s, what: "seconds", place: place) }
        if let c = mods["count"] { leaf.count = count(c, place: place) }
        guard errors.count == before else { return nil }
        nextLeafID += 1
        return leaf
    }

    private func range(_ node: Node, what: String, place: Place) -> (lower: Double, upper: Double?)? {
        guard let items = node.sequence, (1...2).contains(items.count) else {
            fail(node, "\(place.name): '\(what)' must be a list [A, B] or [A]")
            return nil
        }
        let numbers = items.map { number($0) }
        for (item, n) in zip(items, numbers) where n == nil {
            fail(item, "\(place.name): '\(what)' bounds must be numbers")
            return nil
        }
        return (numbers[0]!, items.count == 2 ? numbers[1]! : nil)
    }

    private func count(_ node: Node, place: Place) -> Leaf.Count? {
        if let mapping = pairs(node) {
            var c = Leaf.Count(atLeast: 0, atMost: nil)
            var ok = true
            for (k, v) in mapping {
                guard let kn = keyName(k) else { ok = false; continue }
                if isNull(v) { continue }
                switch kn {
                case "at_least": if let n = nonNegativeInt(v, what: "'at_least'", place: place) { c.atLeast = n } else { ok = false }
                case "at_most": if let n = nonNegativeInt(v, what: "'at_most'", place: place) { c.atMost = n } else { ok = false }
                default: fail(k, "\(place.name): " + Suggestion.unknownKey(kn, expected: RuleKeys.count)); ok = false
                }
            }
            return ok ? c : nil
        }
        return nonNegativeInt(node, what: "'count'", place: place).map { Leaf.Count(atLeast: $0, atMost: nil) }
    }

    private func nonNegativeInt(_ node: Node, what: String, place: Place) -> Int? {
        if node.tagName == .int, let n = node.int, n >= 0 { return n }
        fail(node, "\(place.name): \(what) must be a whole number, 0 or more")
        return nil
    }

    // MARK: Matchers

    private func matcher(_ node: Node, place: Place) -> Matcher? {
        switch node {
        case .scalar:
            return .equals(literal(node))
        case .sequence:
            return .equals(literal(node))
        case .mapping:
            let mapping = pairs(node) ?? []
            let names = mapping.map { self.keyName($0.0) }
            guard names.allSatisfy({ $0 != nil }) else { return nil }
            let ops = names.filter { RuleKeys.operators.contains($0!) }
            if ops.isEmpty { return pathMatcher(node, place: place) }
            if ops.count != names.count {
                let paths = names.compactMap { $0 }.filter { !RuleKeys.operators.contains($0) }
                fail(node, "\(place.name): a matcher mixes operators (\(ops.map { $0! }.joined(separator: ", "))) with paths (\(paths.joined(separator: ", "))); nest the operators under their path")
                return nil
            }
            var result: [Matcher.Operator] = []
            var ok = true
            for (k, v) in mapping {
                if let op = matcherOperator(keyName(k)!, v, place: place) { result.append(op) } else { ok = false }
            }
            return ok ? .operators(result) : nil
        case .alias:
            fail(node, "\(place.name): unsupported YAML alias")
            return nil
        }
    }

    private func matcherOperator(_ name: String, _ v: Node, place: Place) -> Matcher.Operator? {
        switch name {
        case "regex":
            return pattern(v, what: "'regex'", place: place).map { .regex($0) }
        case "in":
            guard let items = v.sequence else {
                fail(v, "\(place.name): 'in' must be a list of values")
                return nil
            }
            return .oneOf(items.map { literal($0) })
        case "exists":
            guard v.tagName == .bool, let b = v.bool else {
                fail(v, "\(place.name): 'exists' must be true or false")
                return nil
            }
            return .exists(b)
        case "gt", "gte", "lt", "lte":
            guard let n = number(v) else {
                fail(v, "\(place.name): '\(name)' must be a number")
                return nil
            }
            switch name {
            case "gt": return .greaterThan(n)
            case "gte": return .greaterOrEqual(n)
            case "lt": return .lessThan(n)
            default: return .lessOrEqual(n)
            }
        default:
            return matcher(v, place: place).map { .not($0) }
        }
    }

    /// A mapping read as paths whatever its keys (so `args: {regex: x}` names an argument).
    private func pathMatcher(_ node: Node, place: Place) -> Matcher? {
        guard let mapping = pairs(node) else { return nil }
        var entries: [(path: [String], matcher: Matcher)] = []
        var ok = true
        for (k, v) in mapping {
            guard let key = keyName(k) else { ok = false; continue }
            let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if path.contains(where: \.isEmpty) {
                fail(k, "\(place.name): path '\(key)' has an empty segment")
                ok = false
                continue
            }
            if let m = matcher(v, place: place) { entries.append((path, m)) } else { ok = false }
        }
        return ok ? .paths(entries) : nil
    }

    /// A YAML value as the JSON value it stands for.
    private func literal(_ node: Node) -> JSONValue {
        switch node {
        case let .scalar(s):
            switch node.tagName {
            case .null: return .null
            case .bool: return node.bool.map { .bool($0) } ?? .string(s.string)
            case .int:
                if let i = node.int { return .number(Double(i), literal: String(i)) }
                return .string(s.string)
            case .float:
                if let d = node.float { return .number(d) }
                return .string(s.string)
            default: return .string(s.string)
            }
        case let .sequence(items):
            return .array(items.map { literal($0) })
        case let .mapping(m):
            return .object(JSONObject(m.map { (key: $0.key.scalar?.string ?? "", value: literal($0.value)) }))
        case .alias:
            return .null
        }
    }

    private func number(_ node: Node) -> Double? {
        switch node.tagName {
        case .int: return node.int.map(Double.init)
        case .float: return node.float
        default: return nil
        }
    }

    // MARK: Scalars, patterns, locations

    private func pattern(_ node: Node, what: String, place: Place) -> Pattern? {
        guard let text = string(node, what: what) else { return nil }
        if let p = patterns[text] { return p }
        do {
            let p = try Pattern(text)
            patterns[text] = p
            return p
        } catch {
            fail(node, "\(place.name): pattern '\(text)' does not compile: \(error.message) at offset \(error.offset)")
            return nil
        }
    }

    /// A mapping's pairs with YAML merge keys (`<<: *defaults`, or a list of them) expanded:
    /// keys written in the mapping win over merged ones, and earlier merged mappings over later.
    /// nil when the node is not a mapping.
    private func pairs(_ node: Node, depth: Int = 0) -> [(Node, Node)]? {
        guard let mapping = node.mapping else { return nil }
        var own: [(Node, Node)] = []
        var merged: [(Node, Node)] = []
        for (k, v) in mapping {
            guard k.tagName == .merge else {
                own.append((k, v))
                continue
            }
            let sources = v.mapping != nil ? [v] : (v.sequence.map(Array.init) ?? [v])
            for source in sources {
                guard depth < 32, let inner = pairs(source, depth: depth + 1) else {
                    fail(source, "a merge key ('<<') takes a mapping or a list of mappings")
                    continue
                }
                merged += inner
            }
        }
        var seen = Set(own.compactMap { $0.0.scalar?.string })
        var result = own
        for (k, v) in merged where seen.insert(k.scalar?.string ?? "").inserted {
            result.append((k, v))
        }
        return result
    }

    private func keyName(_ node: Node) -> String? {
        guard let s = node.scalar else {
            fail(node, "keys must be plain strings")
            return nil
        }
        return s.string
    }

    /// A YAML string, or an error saying what was expected.
    private func string(_ node: Node, what: String) -> String? {
        if let s = node.scalar, node.tagName == .str { return s.string }
        let found: String
        switch node {
        case let .scalar(s): found = "\(node.tagName.rawValue.replacingOccurrences(of: "tag:yaml.org,2002:", with: "")) '\(s.string)'"
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        }
        fail(node, "\(what) must be a string, found \(found) (quote it)")
        return nil
    }

    private func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.tagName == .null { return true }
        return false
    }

    private func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    private func fail(_ node: Node, _ message: String) {
        errors.append(RuleError(location: location(node), message: message))
    }

    private func yamlError(_ error: YamlError) -> RuleError {
        func at(_ mark: Mark, _ message: String) -> RuleError {
            RuleError(location: SourceLocation(file: file, line: mark.line, column: mark.column), message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let extra = context.map { " (\($0.text))" } ?? ""
            return at(mark, "invalid YAML: \(problem)\(extra)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return at(context.mark, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping")
        default:
            return RuleError(location: SourceLocation(file: file, line: 1, column: 1), message: "invalid YAML: \(error)")
        }
    }
}

extension Node {
    /// The resolved tag's name (Yams keeps `Tag.name` internal; its description is the name).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.description) }
}
