import Foundation

/// `verdict init`: a starter project — two metrics (one boolean, one categorical) on a derived
/// flow, and four annotated conversations — that passes `verdict test` and lints clean.
public enum Starter {
    /// Relative path → contents: the rules, the schema editors check them against (the first
    /// line of the rule file points at it), and the fixtures.
    public static var files: [(path: String, contents: String)] { [("rules/verdict.schema.json", RuleSchema.json)] + examples }

    static let examples: [(path: String, contents: String)] = [
        ("rules/refunds.yaml", #"""
        # yaml-language-server: $schema=verdict.schema.json
        # A starter rule file: edit the patterns and definitions, then run `verdict test`.
        version: 1
        flows:
          Refund:
            enter_when:
              any:
                - intent: refund
                - function: lookup_order

        metrics:
          - name: "Refund: issued"
            type: boolean
            definition: >-
              True when the agent called issue_refund, the call did not fail, and the agent then
              told the caller the refund was processed. False when no refund was issued, the call
              failed, or the caller was never told. Applies once the Refund flow starts.
            applies_when: {flow: Refund}
            when:
              all:
                - {function: issue_refund, failed: false}
                - sequence:
                    - {function: issue_refund}
                    - {agent: '\brefund\b.*\b(processed|issued|on its way)\b|\b(processed|issued) (a|your|the) refund\b'}

          - name: "Refund: caller reaction"
            type: categorical
            definition: >-
              How the caller reacted once the Refund flow started. complained: the caller called
              the service useless or ridiculous, or asked for a manager. thanked: the caller said
              thanks or thank you. neutral: neither.
            applies_when: {flow: Refund}
            labels:
              - {label: complained, when: {user: '\b(useless|ridiculous|manager)\b'}}
              - {label: thanked, when: {user: '\bthank(s| you)\b'}}
            otherwise: neutral

        """#),
        ("fixtures/refund-issued.json", #"""
        {"id": "R-1", "expect": {"Refund: issued": true, "Refund: caller reaction": "thanked"}, "events": [
          {"type": "agent", "text": "Hi, you're through to support. How can I help?"},
          {"type": "user", "text": "I was charged for an order I returned.", "intents": ["refund"]},
          {"type": "function", "name": "lookup_order", "args": {"order": "A-17"}, "result": {"returned": true}},
          {"type": "function", "name": "issue_refund", "args": {"order": "A-17", "amount": 42.5}, "result": {"status": "ok"}},
          {"type": "agent", "text": "I've processed your refund of 42.50; it will show in 3 days."},
          {"type": "user", "text": "Great, thank you!"}
        ]}

        """#),
        ("fixtures/refund-failed.json", #"""
        {"id": "R-2", "expect": {"Refund: issued": false, "Refund: caller reaction": "complained"}, "events": [
          {"type": "user", "text": "I want my money back for order B-3.", "intents": ["refund"]},
          {"type": "function", "name": "issue_refund", "args": {"order": "B-3"}, "error": "payment provider timeout"},
          {"type": "agent", "text": "Sorry, I couldn't process that right now."},
          {"type": "user", "text": "This is ridiculous. Get me a manager."}
        ]}

        """#),
        ("fixtures/refund-not-told.json", #"""
        {"id": "R-3", "expect": {"Refund: issued": false, "Refund: caller reaction": "neutral"}, "events": [
          {"type": "user", "text": "Where is my refund for C-9?", "intents": ["refund"]},
          {"type": "function", "name": "lookup_order", "args": {"order": "C-9"}, "result": {"returned": true}},
          {"type": "function", "name": "issue_refund", "args": {"order": "C-9"}, "result": {"status": "ok"}},
          {"type": "agent", "text": "Is there anything else I can help with?"},
          {"type": "user", "text": "No."}
        ]}

        """#),
        ("fixtures/no-refund.json", #"""
        {"id": "R-4", "expect": {"Refund: issued": "not_applicable", "Refund: caller reaction": "not_applicable"}, "events": [
          {"type": "user", "text": "What are your opening hours?", "intents": ["hours"]},
          {"type": "agent", "text": "We're open nine to five, Monday to Friday."},
          {"type": "user", "text": "Thanks!"}
        ]}

        """#),
    ]

    /// Writes the starter files under `directory`, all or none: every target is checked first
    /// (none may exist, as a file or a folder), each file is written to a temporary file beside
    /// it, and only when all are written are they renamed into place. On any failure (a full
    /// disk, a folder that is a file) what was written and the folders made are removed, so a
    /// rerun starts clean.
    public static func write(to directory: String) throws -> [String] {
        let fm = FileManager.default
        let base = URL(fileURLWithPath: directory)
        let existing = files.map(\.path).filter { path in
            var st = stat()
            return lstat(base.appendingPathComponent(path).path, &st) == 0
        }
        guard existing.isEmpty else { throw StarterError(message: "\(directory) already has " + existing.joined(separator: ", ") + "; nothing was written") }
        // Folders to make, parents first; each is removed again if anything fails.
        var folders: [URL] = []
        for (path, _) in files {
            var chain: [URL] = []
            var folder = base.appendingPathComponent(path).deletingLastPathComponent()
            while !fm.fileExists(atPath: folder.path) && !chain.contains(folder) && !folders.contains(folder) {
                chain.insert(folder, at: 0)
                folder = folder.deletingLastPathComponent()
            }
            folders += chain
        }
        var made: [URL] = [], pending: [ByteOutput] = [], placed: [String] = []
        func undo() {
            for path in placed { unlink(path) }
            pending.removeAll()  // unplaced temporary files are removed with their writers
            for folder in made.reversed() { rmdir(folder.path) }
        }
        do {
            for folder in folders {
                do { try fm.createDirectory(at: folder, withIntermediateDirectories: false) } catch {
                    throw StarterError(message: "cannot make folder \(folder.path): \(error.localizedDescription)")
                }
                made.append(folder)
            }
            for (path, contents) in files {
                let out = try ByteOutput.file(base.appendingPathComponent(path).path)
                out.write(Array(contents.utf8))
                try out.flush()
                pending.append(out)
            }
            for (out, (path, _)) in zip(pending, files) {
                try out.commit()
                placed.append(base.appendingPathComponent(path).path)
            }
        } catch let error as StarterError {
            undo()
            throw StarterError(message: error.message + "; nothing was written")
        } catch {
            undo()
            throw StarterError(message: "\(error); nothing was written")
        }
        return files.map(\.path)
    }
}

public struct StarterError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
