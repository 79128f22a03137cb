/// Which of a conversation's `metadata` a result line keeps (SPEC 1.2 §6, `score --metadata`):
/// all of it (the default), none, or only the named top-level keys, in input order.
public enum MetadataSelection: Sendable, Equatable {
    case all
    case none
    case keys([String])

    /// `all`, `none` or `KEY,KEY,...`; nil for an empty key.
    public init?(argument: String) {
        switch argument {
        case "all": self = .all
        case "none": self = .none
        default:
            let keys = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !keys.contains(where: \.isEmpty) else { return nil }
            self = .keys(keys)
        }
    }

    /// What a result line writes of `metadata`: as read for `all`; for keys, an object with
    /// those of its top-level keys it has, in its own order (`{}` when it has none of them; a
    /// metadata value that is not an object keeps nothing); nil when nothing is written.
    public func kept(_ metadata: JSONValue?) -> JSONValue? {
        guard let metadata, metadata != .null else { return nil }
        switch self {
        case .all: return metadata
        case .none: return nil
        case let .keys(keys):
            guard case let .object(o) = metadata else { return nil }
            return .object(JSONObject(o.pairs.filter { pair in keys.contains { $0.isExactly(pair.key) } }))
        }
    }

    /// The top-level keys that get a CSV column each (`metadata.KEY`), in the order given.
    var csvColumns: [String] {
        if case let .keys(keys) = self { return keys }
        return []
    }
}
