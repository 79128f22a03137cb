import Foundation
import Testing
@testable import Verdict

@Suite("Progress")
struct ProgressTests {
    typealias Reading = ProgressMeter.Reading

    @Test("the status line: count, rate, bytes of the total with percent and time left; bytes read when the total is unknown")
    func statusText() {
        let known = Reading(records: 12_345, bytes: 81_234_567, totalBytes: 204_000_000, pass: 1)
        #expect(ProgressText.status(known, rate: 4_119.6, byteRate: 4_000_000) == "12,345 conversations, 4,120/s, 81.2 MB of 204 MB (39%), 0:31 left")
        #expect(ProgressText.status(known, rate: nil, byteRate: nil) == "12,345 conversations, 81.2 MB of 204 MB (39%)")
        let piped = Reading(records: 1, bytes: 999, totalBytes: nil, pass: 1)
        #expect(ProgressText.status(piped, rate: 2, byteRate: 900) == "1 conversation, 2/s, 999 B read")
        let database = Reading(records: 4_000, bytes: 0, totalBytes: nil, pass: 1)
        #expect(ProgressText.status(database, rate: 1_000, byteRate: 0) == "4,000 conversations, 1,000/s")
        // Done, or read past a total that grew: 100%, and no time left shown.
        let over = Reading(records: 7, bytes: 5_000, totalBytes: 4_000, pass: 1)
        #expect(ProgressText.status(over, rate: 7, byteRate: 5_000) == "7 conversations, 7/s, 4.00 kB of 4.00 kB (100%)")
        let long = Reading(records: 1_000_000, bytes: 1_000_000_000, totalBytes: 11_000_000_000, pass: 1)
        #expect(ProgressText.status(long, rate: 16_000, byteRate: 2_000_000) == "1,000,000 conversations, 16,000/s, 1.00 GB of 11.0 GB (9%), 1:23:20 left")
    }

    @Test("units: three significant figures, rounding that reaches 1000 moves to the next unit")
    func units() {
        let cases: [(Int, String)] = [(0, "0 B"), (999, "999 B"), (1_000, "1.00 kB"), (1_234, "1.23 kB"), (9_996, "10.0 kB"),
                                      (99_949, "99.9 kB"), (99_950, "100 kB"), (999_499, "999 kB"), (999_500, "1.00 MB"),
                                      (45_600_000, "45.6 MB"), (2_050_000_000_000, "2.05 TB")]
        for (n, text) in cases { #expect(ProgressText.bytes(n) == text, "\(n)") }
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1_000) == "1,000")
        #expect(NumberText.grouped(-12_345_678) == "-12,345,678")
        #expect(ProgressText.duration(7.4) == "0:07")
        #expect(ProgressText.duration(725) == "12:05")
        #expect(ProgressText.duration(10_931) == "3:02:11")
    }

    @Test("the summary line of a run shown as lines")
    func summaryText() {
        let reading = Reading(records: 30, bytes: 12_400, totalBytes: 12_400, pass: 1)
        #expect(ProgressText.summary(reading, seconds: 0.8) == "30 conversations, 12.4 kB in 0.8 s (38/s)")
        #expect(ProgressText.summary(reading, seconds: 125) == "30 conversations, 12.4 kB in 2:05 (0/s)")
        #expect(ProgressText.summary(Reading(pass: 1), seconds: 0) == "0 conversations, 0 B in 0.0 s")
    }

    @Test("when progress shows: --quiet wins, then --progress, then VERDICT_PROGRESS, else a terminal not also showing results")
    func choosing() {
        typealias Mode = ProgressDisplay.Mode
        func choose(_ progress: Bool = false, _ quiet: Bool = false, env: String? = nil, err: Bool, out: Bool) -> Mode? {
            Mode.choose(progress: progress, quiet: quiet, environment: env.map { ["VERDICT_PROGRESS": $0] } ?? [:],
                        errorIsTerminal: err, outputIsTerminal: out)
        }
        #expect(choose(err: true, out: false) == .terminal)
        #expect(choose(err: true, out: true) == nil)
        #expect(choose(err: false, out: false) == nil)
        #expect(choose(true, err: false, out: false) == .lines)
        #expect(choose(true, err: true, out: true) == .terminal)
        #expect(choose(true, true, err: true, out: false) == nil)
        #expect(choose(false, true, err: true, out: false) == nil)
        #expect(choose(env: "0", err: true, out: false) == nil)
        #expect(choose(true, env: "0", err: false, out: false) == .lines)
        #expect(choose(env: "1", err: false, out: false) == .lines)
        #expect(choose(env: "1", err: true, out: true) == .terminal)
        #expect(choose(false, true, env: "1", err: true, out: false) == nil)
        #expect(choose(env: "yes", err: false, out: false) == nil)
        // Of a pipeline, only the last stage draws by itself; --progress still forces it.
        #expect(Mode.choose(progress: false, quiet: false, environment: [:], errorIsTerminal: true, outputIsTerminal: false, outputIsPipe: true) == nil)
        #expect(Mode.choose(progress: true, quiet: false, environment: [:], errorIsTerminal: true, outputIsTerminal: false, outputIsPipe: true) == .terminal)
    }

    @Test("a reader counts every record and every byte of its inputs, blank lines, CRLF, over-long lines and .json files included")
    func counting() throws {
        let files: [String: String] = [
            "a.jsonl": "{\"id\":\"1\"}\r\n\n   \n{\"id\":\"2\"}\n" + String(repeating: "x", count: 300) + "\n{\"id\":\"3\"}",
            "b/c.json": "[{\"id\":\"4\"},{\"id\":\"5\"}]",
            "b/d.jsonl": "",
            "b/skip.txt": "not read, not counted",
        ]
        let dir = try CLI.folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let meter = ProgressMeter()
        let reader = InputReader(inputs: [dir.path], options: InputOptions(maxLineBytes: 100, progress: meter))
        var seen = 0
        while reader.next() != nil {
            seen += 1
            #expect(meter.reading().records == seen)
        }
        let size = files.filter { !$0.key.hasSuffix(".txt") }.values.map(\.utf8.count).reduce(0, +)
        meter.resolveTotal()
        #expect(meter.reading() == Reading(records: 6, bytes: size, totalBytes: size, pass: 1))
        #expect(seen == 6)

        // A second reader starts a second pass, counted afresh; a missing input has no size.
        let again = InputReader(inputs: [dir.appendingPathComponent("a.jsonl").path], options: InputOptions(progress: meter))
        _ = again.next()
        #expect(meter.reading().pass == 2)
        #expect(meter.reading().records == 1)
        while again.next() != nil {}
        meter.resolveTotal()
        #expect(meter.reading().totalBytes == files["a.jsonl"]!.utf8.count)
        #expect(meter.reading().bytes == files["a.jsonl"]!.utf8.count)
    }

    @Test("a message clears the status line before it is written; clearing twice writes nothing more")
    func statusLine() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let line = StatusLine(descriptor: fds[1])
        line.show("verdict: 1 conversation")
        line.message("warning: x")
        line.message("warning: y")
        line.show("verdict: 2 conversations")
        line.clear()
        line.clear()
        close(fds[1])
        let written = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
        #expect(String(decoding: written, as: UTF8.self)
            == "\rverdict: 1 conversation\u{1B}[K\r\u{1B}[Kwarning: x\nwarning: y\n\rverdict: 2 conversations\u{1B}[K\r\u{1B}[K")
    }
}

@Suite("Progress on the command line")
struct ProgressCLITests {
    /// The bundled fixtures as one input, and what `score` writes for them.
    static let fixtures = "fixtures"

    @Test("--progress into a log: results unchanged, one summary line on standard error; none by default or with -q")
    func lines() throws {
        let plain = try CLI.run(["score", "-r", "rules", Self.fixtures])
        #expect(plain.status == 0)
        #expect(plain.stderr == "")
        let files = try FileManager.default.contentsOfDirectory(atPath: Support.root.appendingPathComponent("fixtures").path)
            .filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".json") }.sorted()
        let bytes = try files.map { try Data(contentsOf: Support.root.appendingPathComponent("fixtures/" + $0)).count }.reduce(0, +)
        let count = plain.stdout.split(separator: "\n").count
        let expected = "verdict score: \(NumberText.count(count, "conversation")), \(ProgressText.bytes(bytes)) in "
        for run in [try CLI.run(["score", "-r", "rules", "--progress", Self.fixtures]),
                    try CLI.run(["score", "-r", "rules", Self.fixtures], environment: ["VERDICT_PROGRESS": "1"]),
                    try CLI.run(["score", "-r", "rules", "--progress", Self.fixtures], environment: ["VERDICT_PROGRESS": "0"])] {
            #expect(run.status == 0)
            #expect(run.stdout == plain.stdout)
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")
            #expect(lines.dropLast().last?.hasPrefix(expected) == true, "\(run.stderr)")
            #expect(!run.stderr.contains("\u{1B}"))
        }
        for run in [try CLI.run(["score", "-r", "rules", "-q", Self.fixtures], environment: ["VERDICT_PROGRESS": "1"]),
                    try CLI.run(["score", "-r", "rules", Self.fixtures], environment: ["VERDICT_PROGRESS": "0"])] {
            #expect(run.status == 0)
            #expect(run.stdout == plain.stdout)
            #expect(run.stderr == "")
        }
        let both = try CLI.run(["score", "-r", "rules", "--progress", "--quiet", Self.fixtures])
        #expect(both.status == 2)
        #expect(both.stdout == "")
        #expect(both.stderr.hasPrefix("Error: --progress and --quiet cannot be used together\n"))
    }

    @Test("every reading command takes --progress; review and sample --conversations count their second pass afresh")
    func everyCommand() throws {
        let dir = try CLI.folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let results = dir.appendingPathComponent("results.jsonl").path
        let score = try CLI.run(["score", "-r", "rules", Self.fixtures, "-o", results])
        #expect(score.status == 0)
        let count = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").count
        let summary = { (command: String) in "verdict \(command): \(NumberText.count(count, "conversation")), " }
        let runs: [[String]] = [
            ["test", "-r", "rules", "--progress", Self.fixtures],
            ["report", "--progress", results, "-o", dir.appendingPathComponent("report.txt").path],
            ["review", "--progress", "--conversations", Self.fixtures, results, "-o", dir.appendingPathComponent("review.html").path],
            ["sample", "--progress", "--metric", "Booking: completed", "--conversations", Self.fixtures, results],
            ["import", "sgd", "--progress", "Tests/Data/sgd/dialogues_001.json", "-o", dir.appendingPathComponent("sgd.jsonl").path],
        ]
        for arguments in runs {
            let run = try CLI.run(arguments)
            #expect(run.status == 0 || run.status == 1, "\(arguments): \(run.stderr)")
            let last = run.stderr.split(separator: "\n").last.map(String.init) ?? ""
            // Each line names its command, so two stages of a pipeline can be told apart.
            let label = "verdict \(arguments[0]): "
            #expect(last.hasPrefix(label) && last.contains(" conversation") && last.contains(" in "), "\(arguments): \(run.stderr)")
            switch arguments[0] {
            case "test", "report": #expect(last.hasPrefix(summary(arguments[0])), "\(arguments): \(run.stderr)")
            case "review", "sample":
                // The summary is of the last pass, the transcripts, read until every sampled call is found.
                let read = Int(last.dropFirst(label.count).prefix { $0.isNumber }) ?? 0
                #expect(read >= 1 && read <= count, "\(arguments): \(run.stderr)")
            default: #expect(last.hasPrefix(label + "1 conversation, ") || last.contains(" conversations, "))
            }
        }
    }

    @Test("on a terminal: a line redrawn in place and cleared at the end, never a line feed; results untouched; Ctrl-C clears it too",
          .linuxOnly("Linux pseudo-terminal ioctls"), arguments: [false, true])
    func terminal(interrupted: Bool) throws {
        // A pseudo-terminal, through Linux's ioctls (TIOCSPTLCK unlocks, TIOCGPTN numbers it):
        // Glibc's posix_openpt family is not visible to Swift.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        try #require(master >= 0)
        defer { close(master) }
        var unlock: Int32 = 0, number: UInt32 = 0
        try #require(ioctl(master, UInt(0x4004_5431), &unlock) == 0 && ioctl(master, UInt(0x8004_5430), &number) == 0)
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        try #require(slave >= 0 && isatty(slave) == 1)
        let dir = try CLI.folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.jsonl")
        // Calls with distinct ids, more than one read buffer's worth (1 MiB), fed through a
        // pipe: the run waits for the rest while the test watches its status line.
        let call = #"{"id": "P-ID", "events": [{"type": "agent", "text": "Lumen Hotels, how can I help?"}, {"type": "user", "text": "I want to book a room"}]}"#
        let count = 12_000
        let lines = (0..<count).map { call.replacingOccurrences(of: "ID", with: String($0)) + "\n" }
        let first = Data(lines[..<(count * 3 / 4)].joined().utf8), rest = Data(lines[(count * 3 / 4)...].joined().utf8)
        #expect(first.count > 1 << 20)
        let input = Pipe()
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["score", "-r", "rules", "-o", out.path, "-"]
        process.currentDirectoryURL = Support.root
        process.standardInput = input
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "VERDICT_PROGRESS" }
        try process.run()
        input.fileHandleForWriting.write(first)
        var seen: [UInt8] = []
        func drain(until done: ([UInt8]) -> Bool, seconds: Int32) {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var waited: Int32 = 0
            while !done(seen) && waited < seconds * 10 {
                var fd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&fd, 1, 100) > 0 else {
                    waited += 1
                    continue
                }
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { return }
                seen += buffer[0..<n]
            }
        }
        // Wait (up to a minute) for a status line with a count, drawn while input is pending.
        drain(until: { String(decoding: $0, as: UTF8.self).contains(" read\u{1B}[K") }, seconds: 60)
        let shown = String(decoding: seen, as: UTF8.self)
        if interrupted {
            process.interrupt()
        } else {
            input.fileHandleForWriting.write(rest)
        }
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
        close(slave)
        drain(until: { _ in false }, seconds: 5)
        let text = String(decoding: seen, as: UTF8.self)
        #expect(shown.firstMatch(of: /\rverdict score: [0-9,]+ conversations, ([0-9,]+\/s, )?[0-9.]+ [kM]?B read\u{1B}\[K/) != nil, "\(shown.debugDescription)")
        #expect(text.hasPrefix("\rverdict score: "))
        #expect(text.hasSuffix("\u{1B}[K\r\u{1B}[K"), "\(text.suffix(80).debugDescription)")
        #expect(!text.contains("\n"))
        if interrupted {
            // Stopped by the signal, as before: no output file, and no temporary one left.
            #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        } else {
            #expect(process.terminationStatus == 0)
            let scored = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
            #expect(scored.count == count)
            #expect(scored.last?.hasPrefix(#"{"id":"P-\#(count - 1)""#) == true)
        }
    }
}

@Suite("Getting the SGD data")
struct GetSGDTests {
    @Test("scripts/get-sgd.sh fetches the dialogue files and the licence, and Verdict reads what it fetched")
    func fetchesAndScores() throws {
        let mirror = try CLI.folder([:])
        defer { try? FileManager.default.removeItem(at: mirror) }
        try FileManager.default.createDirectory(at: mirror.appendingPathComponent("dev"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Support.root.appendingPathComponent("Tests/Data/sgd/dialogues_001.json"),
                                         to: mirror.appendingPathComponent("dev/dialogues_001.json"))
        try FileManager.default.copyItem(at: Support.root.appendingPathComponent("Tests/Data/sgd/LICENSE.txt"),
                                         to: mirror.appendingPathComponent("LICENSE.txt"))
        let dest = mirror.appendingPathComponent("out").path
        let run = try CLI.shell("SGD_BASE=file://\(mirror.path) SGD_FILES=001 scripts/get-sgd.sh '\(dest)'", in: Support.root)
        #expect(run.status == 0)
        #expect(run.stdout == "get-sgd: 1 dialogue files and the licence (CC BY-SA 4.0) in \(dest)\n")
        #expect(FileManager.default.fileExists(atPath: dest + "/LICENSE.txt"))
        let scored = try CLI.run(["score", "--rules", "examples/sgd/rules", "--from", "sgd", dest])
        #expect(scored.status == 0 && scored.stdout.split(separator: "\n").count == 128)
        let missing = try CLI.shell("SGD_BASE=file://\(mirror.path) SGD_FILES=002 scripts/get-sgd.sh '\(dest)'", in: Support.root)
        #expect(missing.status == 1 && missing.stderr.contains("get-sgd: cannot fetch file://\(mirror.path)/dev/dialogues_002.json"))
    }
}
