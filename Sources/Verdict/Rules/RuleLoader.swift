import Foundation
import Yams

/// Reads rule files (SPEC §2) into a `RuleSet`, collecting every error with its file, line and
/// column instead of stopping at the first.
public enum RuleLoader {
    /// Loads files and folders (walked recursively, `.yaml`/`.yml`, sorted by path) in the given order.
    public static func load(paths: [String]) throws(RuleErrors) -> RuleSet {
        let builder = RuleBuilder()
        for path in paths {
            // Phrase files must stay inside the folder given (or a named file's folder).
            var isFolder: ObjCBool = false
            let root = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                ? path : (path as NSString).deletingLastPathComponent
            switch FileWalker.walk(path, extensions: ["yaml", "yml"]) {
            case let .failure(problem):
                builder.errors.append(RuleError(location: SourceLocation(file: path, line: 1, column: 1),
                                                message: "cannot read rules: \(problem.message)"))
            case let .success(files):
                if files.isEmpty { builder.errors.append(RuleLoader.noRuleFile(in: path)) }
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
                    builder.add(yaml: text, file: file, root: root)
                }
            }
        }
        return try builder.finish()
    }

    /// The error for a rules path that holds no `.yaml` or `.yml` file: an empty folder, or one
    /// whose rule files end in `.YAML` (the walk, like the disk, tells case apart), which it
    /// names with the rename that would fix it.
    static func noRuleFile(in path: String) -> RuleError {
        var message = "no rule file (.yaml or .yml) in '\(path)'"
        let near = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        let misnamed = near.filter { name in
            let ext = (name as NSString).pathExtension
            return ext != "yaml" && ext != "yml" && ["yaml", "yml"].contains(ext.lowercased())
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let first = misnamed.first {
            let ext = (first as NSString).pathExtension
            let renamed = (first as NSString).deletingPathExtension + "." + ext.lowercased()
            message += "; '\(first)' ends in '.\(ext)': rename it to '\(renamed)'"
            if misnamed.count > 1 { message += " (and \(misnamed.count - 1) more like it)" }
        }
        return RuleError(location: SourceLocation(file: path, line: 1, column: 1), message: message)
    }

    /// Loads rules from YAML text; `file` names it in errors.
    public static func load(yaml: String, file: String = "rules.yaml") throws(RuleErrors) -> RuleSet {
        let builder = RuleBuilder()
        builder.add(yaml: yaml, file: file, root: (file as NSString).deletingLastPathComponent)
        return try builder.finish()
    }
}

final class RuleBuilder {
    var errors: [RuleError] = []
    var flows: [FlowDefinition] = []
    var metrics: [Metric] = []
    var files: [String] = []
    // Names compared by their bytes: 'Café' in NFC and in NFD are two metrics.
    var metricNames: [ExactKey: SourceLocation] = [:]
    var flowNames: [ExactKey: SourceLocation] = [:]
    var nextLeafID = 0
    var patterns: [String: Pattern] = [:]
    /// Phrase lists by name (read from every file before any metric), and the pattern of each
    /// combination of lists a leaf names.
    var phraseLists: [PhraseList] = []
    var phraseListIndex: [ExactKey: Int] = [:]
    var phrasePatterns: [[String]: Pattern] = [:]
    /// Rule files read, waiting for `finish`: phrase lists are read from all of them first, so
    /// that a metric may name a list declared in any file.
    private var documents: [(file: String, root: String, top: [(Node, Node)])] = []
    /// The folder phrase files of the file being read must stay inside.
    var root = ""

    var file = ""
    var lint = LintSettings()
    /// Where each condition node was read, in reading order (depth first); a metric keeps its
    /// own stretch of it (`MetricLocations.nodes`).
    var nodeMarks: [SourceLocation] = []
    /// Where each label of the metric being read stands.
    var labelMarks: [SourceLocation] = []

    /// Where conditions are being read, for messages and for what is allowed there.
    enum Place {
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
        for document in documents {
            file = document.file
            root = document.root
            for (key, value) in document.top where keyName(key) == "phrases" && !isNull(value) { readPhrases(value) }
        }
        for document in documents {
            file = document.file
            root = document.root
            read(document.top)
        }
        documents = []
        if !errors.isEmpty { throw RuleErrors(errors: Diagnostic.ordered(errors, files: files)) }
        var set = RuleSet(flows: flows, metrics: metrics, files: files, leafCount: nextLeafID)
        set.lint = lint
        set.phraseLists = phraseLists
        return set
    }

    /// Parses one rule file; its keys are read by `finish`.
    func add(yaml text: String, file: String, root rootFolder: String) {
        self.file = file
        files.append(file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            errors.append(yamlError(error, text: text))
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
        documents.append((file, root: rootFolder, top: top))
    }

    private func read(_ top: [(Node, Node)]) {
        for (key, value) in top {
            guard let k = keyName(key) else { continue }
            if isNull(value) { continue }
            switch k {
            case "version":
                if value.tagName != .int || value.int != 1 {
                    fail(value, "unsupported 'version': \(value.scalar?.string ?? "not a number"); this Verdict reads version 1")
                }
            case "phrases": break
            case "flows": readFlows(value)
            case "metrics": readMetrics(value)
            case "lint": readLint(value)
            default: failUnknownKey(key, k, expected: RuleKeys.top)
            }
        }
    }

    // MARK: Scalars, patterns, locations

    func pattern(_ node: Node, what: String, place: Place) -> Pattern? {
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
    func pairs(_ node: Node, depth: Int = 0) -> [(Node, Node)]? {
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

    func keyName(_ node: Node) -> String? {
        guard let s = node.scalar else {
            fail(node, "keys must be plain strings")
            return nil
        }
        return s.string
    }

    /// A YAML string, or an error saying what was expected.
    func string(_ node: Node, what: String) -> String? {
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

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node, node.tagName == .null { return true }
        return false
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func fail(_ node: Node, _ message: String, suggestion: String? = nil) {
        errors.append(RuleError(location: location(node), message: message, suggestion: suggestion))
    }

    /// An unknown key, with the closest known one as a suggestion; `place` prefixes the message.
    func failUnknownKey(_ node: Node, _ key: String, expected: [String], in place: String? = nil) {
        let (message, suggestion) = Suggestion.unknownKey(key, expected: expected)
        fail(node, place.map { "\($0): \(message)" } ?? message, suggestion: suggestion)
    }

    /// What is probably wrong, in plain words, before the parser's own text: the three YAML
    /// mistakes rule authors make most.
    static func likelyCause(_ problem: String, line: Int, in text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let here = line >= 1 && line <= lines.count ? lines[line - 1] : ""
        let before = line >= 2 && line - 1 <= lines.count ? lines[line - 2] : ""
        if here.contains("\t") || (problem.contains("cannot start any token") && before.contains("\t")) {
            return "a tab in the indentation (YAML indents with spaces only); "
        }
        if problem.contains("mapping values are not allowed") {
            return "a value holds ': ' (quote it), or a key is indented under a value; "
        }
        if problem.contains("did not find expected key") || problem.contains("expected <block end>") {
            return "a key is probably indented differently from the keys beside it; "
        }
        return ""
    }

    func yamlError(_ error: YamlError, text: String) -> RuleError {
        func at(_ mark: Mark, _ message: String) -> RuleError {
            RuleError(location: SourceLocation(file: file, line: mark.line, column: mark.column), message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let extra = context.map { " (\($0.text))" } ?? ""
            return at(mark, "invalid YAML: " + RuleBuilder.likelyCause(problem, line: mark.line, in: text) + "\(problem)\(extra)")
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
