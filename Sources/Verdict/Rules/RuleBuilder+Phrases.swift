import Foundation
import Yams

/// Reading phrase lists (SPEC 1.2 §3.1): `phrases:` at the top of a rule file, inline lists and
/// phrase files, and the `{phrases: NAME}` a text leaf takes instead of a pattern.
extension RuleBuilder {
    /// `phrases: {NAME: [PHRASE, ...] | {file: PATH}, ...}`.
    func readPhrases(_ node: Node) {
        guard let mapping = pairs(node) else {
            fail(node, "'phrases' must be a mapping from list names to lists of phrases or {file: PATH}")
            return
        }
        for (key, value) in mapping {
            guard let name = string(key, what: "a phrase list's name") else { continue }
            guard !name.isEmpty else {
                fail(key, "a phrase list's name must not be empty")
                continue
            }
            if let earlier = phraseListIndex[ExactKey(name)] {
                fail(key, "phrase list '\(name)' is declared twice (first at \(phraseLists[earlier].location))")
                continue
            }
            let phrases: [Phrase]?
            if value.sequence != nil {
                phrases = inlinePhrases(value, list: name)
            } else if pairs(value) != nil {
                phrases = phraseFile(value, list: name)
            } else {
                fail(value, "phrase list '\(name)' must be a list of phrases or {file: PATH}")
                phrases = nil
            }
            guard let phrases else { continue }
            phraseListIndex[ExactKey(name)] = phraseLists.count
            phraseLists.append(PhraseList(name: name, phrases: phrases, location: location(key)))
        }
    }

    private func inlinePhrases(_ node: Node, list: String) -> [Phrase]? {
        let items = node.sequence.map(Array.init) ?? []
        guard !items.isEmpty else {
            fail(node, "phrase list '\(list)' is empty")
            return nil
        }
        var phrases: [Phrase] = []
        var ok = true
        for item in items {
            guard let text = string(item, what: "a phrase of '\(list)'") else { ok = false; continue }
            let words = PhrasePattern.words(text)
            guard !words.isEmpty else {
                fail(item, "phrase list '\(list)' has an empty phrase")
                ok = false
                continue
            }
            phrases.append(Phrase(text: PhrasePattern.trimmed(text), words: words, location: location(item)))
        }
        return ok ? phrases : nil
    }

    /// `{file: PATH}`: one phrase a line, PATH relative to the rule file's folder and inside the
    /// folder the rules were given in.
    private func phraseFile(_ node: Node, list: String) -> [Phrase]? {
        var pathNode: Node?
        for (k, v) in pairs(node) ?? [] {
            guard let kn = keyName(k) else { return nil }
            if kn == "file" { pathNode = v } else {
                failUnknownKey(k, kn, expected: ["file"], in: "phrase list '\(list)'")
                return nil
            }
        }
        guard let pathNode, let path = string(pathNode, what: "phrase list '\(list)': 'file'") else {
            if pathNode == nil { fail(node, "phrase list '\(list)' needs 'file' (or a list of phrases)") }
            return nil
        }
        let problem = { (why: String) -> [Phrase]? in
            self.fail(pathNode, "phrase list '\(list)': file '\(path)' \(why)")
            return nil
        }
        if path.isEmpty { return problem("is empty") }
        if path.hasPrefix("/") { return problem("is an absolute path; give it relative to the rule file's folder") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "yaml" || ext == "yml" { return problem("ends in .\(ext): phrase files are not rule files (use .txt)") }
        let folder = (file as NSString).deletingLastPathComponent
        let joined = folder.isEmpty ? path : folder + "/" + path
        guard Self.isInside(joined, root) else {
            return problem("is outside the rules folder '\(root.isEmpty ? "." : root)'")
        }
        guard let data = FileManager.default.contents(atPath: joined) else { return problem("cannot be read") }
        guard var text = String(data: data, encoding: .utf8) else { return problem("is not valid UTF-8") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let shown = (joined as NSString).standardizingPath
        var phrases: [Phrase] = []
        // Lines end at LF alone (a Swift Character would take CR LF as one).
        for (n, bytes) in Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: bytes, as: UTF8.self)
            let words = PhrasePattern.words(line)
            guard let first = words.first, !first.hasPrefix("#") else { continue }
            phrases.append(Phrase(text: PhrasePattern.trimmed(line), words: words, location: SourceLocation(file: shown, line: n + 1, column: 1)))
        }
        guard !phrases.isEmpty else { return problem("holds no phrase") }
        return phrases
    }

    /// Whether `path` stays inside `folder` once `.` and `..` are resolved, symbolic links
    /// included.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        let cwd = FileManager.default.currentDirectoryPath
        func resolved(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : cwd + "/" + (p.isEmpty ? "." : p)
            return URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().pathComponents
        }
        let inner = resolved(path), outer = resolved(folder)
        return inner.count > outer.count && Array(inner.prefix(outer.count)) == outer
    }

    /// `{phrases: NAME}` or `{phrases: [NAME, ...]}` in a `user`, `agent` or `said` leaf: the
    /// lists, or nil after reporting what is wrong.
    func phraseReference(_ node: Node, kind: String, place: Place) -> (PhraseReference, Pattern)? {
        let mapping = pairs(node) ?? []
        guard mapping.count == 1, let (k, v) = mapping.first, keyName(k) == "phrases" else {
            for (k, _) in mapping where keyName(k) != "phrases" {
                failUnknownKey(k, keyName(k) ?? "", expected: ["phrases"], in: "\(place.name): '\(kind)'")
            }
            if mapping.isEmpty { fail(node, "\(place.name): '\(kind)' takes a pattern or {phrases: NAME}") }
            return nil
        }
        var names: [(String, Node)] = []
        if let items = v.sequence {
            guard !items.isEmpty else {
                fail(v, "\(place.name): 'phrases' needs at least one list name")
                return nil
            }
            for item in items {
                guard let name = string(item, what: "a phrase list's name") else { return nil }
                names.append((name, item))
            }
        } else {
            guard let name = string(v, what: "'phrases'") else { return nil }
            names.append((name, v))
        }
        var lists: [PhraseList] = []
        for (name, at) in names {
            guard let index = phraseListIndex[ExactKey(name)] else {
                let known = phraseLists.map(\.name)
                let hint = Suggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" }
                    ?? (known.isEmpty ? "; declare it under 'phrases:'" : "; lists: " + known.joined(separator: ", "))
                fail(at, "\(place.name): no phrase list named '\(name)'\(hint)")
                return nil
            }
            lists.append(phraseLists[index])
        }
        let reference = PhraseReference(lists: lists)
        let key = lists.map(\.name)
        if let known = phrasePatterns[key] { return (reference, known) }
        do {
            let pattern = try reference.pattern()
            phrasePatterns[key] = pattern
            return (reference, pattern)
        } catch {
            fail(v, "\(place.name): the phrases of \(reference.names) do not compile: \(error.message)")
            return nil
        }
    }
}
