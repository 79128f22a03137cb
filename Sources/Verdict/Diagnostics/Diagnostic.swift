/// Where something was written in a rule file.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A message about a place in a rule file: a rule error (`RuleError`) or lint's advice
/// (`LintWarning`), printed as `file:line:column: severity: message (suggestion) [check]`.
public struct Diagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var location: SourceLocation
    public var severity: Severity
    public var message: String
    /// A likely fix, shown after the message: "did you mean 'said'?".
    public var suggestion: String?
    /// The lint check that gave a warning.
    public var check: LintCheckID?

    public init(location: SourceLocation, severity: Severity, message: String, suggestion: String? = nil, check: LintCheckID? = nil) {
        self.location = location
        self.severity = severity
        self.message = message
        self.suggestion = suggestion
        self.check = check
    }

    /// The message with its suggestion, without place or severity.
    public var text: String { suggestion.map { "\(message) (\($0))" } ?? message }

    public var description: String {
        "\(location): \(severity.rawValue): \(text)" + (check.map { " [\($0.rawValue)]" } ?? "")
    }

    /// `list` in reading order — by file (in the order `files` were read), line and column,
    /// keeping the order of messages found at one place — with repeats removed (a node read
    /// twice, through a YAML merge say, reports once).
    public static func ordered(_ list: [Diagnostic], files: [String]) -> [Diagnostic] {
        let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        return list.enumerated().sorted { a, b in
            let ka = (fileOrder[a.element.location.file] ?? -1, a.element.location.line, a.element.location.column, a.offset)
            let kb = (fileOrder[b.element.location.file] ?? -1, b.element.location.line, b.element.location.column, b.offset)
            return ka < kb
        }.map(\.element).filter { seen.insert($0.description).inserted }
    }
}

/// A rule error: a `Diagnostic` of severity error.
public typealias RuleError = Diagnostic

extension Diagnostic {
    /// A rule error at `location`.
    public init(location: SourceLocation, message: String, suggestion: String? = nil) {
        self.init(location: location, severity: .error, message: message, suggestion: suggestion)
    }
}

/// Every error found while loading rules, in file order.
public struct RuleErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [RuleError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
