import Foundation
import Testing
@testable import Verdict

/// The README's blocks, run as a reader would run them. A block is checked when the line
/// before it (in the README's source) is one of:
/// - `<!-- file: PATH -->`: the block is a file's contents, written to PATH in a fresh folder
///   (the tutorial's rules and fixtures);
/// - `<!-- checked in the folder above -->`: its `$` commands run in that folder;
/// - `<!-- checked -->`: its `$` commands run in a folder holding the repository's `rules/`,
///   `fixtures/` and `examples/`, one folder for all such blocks, in order (so a block may read
///   what an earlier one wrote, as `results.jsonl`).
/// The output after each `$` command must be the lines shown, where a line `...` stands for
/// any lines (none included). Standard error is not compared.
@Suite("README blocks", .serialized)
struct ReadmeTests {
    struct Block {
        var marker: String
        var lines: [String]
        var line: Int
    }

    static func blocks() throws -> [Block] {
        let text = try String(contentsOf: Support.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var out: [Block] = []
        var i = 0
        while i < lines.count {
            let trimmed = lines[i].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- file: ") || trimmed == "<!-- checked -->" || trimmed == "<!-- checked in the folder above -->",
               i + 1 < lines.count, lines[i + 1].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                let indent = lines[i + 1].prefix { $0 == " " }.count
                var body: [String] = []
                var j = i + 2
                while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" {
                    body.append(String(lines[j].dropFirst(min(indent, lines[j].prefix { $0 == " " }.count))))
                    j += 1
                }
                out.append(Block(marker: trimmed, lines: body, line: i + 2))
                i = j
            }
            i += 1
        }
        return out
    }

    /// Whether `actual` is `expected` with each `...` line standing for any lines.
    static func matches(_ expected: ArraySlice<String>, _ actual: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first.trimmingCharacters(in: .whitespaces) == "..." {
            let rest = expected.dropFirst()
            for k in actual.startIndex...actual.endIndex where matches(rest, actual[k...]) { return true }
            return false
        }
        guard let head = actual.first, head == first else { return false }
        return matches(expected.dropFirst(), actual.dropFirst())
    }

    @Test("every checked block prints what the README shows")
    func blocksRunAsShown() throws {
        let blocks = try Self.blocks()
        #expect(blocks.filter { $0.marker != "<!-- checked in the folder above -->" && !$0.marker.hasPrefix("<!-- file:") }.count >= 3)
        #expect(blocks.contains { $0.marker.hasPrefix("<!-- file:") })
        let bin = CLI.binary.deletingLastPathComponent().path
        var tutorial: URL?, shared: URL?
        var folders: [URL] = []
        defer { for f in folders { try? FileManager.default.removeItem(at: f) } }
        for block in blocks {
            if block.marker.hasPrefix("<!-- file: ") {
                let path = block.marker.dropFirst("<!-- file: ".count).dropLast(" -->".count)
                if tutorial == nil {
                    tutorial = try CLI.folder([:])
                    folders.append(tutorial!)
                }
                let url = tutorial!.appendingPathComponent(String(path))
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data((block.lines.joined(separator: "\n") + "\n").utf8).write(to: url)
                continue
            }
            let folder: URL
            if block.marker == "<!-- checked in the folder above -->" {
                folder = try #require(tutorial, "README line \(block.line): no folder above")
            } else if let shared {
                folder = shared
            } else {
                folder = try CLI.folder([:])
                folders.append(folder)
                for name in ["rules", "fixtures", "examples"] {
                    try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(name),
                                                               withDestinationURL: Support.root.appendingPathComponent(name))
                }
                // The diff and compare examples compare the bundled results before and after
                // the booking rule's within_turns went from 2 to 0, which Tests/Golden/inputs holds.
                for (name, input) in [("results-before.jsonl", "before.jsonl"), ("results-after.jsonl", "after.jsonl")] {
                    try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(name),
                                                               withDestinationURL: Support.root.appendingPathComponent("Tests/Golden/inputs/" + input))
                }
                shared = folder
            }
            // Commands (a trailing backslash continues one) and the output each shows.
            var steps: [(command: String, output: [String])] = []
            var pending = ""
            for line in block.lines {
                if line.hasPrefix("$ ") || !pending.isEmpty {
                    let part = line.hasPrefix("$ ") && pending.isEmpty ? String(line.dropFirst(2)) : line.trimmingCharacters(in: .whitespaces)
                    if part.hasSuffix("\\") {
                        pending += part.dropLast() + " "
                    } else {
                        steps.append((pending + part, []))
                        pending = ""
                    }
                } else if !steps.isEmpty {
                    steps[steps.count - 1].output.append(line)
                }
            }
            for step in steps {
                let run = try CLI.shell("PATH='\(bin)':\"$PATH\"; " + step.command, in: folder)
                var actual = run.stdout.components(separatedBy: "\n")
                if actual.last == "" { actual.removeLast() }
                var expected = step.output
                while expected.last == "" { expected.removeLast() }
                #expect(Self.matches(expected[...], actual[...]),
                        "README line \(block.line): `\(step.command)` printed\n\(actual.prefix(40).joined(separator: "\n"))")
            }
        }
    }

    @Test("every block that shows a command is checked, or says why not")
    func everyCommandBlockMarked() throws {
        let lines = try String(contentsOf: Support.root.appendingPathComponent("README.md"), encoding: .utf8).components(separatedBy: "\n")
        var unmarked: [Int] = []
        var i = 0
        while i < lines.count {
            if lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                var j = i + 1
                while j < lines.count, !lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("```") { j += 1 }
                let shows = lines[(i + 1)..<min(j, lines.count)].contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("$ ") }
                let marker = i > 0 ? lines[i - 1].trimmingCharacters(in: .whitespaces) : ""
                let marked = marker.hasPrefix("<!-- checked") || (marker.hasPrefix("<!-- not checked: ") && marker.count > "<!-- not checked:  -->".count)
                if shows && !marked { unmarked.append(i + 1) }
                i = j
            }
            i += 1
        }
        #expect(unmarked == [], "README blocks with commands but no <!-- checked --> or <!-- not checked: why --> at lines \(unmarked)")
    }
}
