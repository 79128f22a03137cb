import Foundation

/// One conversation's worth of input before it is decoded: its source (SPEC §6) and its
/// JSON, as bytes read from a file or as the value an importer converted it to, or the
/// reason its input could not be read at all.
public struct RawRecord: Sendable {
    public enum Payload: Sendable {
        case json([UInt8])
        /// A record of another format, converted: the conversation's JSON as a value, never
        /// written out and parsed again on its way to scoring.
        case converted(JSONValue)
        /// A record whose conversion is left to whichever thread scores it (see `resolved()`),
        /// so that a reader feeding several workers does only the reading.
        case deferred(DeferredConversion)
        case unreadable(String)
    }

    public var source: String
    public var payload: Payload

    public init(source: String, payload: Payload) {
        self.source = source
        self.payload = payload
    }

    /// The record with its conversion done; any other record as it is.
    public func resolved() -> RawRecord {
        guard case let .deferred(conversion) = payload else { return self }
        return RawRecord(source: source, payload: conversion.run())
    }

    /// The conversation's JSON text; nil for an unreadable record.
    public var bytes: [UInt8]? {
        switch payload {
        case .deferred: return resolved().bytes
        case let .json(bytes): return bytes
        case let .converted(value):
            var w = JSONWriter()
            w.value(value)
            return w.bytes
        case .unreadable: return nil
        }
    }

    /// The conversation, decoded as SPEC §1 says, with its top-level object; nil for an
    /// unreadable record.
    public func decoded() -> Result<(Conversation, JSONObject), UnreadableConversation>? {
        switch payload {
        case let .json(bytes): return bytes.withUnsafeBufferPointer { ConversationDecoder.decode($0) }
        case let .converted(value): return ConversationDecoder.decode(value)
        case .deferred: return resolved().decoded()
        case .unreadable: return nil
        }
    }
}

/// A conversion not yet run: what `RawRecord.resolved()` turns into a converted or
/// unreadable payload.
public struct DeferredConversion: Sendable {
    let run: @Sendable () -> RawRecord.Payload
    /// The conversation made straight from the source, for scoring, equal to decoding what
    /// `run` makes; nil (or a nil result) where only that decoding can tell.
    var direct: (@Sendable () -> Result<Conversation, UnreadableConversation>?)? = nil
}

/// How inputs are read: which files to pass over, and how long a line may be.
public struct InputOptions: Sendable {
    /// Files never read as input, whatever path names them: the run's own output file and
    /// standard output when it is a file. Each one met is passed over with a `notice`.
    public var skip: Set<FileIdentity>
    /// A JSON Lines line longer than this is an error line of its own; reading goes on after it.
    public var maxLineBytes: Int
    /// Told about each file passed over.
    public var notice: @Sendable (String) -> Void
    /// Counts what is read, for a progress display; each reader starts a pass of its own.
    public var progress: ProgressMeter?
    /// Result lines only: those kept (`--where`), all of them holding; error lines always are.
    public var resultConditions: [MetadataCondition] = []

    public init(skip: Set<FileIdentity> = [], maxLineBytes: Int = InputOptions.defaultMaxLineBytes,
                progress: ProgressMeter? = nil, notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.skip = skip
        self.maxLineBytes = maxLineBytes
        self.progress = progress
        self.notice = notice
    }

    public static let defaultMaxLineBytes = LineReader.defaultMaxLineBytes

    /// Whether `path` is to be passed over; tells `notice` when it is.
    func skips(_ path: String) -> Bool {
        guard !skip.isEmpty, let identity = FileIdentity(path: path), skip.contains(identity) else { return false }
        notice("skipping '\(path)': it is this run's output")
        return true
    }

    /// Why a `.json` file, which is read whole, is too large to read; nil when it is not.
    func wholeFileProblem(_ path: String) -> String? {
        let size = FileWalker.regularFileSize(path)
        guard size > maxLineBytes else { return nil }
        return "a .json file is read whole, and this one has \(size) bytes, more than \(maxLineBytes) (see --max-line-bytes); skipped"
    }

    /// The error text of a line over the limit.
    var tooLongMessage: String { "line longer than \(maxLineBytes) bytes (see --max-line-bytes); skipped" }
}

/// What makes records of one input format: Verdict's own (`NativeRecords`) or an imported
/// one (`ImportConverter`). The reader walks the inputs and streams lines; the format says
/// which files a folder walk reads and what each file, line or database becomes.
protocol RecordFormat: Sendable {
    /// Extensions read in folder walks, without the dot.
    var extensions: Set<String> { get }
    /// Whether a file a folder walk found is read (an explicitly named file always is).
    func readsWalked(_ path: String) -> Bool
    /// How to read `path`: line by line, whole, or through a reader of its own.
    func open(_ path: String, input: InputOptions) -> OpenedFile
    /// The record of line `number` of `file`.
    func record(line: [UInt8], source: String, number: Int, file: String) -> RawRecord
    /// Whether reading goes through a file's bytes in order, so that bytes read of the total
    /// says how far along a run is (not for a database, read by queries).
    var readsInOrder: Bool { get }
}

extension RecordFormat {
    var readsInOrder: Bool { true }
}

enum OpenedFile {
    /// JSON Lines: each line becomes a record through `RecordFormat.record(line:...)`.
    case lines(LineReader)
    /// Records read all at once (a `.json` file, or why the file could not be read).
    case records([RawRecord])
    /// A database with a reader of its own.
    case source(any RecordSource)

    /// `path` read line by line, or why it cannot be opened.
    static func lines(of path: String, input: InputOptions) -> OpenedFile {
        guard let file = fopen(path, "rb") else {
            return .records([RawRecord(source: path, payload: .unreadable("cannot read: " + String(cString: strerror(errno)).lowercased()))])
        }
        return .lines(LineReader(file: file, closeWhenDone: true, maxLineBytes: input.maxLineBytes))
    }
}

/// Reads inputs (SPEC §1) one record at a time, in input order: files, folders walked in
/// byte-wise path order, and `-` for standard input. JSON Lines are streamed in chunks, so
/// memory does not grow with the number of conversations. One reader serves every format.
public final class InputReader: RecordSource {
    private enum Pending {
        case argument(String)
        case file(String)
        case unreadable(path: String, message: String)
    }

    private let format: any RecordFormat
    private var pending: [Pending]
    private var queue: [RawRecord] = []
    private var queueHead = 0
    private var lines: LineReader?
    private var linesSource = "" {
        didSet { linesPrefix = linesSource + ":" }
    }
    /// `linesSource` and a colon, before each line's number: made once per file, not per line.
    private var linesPrefix = ":"
    private var source: (any RecordSource)?
    /// The file `source` reads, whose size counts as read when it ends.
    private var sourcePath = ""
    private let options: InputOptions
    private let inputs: [String]
    /// For `options.progress`: records handed out, and bytes of the inputs already finished.
    private var counted = 0
    private var finishedBytes = 0
    private var began = false

    /// Reads conversations in Verdict's own format.
    public convenience init(inputs: [String], options: InputOptions = InputOptions()) {
        self.init(inputs: inputs, format: NativeRecords(), options: options)
    }

    init(inputs: [String], format: any RecordFormat, options: InputOptions) {
        self.format = format
        self.inputs = inputs
        pending = inputs.reversed().map { .argument($0) }
        self.options = options
    }

    public func next() -> RawRecord? {
        guard let meter = options.progress else { return nextRecord() }
        if !began {
            began = true
            let inputs = inputs, format = format, stdin = ProgressMeter.standardInputRemaining()
            meter.begin {
                guard format.readsInOrder else { return nil }
                return ProgressMeter.totalBytes(of: inputs, extensions: format.extensions, accepts: format.readsWalked, stdinRemaining: stdin)
            }
        }
        let record = nextRecord()
        if record != nil { counted += 1 }
        meter.update(records: counted, bytes: finishedBytes + (lines?.consumed ?? 0))
        return record
    }

    public func wouldWait() -> Bool {
        if queueHead < queue.count { return false }
        if let source { return source.wouldWait() }
        return lines?.wouldWait() ?? false
    }

    private func nextRecord() -> RawRecord? {
        while true {
            if queueHead < queue.count {
                defer {
                    queueHead += 1
                    if queueHead == queue.count { queue.removeAll(keepingCapacity: true); queueHead = 0 }
                }
                return queue[queueHead]
            }
            if let reader = source {
                if let record = reader.next() { return record }
                source = nil
                finishedBytes += FileWalker.regularFileSize(sourcePath)
                continue
            }
            if let reader = lines {
                if let (number, line) = reader.nextLine() {
                    let at = linesPrefix + String(number)
                    switch line {
                    case let .text(bytes): return format.record(line: bytes, source: at, number: number, file: linesSource)
                    case .tooLong: return RawRecord(source: at, payload: .unreadable(options.tooLongMessage))
                    }
                }
                let failure = reader.failure
                finishedBytes += reader.consumed
                lines = nil
                if let failure {
                    return RawRecord(source: linesSource, payload: .unreadable("cannot read: \(failure)"))
                }
                continue
            }
            guard let item = pending.popLast() else { return nil }
            switch item {
            case let .argument(input): open(input)
            case let .file(path): openFile(path)
            case let .unreadable(path, message):
                queue.append(RawRecord(source: path, payload: .unreadable("cannot read: \(message)")))
            }
        }
    }

    private func open(_ input: String) {
        if input == "-" {
            guard !StandardStreams.state.inputClosed, let input = fdopen(0, "rb") else {
                let reason = StandardStreams.state.inputClosed ? "bad file descriptor" : String(cString: strerror(errno)).lowercased()
                queue.append(RawRecord(source: "-", payload: .unreadable("cannot read standard input: \(reason)")))
                return
            }
            lines = LineReader(file: input, closeWhenDone: false, maxLineBytes: options.maxLineBytes)
            linesSource = "-"
            return
        }
        switch FileWalker.entries(input, extensions: format.extensions) {
        case let .failure(problem):
            queue.append(RawRecord(source: input, payload: .unreadable("cannot read: \(problem.message)")))
        case let .success(entries):
            let walked = entries.count != 1 || entries.first != .file(input)
            for entry in entries.reversed() {
                switch entry {
                case let .file(path):
                    if !walked || format.readsWalked(path) { pending.append(.file(path)) }
                case let .unreadable(path, message): pending.append(.unreadable(path: path, message: message))
                }
            }
        }
    }

    private func openFile(_ path: String) {
        if options.skips(path) { return }
        switch format.open(path, input: options) {
        case let .lines(reader):
            lines = reader
            linesSource = path
        case let .records(records):
            queue += records
            finishedBytes += FileWalker.regularFileSize(path)
        case let .source(reader):
            source = reader
            sourcePath = path
        }
    }
}

/// Verdict's own format: JSON Lines, or a `.json` file holding one conversation or an array
/// of them.
struct NativeRecords: RecordFormat {
    var extensions: Set<String> { ["json", "jsonl"] }

    func readsWalked(_ path: String) -> Bool { true }

    func record(line: [UInt8], source: String, number: Int, file: String) -> RawRecord {
        RawRecord(source: source, payload: .json(line))
    }

    func open(_ path: String, input: InputOptions) -> OpenedFile {
        if path.hasSuffix(".json") { return .records(readJSONFile(path, input: input)) }
        return .lines(of: path, input: input)
    }

    private func readJSONFile(_ path: String, input: InputOptions) -> [RawRecord] {
        if let problem = input.wholeFileProblem(path) { return [RawRecord(source: path, payload: .unreadable(problem))] }
        guard let data = FileManager.default.contents(atPath: path) else {
            return [RawRecord(source: path, payload: .unreadable("cannot read: permission denied or not a regular file"))]
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var elements: [RawRecord] = []
        let isArray: Bool
        do {
            isArray = try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> Bool in
                try JSONParser.forEachArrayElement(buffer) { element, n in
                    elements.append(RawRecord(source: "\(path):\(n)", payload: .json(Array(element))))
                }
            }
        } catch {
            let message = bytes.withUnsafeBufferPointer { error.describe(in: $0) }
            return [RawRecord(source: path, payload: .unreadable("invalid JSON: \(message)"))]
        }
        return isArray ? elements : [RawRecord(source: path, payload: .json(bytes))]
    }
}
