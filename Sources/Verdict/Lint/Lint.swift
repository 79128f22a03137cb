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
    case phraseLists = "phrase-lists"
}

/// One piece of advice, at a place in a rule file: a `Diagnostic` of severity warning, with
/// the check that gave it.
public typealias LintWarning = Diagnostic

extension Diagnostic {
    /// Lint's advice at `location`, from `check`.
    public init(location: SourceLocation, message: String, check: LintCheckID) {
        self.init(location: location, severity: .warning, message: message, check: check)
    }
}

/// An example of a check: rules in YAML, and whether the check must warn on them.
public struct LintExample: Sendable {
    public var yaml: String
    public var warns: Bool
    /// The lines (from 1) the check must warn on, marked `↓` in the example as written, as
    /// SwiftLint marks the spot; the mark itself is not part of `yaml`.
    public var marked: [Int]
    /// With `--fixtures`: the transcripts' names the references check may know.
    public var known: KnownNames?
    /// Where the example is written, so that a failing example is reported there.
    public var filePath: String
    public var fileID: String
    public var line: Int

    public init(warns: Bool, _ yaml: String, known: KnownNames? = nil,
                fileID: String = #fileID, filePath: String = #filePath, line: Int = #line) {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        self.yaml = lines.map { $0.replacingOccurrences(of: "↓", with: "") }.joined(separator: "\n")
        marked = lines.indices.filter { lines[$0].contains("↓") }.map { $0 + 1 }
        self.warns = warns
        self.known = known
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
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
    /// Event types SPEC §1 does not name, by their bytes, with how many conversations had each.
    var unknownTypes: [ExactKey: Int] = [:]

    public init() {}

    /// One warning per unknown event type, sorted by name, worded as `score` words them.
    public var unknownTypeWarnings: [String] {
        unknownTypes.sorted { $0.key.string.utf8.lexicographicallyPrecedes($1.key.string.utf8) }
            .map { Event.Kind.unknownTypeWarning($0.key.string, conversations: $0.value) }
    }

    /// The names in every conversation `source` yields; unreadable ones are passed over.
    public init(gatheringFrom source: some RecordSource) {
        while let raw = source.next() {
            guard case let .success((conversation, _))? = raw.decoded() else { continue }
            add(conversation)
        }
    }

    /// Adds the names a conversation uses.
    public mutating func add(_ conversation: Conversation) {
        for name in conversation.unknownTypes { unknownTypes[ExactKey(name), default: 0] += 1 }
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
protocol LintCheck: Sendable {
    static var id: LintCheckID { get }
    static var summary: String { get }
    static var examples: [LintExample] { get }
    static func check(_ rules: RuleSet, known: KnownNames?, settings: LintSettings) -> [LintWarning]
}

public enum Linter {
    static let checks: [any LintCheck.Type] = [
        NamingCasing.self, NamingSynonyms.self, NamingPrefixes.self, NamingConcise.self,
        Definitions.self, References.self, DeadRules.self, PhraseLists.self,
    ]

    /// `verdict lint --list`: each check's id and description, one a line.
    public static func listing() -> String {
        descriptions.map { id, summary in "\(id.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0))  \(summary)\n" }.joined()
    }

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
        return Diagnostic.ordered(warnings, files: rules.files)
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
