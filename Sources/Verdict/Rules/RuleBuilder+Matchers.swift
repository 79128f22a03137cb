import Yams

/// Reading matchers (`args`, `result`, `value`) and the YAML values they compare with.
extension RuleBuilder {
    // MARK: Matchers

    func matcher(_ node: Node, place: Place) -> Matcher? {
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

    func matcherOperator(_ name: String, _ v: Node, place: Place) -> Matcher.Operator? {
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
    func pathMatcher(_ node: Node, place: Place) -> Matcher? {
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
    func literal(_ node: Node) -> JSONValue {
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

    func number(_ node: Node) -> Double? {
        switch node.tagName {
        case .int: return node.int.map(Double.init)
        case .float: return node.float
        default: return nil
        }
    }
}
