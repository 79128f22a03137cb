/// A dotted path into the `metadata` a result line carries (`metadata.channel`,
/// `metadata.caller.tier`; an all-digit segment indexes an array, as in SPEC §3), and the
/// cohort a line belongs to by it: a string value as it is, any other value as compact JSON
/// (`12`, `true`, `{"a":1}`), and `(none)` where the path leads nowhere or to null.
public struct MetadataPath: Sendable, Equatable {
    /// As given, `metadata.` included.
    public let text: String
    let segments: [String]

    /// The cohort of a line whose path leads nowhere.
    public static let none = "(none)"

    /// nil unless `text` is `metadata.` followed by non-empty dot-separated segments.
    public init?(_ text: String) {
        guard text.hasPrefix("metadata.") else { return nil }
        let segments = text.dropFirst("metadata.".count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !segments.isEmpty, !segments.contains(where: \.isEmpty) else { return nil }
        self.text = text
        self.segments = segments
    }

    public func cohort(of line: ResultLine) -> String { cohort(of: line.metadata) }

    public func cohort(of metadata: JSONValue?) -> String {
        switch Matcher.resolve(segments, in: metadata) {
        case nil, .null?: return MetadataPath.none
        case let .string(s)?: return s
        case let value?:
            var w = JSONWriter()
            w.value(value)
            return String(decoding: w.bytes, as: UTF8.self)
        }
    }

    public static func == (a: MetadataPath, b: MetadataPath) -> Bool { a.text.isExactly(b.text) }
}

/// `--where metadata.PATH=VALUE`: a line is kept when its cohort by PATH is VALUE (by bytes).
public struct MetadataCondition: Sendable {
    public let path: MetadataPath
    public let value: String

    /// nil unless `argument` is `metadata.PATH=VALUE` (split at the first `=`).
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), let path = MetadataPath(String(argument[..<equals])) else { return nil }
        self.path = path
        value = String(argument[argument.index(after: equals)...])
    }

    public func holds(_ line: ResultLine) -> Bool { path.cohort(of: line).isExactly(value) }
}
