import Yams

/// Reading the parts of a rule file: `lint:` settings, `flows:` and `metrics:`.
extension RuleBuilder {
    // MARK: Lint settings

    /// `lint: {disable: [check-id, ...], synonyms: [[word, word, ...], ...]}`.
    func readLint(_ node: Node) {
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
                failUnknownKey(key, k, expected: RuleKeys.lint)
            }
        }
    }

    // MARK: Flows and metrics

    func readFlows(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "'flows' must be a mapping from flow names to their 'enter_when'")
            return
        }
        for (key, value) in mapping {
            guard let name = string(key, what: "a flow name") else { continue }
            if let first = flowNames[ExactKey(name)] {
                fail(key, "flow '\(name)' is declared twice (first at \(first))")
                continue
            }
            flowNames[ExactKey(name)] = location(key)
            guard let body = pairs(value) else {
                fail(value, "flow '\(name)' must be a mapping with 'enter_when'")
                continue
            }
            var enterWhen: [Leaf]?
            var seen = false
            for (k, v) in body {
                guard let kn = keyName(k) else { continue }
                guard kn == "enter_when" else {
                    failUnknownKey(k, kn, expected: RuleKeys.flow)
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

    func readEnterWhen(_ node: Node, flow: String) -> [Leaf]? {
        let place = Place.enterWhen(flow)
        if let mapping = pairs(node), mapping.count == 1, let (k, v) = mapping.first, keyName(k) == "any" {
            guard let items = v.sequence, !items.isEmpty else {
                fail(v, "\(place.name): 'any' needs a non-empty list of leaves")
                return nil
            }
            var leaves: [Leaf] = []
            var ok = true
            for item in items {
                if let leaf = readLeafOnly(item, place: place, site: .enterWhen) { leaves.append(leaf) } else { ok = false }
            }
            return ok ? leaves : nil
        }
        return readLeafOnly(node, place: place, site: .enterWhen).map { [$0] }
    }

    func readMetrics(_ node: Node) {
        guard let items = node.sequence else {
            fail(node, "'metrics' must be a list")
            return
        }
        for item in items { readMetric(item) }
    }

    func readMetric(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "a metric must be a mapping with 'name', 'type', 'definition' and its conditions")
            return
        }
        var fields: [String: (key: Node, value: Node)] = [:]
        let firstMark = nodeMarks.count
        labelMarks = []
        // A condition key beside an empty `when:` or `applies_when:` was most likely meant to be
        // indented under it.
        let emptyConditionKey = mapping.first { keyName($0.0).map { ["when", "applies_when"].contains($0) } == true && isNull($0.1) }
            .flatMap { keyName($0.0) }
        for (k, v) in mapping {
            guard let kn = keyName(k) else { continue }
            guard RuleKeys.metric.contains(kn) else {
                if let parent = emptyConditionKey, RuleKeys.condition.contains(kn) {
                    fail(k, "'\(kn)' is not a metric key: is it meant to be indented under '\(parent)', which is empty?")
                } else {
                    failUnknownKey(k, kn, expected: RuleKeys.metric)
                }
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
        if let first = metricNames[ExactKey(name)] {
            fail(nameNode, "metric '\(name)' is defined twice (first at \(first))")
        } else {
            metricNames[ExactKey(name)] = location(nameNode)
        }

        var type = "boolean"
        if let t = fields["type"]?.value {
            switch string(t, what: "'type'") {
            case let known? where ["boolean", "categorical", "number"].contains(known): type = known
            case let other?: fail(t, "\(place.name): 'type' must be 'boolean', 'categorical' or 'number', not '\(other)'")
            case nil: break
            }
        } else {
            fail(node, "\(place.name) needs a 'type' (boolean, categorical or number)")
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
        if type != "number" {
            for k in ["value", "unit"] {
                if let f = fields[k] { fail(f.key, "\(place.name) is \(type): '\(k)' belongs to number metrics") }
            }
        }
        if type == "number" {
            for k in ["when", "labels", "otherwise"] {
                if let f = fields[k] { fail(f.key, "\(place.name) is a number: '\(k)' belongs to \(k == "when" ? "boolean" : "categorical") metrics; use 'value'") }
            }
            var unit: String?
            if let u = fields["unit"]?.value { unit = string(u, what: "'unit'") }
            if let v = fields["value"] {
                body = readValueExpression(v.value, place: place).map { .number($0, unit: unit) }
            } else {
                fail(node, "\(place.name) is a number and needs 'value' (hits, turns_between, seconds_between, value_of or duration)")
            }
        } else if type == "boolean" {
            for k in ["labels", "otherwise"] {
                if let f = fields[k] {
                    // Labels without a `when`: most likely a categorical metric with the wrong type.
                    let hint = fields["when"] == nil ? "; is it meant to be 'type: categorical'?" : "; use 'when'"
                    fail(f.key, "\(place.name) is boolean: '\(k)' belongs to categorical metrics\(hint)")
                }
            }
            if let w = fields["when"] {
                body = readCondition(w.value, place: place).map { .boolean($0) }
            } else if fields["labels"] == nil {
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
        var metric = Metric(name: name, definition: definition, appliesWhen: appliesWhen, scope: scope,
                            activeFrom: activeFrom, body: body, location: location(node))
        metric.locations.nodes = Array(nodeMarks[firstMark...])
        metric.locations.labels = labelMarks
        metric.locations.otherwise = fields["otherwise"].map { location($0.key) }
        metric.locations.scope = fields["scope"].map { location($0.key) }
        metric.locations.appliesWhen = fields["applies_when"].map { location($0.key) }
        metrics.append(metric)
    }

    func readLabels(_ node: Node, place: Place) -> [Label]? {
        guard let items = node.sequence, !items.isEmpty else {
            fail(node, "\(place.name): 'labels' must be a non-empty list of {label, when}")
            return nil
        }
        var labels: [Label] = []
        var ok = true
        labelMarks = []
        for item in items {
            labelMarks.append(location(item))
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
                default: failUnknownKey(k, kn, expected: RuleKeys.label); ok = false
                }
            }
            if !sawLabel { fail(item, "\(place.name): each label needs 'label'") }
            if !sawWhen { fail(item, "\(place.name): label '\(name ?? "?")' needs 'when'") }
            if let name, let when { labels.append(Label(label: name, when: when)) } else { ok = false }
        }
        return ok ? labels : nil
    }
}
