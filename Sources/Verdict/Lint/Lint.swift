import Foundation

/// `verdict lint`: the metrics guide as checks. Each check is one file holding its id, its
/// description and its examples (snippets that must warn and snippets that must not), which
/// the test suite runs.
public enum LintCheckID: String, CaseIterable, Sendable {
    case namingCasing = "naming-casing"
    case namingSynonyms = "naming-synonyms"
    case namingPrefixes = "naming-prefixes"
    case namingConcise = "naming-concise"
    case definition = "definition"
    case references = "references"
    case deadRules = "dead-rules"
}

/// One piece of advice, at a place in a rule file.
public struct LintWarning: Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var check: LintCheckID

    public var description: String { "\(location): warning: \(message) [\(check.rawValue)]" }
}

/// An example of a check: rules in YAML, and whether the check must warn on them.
public struct LintExample: Sendable {
    public var yaml: String
    public var warns: Bool
    /// With `--fixtures`: the transcripts' names the references check may know.
    public var known: KnownNames?

    public init(warns: Bool, _ yaml: String, known: KnownNames? = nil) {
        self.yaml = yaml
        self.warns = warns
        self.known = known
    }
}

/// Names that occur in transcripts (`--fixtures`), for the references check.
public struct KnownNames: Sendable {
    public var functions = Set<String>()
    public var flows = Set<String>()
    public var steps = Set<String>()
    public var intents = Set<String>()
    public var metrics = Set<String>()
    public var stateKeys = Set<String>()

    public init() {}

    /// Adds the names a conversation uses.
    public mutating func add(_ conversation: Conversation) {
        for e in conversation.events {
            switch e.kind {
            case .function: if let n = e.name { functions.insert(n) }
            case .flow:
                if let n = e.name { flows.insert(n) }
                if let s = e.step { steps.insert(s) }
            case .user: intents.formUnion(e.intents)
            case .metric: if let n = e.name { metrics.insert(n) }
            case .state: if let n = e.name { stateKeys.insert(n) }
            default: break
            }
        }
    }
}

/// A check of the metrics guide.
protocol LintCheck {
    static var id: LintCheckID { get }
    static var summary: String { get }
    static var examples: [LintExample] { get }
    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning]
}

public enum Linter {
    static let checks: [any LintCheck.Type] = [
        NamingCasing.self, NamingSynonyms.self, NamingPrefixes.self, NamingConcise.self,
        Definitions.self, References.self, DeadRules.self,
    ]

    /// Every check's id and description, in order.
    public static var descriptions: [(id: LintCheckID, summary: String)] { checks.map { ($0.id, $0.summary) } }

    /// The examples of every check.
    public static var examples: [(id: LintCheckID, example: LintExample)] {
        checks.flatMap { check in check.examples.map { (check.id, $0) } }
    }

    /// Runs every check the rules' `lint:` sections leave on; warnings sorted by place.
    public static func run(_ rules: RuleSet, known: KnownNames? = nil, only: LintCheckID? = nil) -> [LintWarning] {
        var warnings: [LintWarning] = []
        for check in checks where !rules.lint.disabled.contains(check.id.rawValue) && (only == nil || only == check.id) {
            warnings += check.check(rules, known: known, settings: rules.lint)
        }
        let fileOrder = Dictionary(rules.files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        return warnings.enumerated().sorted { a, b in
            let ka = (fileOrder[a.element.location.file] ?? -1, a.element.location.line, a.element.location.column, a.offset)
            let kb = (fileOrder[b.element.location.file] ?? -1, b.element.location.line, b.element.location.column, b.offset)
            return ka < kb
        }.map(\.element).filter { seen.insert($0.description).inserted }
    }
}

/// Words of a name or a definition: lower-cased runs of letters and digits.
func words(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for c in text.lowercased() {
        if c.isLetter || c.isNumber || c == "'" { current.append(c) } else if !current.isEmpty {
            out.append(current)
            current = ""
        }
    }
    if !current.isEmpty { out.append(current) }
    return out
}

extension Metric {
    /// "Auth" for "Auth: outcome"; nil without a `Prefix: ` form.
    var prefix: String? {
        guard let colon = name.firstIndex(of: ":"), name[name.index(after: colon)...].hasPrefix(" ") else { return nil }
        let p = name[..<colon].trimmingCharacters(in: .whitespaces)
        return p.isEmpty ? nil : p
    }

    /// The name after its prefix.
    var baseName: String {
        guard let colon = name.firstIndex(of: ":"), prefix != nil else { return name }
        return name[name.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
