import Foundation

/// One conversation's worth of input before it is parsed: its source (SPEC §6) and bytes, or
/// the reason its input could not be read at all.
public struct RawRecord: Sendable {
    public enum Payload: Sendable {
        case json([UInt8])
        case unreadable(String)
    }

    public var source: String
    public var payload: Payload

    public init(source: String, payload: Payload) {
        self.source = source
        self.payload = payload
    }
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

    public init(skip: Set<FileIdentity> = [], maxLineBytes: Int = InputOptions.defaultMaxLineBytes,
                notice: @escaping @Sendable (String) -> Void = { _ in }) {
        self.skip = skip
        self.maxLineBytes = maxLineBytes
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
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) > maxLineBytes else { return nil }
        return "a .json file is read whole, and this one has \(st.st_size) bytes, more than \(maxLineBytes) (see --max-line-bytes); skipped"
    }

    /// The error text of a line over the limit.
    var tooLongMessage: String { "line longer than \(maxLineBytes) bytes (see --max-line-bytes); skipped" }
}

/// Reads inputs (SPEC §1) one record at a time, in input order: files, folders walked in
/// byte-wise path order, and `-` for standard input. JSON Lines is streamed in chunks, so
/// memory does not grow with the number of conversations.
public final class InputReader {
    private enum Pending {
        case argument(String)
        case file(String)
        case unreadable(path: String, message: String)
    }

    private var pending: [Pending]
    private var queue: [RawRecord] = []
    private var queueHead = 0
    private var lines: LineReader?
    private var linesSource = ""
    private let options: InputOptions

    public init(inputs: [String], options: InputOptions = InputOptions()) {
        pending = inputs.reversed().map { .argument($0) }
        self.options = options
    }

    public func next() -> RawRecord? {
        while true {
            if queueHead < queue.count {
                defer {
                    queueHead += 1
                    if queueHead == queue.count { queue.removeAll(keepingCapacity: true); queueHead = 0 }
                }
                return queue[queueHead]
            }
            if let reader = lines {
                if let (number, line) = reader.nextLine() {
                    switch line {
                    case let .text(bytes): return RawRecord(source: "\(linesSource):\(number)", payload: .json(bytes))
                    case .tooLong: return RawRecord(source: "\(linesSource):\(number)", payload: .unreadable(options.tooLongMessage))
                    }
                }
                let failure = reader.failure
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
        switch FileWalker.entries(input, extensions: ["json", "jsonl"]) {
        case let .failure(problem):
            queue.append(RawRecord(source: input, payload: .unreadable("cannot read: \(problem.message)")))
        case let .success(entries):
            for entry in entries.reversed() {
                switch entry {
                case let .file(path): pending.append(.file(path))
                case let .unreadable(path, message): pending.append(.unreadable(path: path, message: message))
                }
            }
        }
    }

    private func openFile(_ path: String) {
        if options.skips(path) { return }
        if path.hasSuffix(".json") {
            readJSONFile(path)
            return
        }
        guard let file = fopen(path, "rb") else {
            queue.append(RawRecord(source: path, payload: .unreadable("cannot read: \(String(cString: strerror(errno)).lowercased())")))
            return
        }
        lines = LineReader(file: file, closeWhenDone: true, maxLineBytes: options.maxLineBytes)
        linesSource = path
    }

    private func readJSONFile(_ path: String) {
        if let problem = options.wholeFileProblem(path) {
            queue.append(RawRecord(source: path, payload: .unreadable(problem)))
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            queue.append(RawRecord(source: path, payload: .unreadable("cannot read: permission denied or not a regular file")))
            return
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
            queue.append(RawRecord(source: path, payload: .unreadable("invalid JSON: \(message)")))
            return
        }
        if isArray { queue += elements } else { queue.append(RawRecord(source: path, payload: .json(bytes))) }
    }
}
