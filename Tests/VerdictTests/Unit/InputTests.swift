import Foundation
import Testing
@testable import Verdict

@Suite("Input reading")
struct InputTests {
    /// Every record an InputReader yields for paths relative to `dir`, as (source relative to
    /// `dir`, the JSON text or "! " and the unreadable message). Tests run in parallel, so the
    /// working directory is left alone.
    func records(_ inputs: [String], in dir: URL) -> [(String, String)] {
        let prefix = dir.path + "/"
        return Support.records(InputReader(inputs: inputs.map { prefix + $0 }), strippingPrefix: prefix)
    }

    @Test("folders: recursive, byte-wise order of relative paths, only .json and .jsonl")
    func folderOrder() throws {
        let dir = try CLI.folder([
            "in/b.jsonl": "{}", "in/B.json": "{}", "in/a/z.json": "{}", "in/a-b.json": "{}",
            "in/notes.txt": "x", "in/c.JSON": "{}", "in/sub.json/inner.jsonl": "{}",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(records(["in"], in: dir).map(\.0) == ["in/B.json", "in/a-b.json", "in/a/z.json", "in/b.jsonl:1", "in/sub.json/inner.jsonl:1"])
        #expect(records(["in/"], in: dir).first?.0 == "in/B.json")
    }

    @Test("JSON Lines: blank lines skipped but counted; CRLF and a byte-order mark accepted; last line without newline")
    func jsonLines() throws {
        let dir = try CLI.folder(["c.jsonl": "\u{FEFF}{\"a\":1}\r\n\r\n   \n{\"b\":2}\r\n{\"c\":3}", "notes.txt": "{\"d\":4}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let got = records(["c.jsonl", "notes.txt"], in: dir)
        #expect(got.map(\.0) == ["c.jsonl:1", "c.jsonl:4", "c.jsonl:5", "notes.txt:1"])
        #expect(got.map(\.1) == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#, #"{"d":4}"#])
    }

    @Test(".json: one conversation, or an array read element by element")
    func jsonFiles() throws {
        let dir = try CLI.folder(["one.json": "{\"id\": 1}", "many.json": "[{\"a\": 1}, 7, {\"b\": [2]}]", "empty.json": "[ ]", "bad.json": "[{\"a\": 1},"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let got = records(["one.json", "many.json", "empty.json", "bad.json"], in: dir)
        #expect(got.map(\.0) == ["one.json", "many.json:1", "many.json:2", "many.json:3", "bad.json"])
        #expect(got[2].1 == "7")
        #expect(got[4].1 == "! invalid JSON: expected a value but found end of input at column 11")
    }

    @Test("a missing path and a symlink loop each give one error line in place")
    func unreadable() throws {
        let dir = try CLI.folder(["in/a.jsonl": "{}"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("in/loop").path,
                                                   withDestinationPath: dir.appendingPathComponent("in").path)
        let got = records(["missing.jsonl", "in"], in: dir)
        #expect(got.map(\.0) == ["missing.jsonl", "in/a.jsonl:1", "in/loop"])
        #expect(got[0].1 == "! cannot read: no such file or directory")
        #expect(got[2].1.hasPrefix("! cannot read: symlink loop"))
    }

    @Test("a long line is read whole")
    func longLine() throws {
        let text = String(repeating: "x", count: 3_000_000)
        let dir = try CLI.folder(["big.jsonl": "{\"id\": \"a\"}\n{\"t\": \"\(text)\"}\n{\"id\": \"c\"}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let got = records(["big.jsonl"], in: dir)
        #expect(got.map(\.0) == ["big.jsonl:1", "big.jsonl:2", "big.jsonl:3"])
        #expect(got[1].1.utf8.count == 3_000_009)
    }
}
