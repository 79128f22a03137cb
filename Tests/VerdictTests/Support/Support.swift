import Foundation
import Testing
@testable import Verdict

extension Trait where Self == ConditionTrait {
    /// For a test that needs what only Linux has (`/dev/full`, util-linux's `script -qec`, Linux
    /// pseudo-terminal ioctls, tmpfs mounts): skipped elsewhere, with the reason shown.
    static func linuxOnly(_ why: Comment) -> Self {
        #if os(Linux)
        return .enabled(if: true, why)
        #else
        return .enabled(if: false, why)
        #endif
    }
}

/// Helpers that keep the tests readable: rules from YAML text, conversations from JSON text.
enum Support {
    /// The repository's root folder: this file is Tests/VerdictTests/Support/Support.swift.
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// One boolean metric, "Greeted": the agent said hello.
    static let greetedRules = """
    metrics:
      - name: Greeted
        type: boolean
        definition: The agent said hello.
        when: {agent: hello}
    """

    /// A conversation "a" in which the agent says hello.
    static let greeting = #"{"id":"a","events":[{"type":"agent","text":"Hello"}]}"#

    /// `count` seeded corruptions of `samples` (taken in turn): one or two bytes removed,
    /// replaced, or `inserts` put in, for differential tests of the one-pass readers.
    static func corruptions(of samples: [String], count: Int, seed: UInt64, inserts: [String]) -> [String] {
        var rng = SeededGenerator(state: seed)
        let pieces = inserts.map { Array($0.utf8) }
        return (0..<count).map { n in
            var bytes = Array(samples[n % samples.count].utf8)
            for _ in 0..<Int.random(in: 1...2, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(contentsOf: pieces[Int.random(in: 0..<pieces.count, using: &rng)], at: at)
                default: bytes[at] = UInt8.random(in: 0x20...0x7E, using: &rng)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static func rules(_ yaml: String) throws -> RuleSet {
        try RuleLoader.load(yaml: yaml, file: "test.yaml")
    }

    /// The rule errors `yaml` produces (empty when it loads).
    static func ruleErrors(_ yaml: String) -> [String] {
        do {
            _ = try RuleLoader.load(yaml: yaml, file: "test.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    static func conversation(_ json: String) throws -> Conversation {
        let result = Array(json.utf8).withUnsafeBufferPointer { ConversationDecoder.decode($0) }
        return try result.get().0
    }

    /// Every record `source` yields, conversions done, as (source without `prefix`, the JSON
    /// text or "! " and the unreadable message).
    static func records(_ source: some RecordSource, strippingPrefix prefix: String) -> [(String, String)] {
        var out: [(String, String)] = []
        while let r = source.next()?.resolved() {
            let name = r.source.hasPrefix(prefix) ? String(r.source.dropFirst(prefix.count)) : r.source
            if case let .unreadable(message) = r.payload {
                out.append((name, "! " + message))
            } else {
                out.append((name, String(decoding: r.bytes!, as: UTF8.self)))
            }
        }
        return out
    }

    /// Scores one conversation, given as JSON, against rules given as YAML.
    static func score(_ yaml: String, _ json: String) throws -> ConversationResult {
        let rules = try rules(yaml)
        return Evaluator(rules: rules).evaluate(try conversation(json))
    }

    /// A conversation from compact event literals: `events([...])` wraps them with an id.
    static func events(_ list: String, id: String = "c1") -> String {
        "{\"id\": \"\(id)\", \"events\": [\(list)]}"
    }

    /// One boolean metric named "m" with the given `when` (YAML flow mapping) and extra lines.
    static func booleanMetric(_ when: String, extra: String = "") -> String {
        """
        metrics:
          - name: m
            type: boolean
            definition: test metric
            when: \(when)
        \(extra)
        """
    }

    /// The value of boolean metric "m" for the events, or its status when not ok.
    static func check(_ when: String, _ events: String, flows: String = "") throws -> String {
        let yaml = flows + "\n" + booleanMetric(when)
        let result = try score(yaml, Support.events(events))
        return result.metrics[0].display
    }
}

/// Runs the built `verdict` binary.
enum CLI {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("verdict"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("verdict"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("verdict"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    @discardableResult
    static func run(_ arguments: [String], in directory: URL = Support.root, stdin: Data? = nil,
                    executable: URL = CLI.binary, environment: [String: String] = [:]) throws -> Run {
        let scratch = try folder([:])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        let inURL = scratch.appendingPathComponent("stdin")
        try (stdin ?? Data()).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.currentDirectoryURL = directory
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs a shell script with `$VERDICT` set to the binary, for pipes and closed descriptors.
    static func shell(_ script: String, in directory: URL) throws -> Run {
        try run(["-c", script], in: directory, executable: URL(fileURLWithPath: "/bin/sh"),
                environment: ["VERDICT": binary.path])
    }

    /// A fresh temporary folder holding the given files (relative path → bytes).
    static func folder(bytes files: [String: [UInt8]]) throws -> URL {
        let dir = try folder([:])
        for (path, contents) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents).write(to: url)
        }
        return dir
    }

    /// A fresh temporary folder holding the given files (relative path → contents).
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-test-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
