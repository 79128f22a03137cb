import Yams

/// Reading value expressions, the `value` of number metrics (SPEC 1.1 §5.1).
extension RuleBuilder {
    func readValueExpression(_ node: Node, place: Place) -> ValueExpression? {
        guard let mapping = pairs(node) else {
            fail(node, "\(place.name): 'value' must be a mapping with one of: " + ValueExpression.keys.joined(separator: ", "))
            return nil
        }
        var kinds: [(key: Node, name: String, value: Node)] = []
        var path: (key: Node, value: Node)?
        var ok = true
        for (k, v) in mapping {
            guard let kn = keyName(k) else { ok = false; continue }
            if kn == "path" {
                path = (k, v)
            } else if ValueExpression.keys.contains(kn) {
                kinds.append((k, kn, v))
            } else {
                failUnknownKey(k, kn, expected: ValueExpression.keys + ["path"], in: place.name)
                ok = false
            }
        }
        guard ok else { return nil }
        guard kinds.count == 1, let kind = kinds.first else {
            if kinds.isEmpty {
                fail(node, "\(place.name): 'value' needs one of: " + ValueExpression.keys.joined(separator: ", "))
            } else {
                fail(kinds[1].key, "\(place.name): 'value' takes one expression, found " + kinds.map { "'\($0.name)'" }.joined(separator: " and "))
            }
            return nil
        }
        if let path, kind.name != "value_of" {
            fail(path.key, "\(place.name): 'path' goes with 'value_of' only")
            return nil
        }
        switch kind.name {
        case "hits":
            return readLeafOnly(kind.value, place: place, site: .value).map { .hits($0) }
        case "turns_between", "seconds_between":
            guard let items = kind.value.sequence, items.count == 2 else {
                fail(kind.value, "\(place.name): '\(kind.name)' takes a list of two leaves [A, B]")
                return nil
            }
            let a = readLeafOnly(items[0], place: place, site: .value)
            let b = readLeafOnly(items[1], place: place, site: .value)
            guard let a, let b else { return nil }
            return kind.name == "turns_between" ? .turnsBetween(a, b) : .secondsBetween(a, b)
        case "value_of":
            guard let leaf = readLeafOnly(kind.value, place: place, site: .value) else { return nil }
            var segments: [String] = []
            if let path {
                guard let text = string(path.value, what: "'path'") else { return nil }
                segments = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard !segments.contains(where: \.isEmpty) else {
                    fail(path.value, "\(place.name): 'path' must be dot-separated names, none empty (result.total), not '\(text)'")
                    return nil
                }
            }
            switch leaf.kind {
            case .metric, .state:
                return .valueOf(leaf, path: segments)
            case .function:
                guard let first = segments.first, first == "args" || first == "result" else {
                    let at = path?.value ?? kind.key
                    fail(at, "\(place.name): 'value_of' a function needs a 'path' that starts with 'args' or 'result' (result.total)")
                    return nil
                }
                return .valueOf(leaf, path: segments)
            default:
                fail(kind.value, "\(place.name): 'value_of' takes a 'metric', 'state' or 'function' leaf, not '\(leaf.kind.key)'")
                return nil
            }
        default:
            guard kind.value.tagName == .bool, kind.value.bool == true else {
                fail(kind.value, "\(place.name): 'duration' takes only true")
                return nil
            }
            return .duration
        }
    }
}
