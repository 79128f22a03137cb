/// A JSON value as Verdict reads it. Numbers keep the literal they were written with, so that
/// values copied to the output (`logged`) read as in the input; comparisons use the
/// 64-bit floating-point value. Objects keep their key order; a repeated key keeps its first
/// position and its last value.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double, literal: String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Creates a number whose literal is Swift's shortest round-trip form.
    public static func number(_ value: Double) -> JSONValue {
        if value == value.rounded(), abs(value) < 1e15 {
            return .number(value, literal: String(Int64(value)))
        }
        return .number(value, literal: "\(value)")
    }

    /// JSON equality as matchers define it: numbers by value, strings by code points,
    /// arrays element-wise in order, objects by equal key sets with equal values.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a, _), .number(b, _)): return a == b
        case let (.string(a), .string(b)): return a.isExactly(b)
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.pairs.allSatisfy { key, value in b[key].map { $0 == value } ?? false }
        default: return false
        }
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case let .number(d, _) = self { return d }
        return nil
    }

    public var objectValue: JSONObject? {
        if case let .object(o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }
}

/// A JSON object: key-value pairs in the order they were first written.
public struct JSONObject: Sendable {
    public private(set) var pairs: [(key: String, value: JSONValue)]

    public init(_ pairs: [(key: String, value: JSONValue)] = []) {
        self.pairs = []
        for pair in pairs { self[pair.key] = pair.value }
    }

    public var count: Int { pairs.count }

    public subscript(key: String) -> JSONValue? {
        get {
            for pair in pairs where pair.key.isExactly(key) { return pair.value }
            return nil
        }
        set {
            if let i = pairs.firstIndex(where: { $0.key.isExactly(key) }) {
                if let newValue { pairs[i].value = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    mutating func reserveCapacity(_ n: Int) { pairs.reserveCapacity(n) }
    /// Appends without looking for an earlier pair with the same key (the parser checks).
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) { pairs.append((key, value)) }
    mutating func replaceValue(at index: Int, with value: JSONValue) { pairs[index].value = value }
}
