import Foundation
import Testing
@testable import Verdict

/// `score -` on a pipe writes each call's result as soon as its line has arrived and the input
/// has nothing more for now, instead of waiting for a full read buffer or batch. No clock in
/// the assertions: the test waits, with a generous limit, for lines that must arrive while the
/// pipe is still open.
@Suite("Results as calls arrive", .serialized)
struct StreamingTests {
    static func call(_ id: String) -> Data {
        Data((#"{"id": "\#(id)", "events": [{"type": "agent", "text": "Lumen Hotels, how can I help?"}]}"# + "\n").utf8)
    }

    /// Reads what `fd` has until `lines` line feeds have arrived or `seconds` pass.
    static func read(_ fd: Int32, until lines: Int, seconds: Int32, into seen: inout [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var waited: Int32 = 0
        while seen.filter({ $0 == 0x0A }).count < lines && waited < seconds * 10 {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else {
                waited += 1
                continue
            }
            let n = Foundation.read(fd, &buffer, buffer.count)
            if n <= 0 { return }
            seen += buffer[0..<n]
        }
    }

    @Test("each line's result is written while the pipe stays open, in input order, for one job and several",
          arguments: ["1", "2", "4"])
    func resultsAsCallsArrive(jobs: String) throws {
        let input = Pipe(), output = Pipe()
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["score", "--jobs", jobs, "-r", "rules", "-"]
        process.currentDirectoryURL = Support.root
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        var seen: [UInt8] = []
        for (n, id) in ["S-1", "S-2", "S-3"].enumerated() {
            input.fileHandleForWriting.write(Self.call(id))
            // The result must come while the input is still open (up to a minute on a busy machine).
            Self.read(fd, until: n + 1, seconds: 60, into: &seen)
            #expect(seen.filter { $0 == 0x0A }.count == n + 1, "no result for \(id) while the pipe was open (jobs \(jobs))")
        }
        // A burst is written in order.
        input.fileHandleForWriting.write(Data((4...40).map { Self.call("S-\($0)") }.reduce(Data(), +)))
        input.fileHandleForWriting.closeFile()
        Self.read(fd, until: 40, seconds: 60, into: &seen)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let ids = String(decoding: seen, as: UTF8.self).split(separator: "\n").map { line in
            (try? JSONParser.parse(String(line)))?.objectValue?["id"]?.stringValue ?? "?"
        }
        #expect(ids == (1...40).map { "S-\($0)" })
    }

    @Test("a regular file never waits, so batches stay full")
    func filesNeverWait() throws {
        let dir = try CLI.folder(["c.jsonl": String(repeating: String(decoding: Self.call("f"), as: UTF8.self), count: 3)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = InputReader(inputs: [dir.appendingPathComponent("c.jsonl").path])
        var waits = 0, records = 0
        while true {
            if records > 0 && reader.wouldWait() { waits += 1 }
            guard reader.next() != nil else { break }
            records += 1
        }
        #expect(records == 3 && waits == 0)
    }
}
