import Foundation

/// The formats Verdict converts into its own transcripts (SPEC §1).
public enum ImportFormat: String, CaseIterable, Sendable {
    /// The Schema-Guided Dialogue dataset: files holding arrays of dialogues.
    case sgd
    /// Chat-completions message lists, or responses-API input/output items.
    case openai
    /// A hosted voice-agent platform's conversations export (Conversations API).
    case polyai
    /// A Rasa 3.x tracker store in SQLite.
    case rasa
}

/// A conversation being assembled by an importer, written out as SPEC §1 JSON.
struct TranscriptBuilder {
    var id: String
    var startedAt: String?
    var metadata: JSONObject?
    var events: [JSONValue] = []
    /// Fixture annotations (`expect`, `todo`) carried over from the source record.
    var annotations: [(key: String, value: JSONValue)] = []

    init(id: String) { self.id = id }

    /// Carries `expect` and `todo` over from a source record, so fixtures can be kept in
    /// another format and checked with `verdict test --from`.
    mutating func keepAnnotations(of record: JSONValue) {
        guard case let .object(o) = record else { return }
        for key in ["expect", "todo"] { if let v = o[key] { annotations.append((key, v)) } }
    }

    mutating func add(_ type: String, _ fields: [(String, JSONValue?)]) {
        var pairs: [(key: String, value: JSONValue)] = [("type", .string(type))]
        for (key, value) in fields { if let value { pairs.append((key, value)) } }
        events.append(.object(JSONObject(pairs)))
    }

    var json: [UInt8] {
        var pairs: [(key: String, value: JSONValue)] = [("id", .string(id))]
        if let startedAt { pairs.append(("started_at", .string(startedAt))) }
        if let metadata { pairs.append(("metadata", .object(metadata))) }
        pairs += annotations
        pairs.append(("events", .array(events)))
        var w = JSONWriter()
        w.value(.object(JSONObject(pairs)))
        return w.bytes
    }
}

/// Why a record could not be converted; the importer names its source.
struct ImportProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Converted conversations from inputs in another format, one at a time, in input order:
/// files one after another (folders walked in byte-wise path order), records in file order.
public final class ImportedRecords: RecordSource {
    private let format: ImportFormat
    private var files: [FileWalker.Entry] = []
    private var queue: [RawRecord] = []
    private var head = 0
    private var lines: LineReader?
    private var rasa: RasaReader?
    private var linesSource = ""
    private let options: ImportOptions
    private let input: InputOptions

    public init(format: ImportFormat, inputs: [String], options: ImportOptions = ImportOptions(),
                input: InputOptions = InputOptions()) {
        self.format = format
        self.options = options
        self.input = input
        let extensions: Set<String> = format == .rasa ? ["db", "sqlite", "sqlite3"] : ["json", "jsonl"]
        for input in inputs {
            switch FileWalker.entries(input, extensions: extensions) {
            case let .failure(problem): files.append(.unreadable(path: input, message: problem.message))
            case let .success(entries):
                // SGD's folder also holds schema.json, which describes services, not dialogues.
                let isFolder = entries.count != 1 || entries.first != .file(input)
                files += entries.filter { entry in
                    guard format == .sgd, isFolder, case let .file(path) = entry else { return true }
                    return (path as NSString).lastPathComponent != "schema.json"
                }
            }
        }
        files.reverse()
    }

    public func next() -> RawRecord? {
        while true {
            if head < queue.count {
                head += 1
                return queue[head - 1]
            }
            queue.removeAll(keepingCapacity: true)
            head = 0
            if let reader = rasa {
                if let record = reader.next() { return record }
                rasa = nil
                continue
            }
            if let reader = lines {
                if let (number, line) = reader.nextLine() {
                    switch line {
                    case let .text(bytes): return convertLine(bytes, source: "\(linesSource):\(number)", number: number)
                    case .tooLong: return RawRecord(source: "\(linesSource):\(number)", payload: .unreadable(input.tooLongMessage))
                    }
                }
                let failure = reader.failure
                lines = nil
                if let failure { return RawRecord(source: linesSource, payload: .unreadable("cannot read: \(failure)")) }
                continue
            }
            guard let entry = files.popLast() else { return nil }
            switch entry {
            case let .unreadable(path, message):
                return RawRecord(source: path, payload: .unreadable("cannot read: \(message)"))
            case let .file(path):
                open(path)
            }
        }
    }

    private func open(_ path: String) {
        if input.skips(path) { return }
        if format == .rasa {
            rasa = RasaReader(path: path, splitSessions: options.splitSessions)
            return
        }
        if path.hasSuffix(".json") {
            if let problem = input.wholeFileProblem(path) {
                queue = [RawRecord(source: path, payload: .unreadable(problem))]
                return
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                queue = [RawRecord(source: path, payload: .unreadable("cannot read: no such file or permission denied"))]
                return
            }
            switch ImportedRecords.parse(Array(data)) {
            case let .failure(problem): queue = [RawRecord(source: path, payload: .unreadable(problem.message))]
            case let .success(value): queue = convertFile(value, path: path)
            }
            return
        }
        guard let file = fopen(path, "rb") else {
            queue = [RawRecord(source: path, payload: .unreadable("cannot read: " + String(cString: strerror(errno)).lowercased()))]
            return
        }
        lines = LineReader(file: file, closeWhenDone: true, maxLineBytes: input.maxLineBytes)
        linesSource = path
    }

    /// A whole `.json` file: SGD and the export hold arrays of conversations; a chat file
    /// holds one conversation.
    private func convertFile(_ value: JSONValue, path: String) -> [RawRecord] {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        switch format {
        case .sgd:
            guard case let .array(dialogues) = value else { return [RawRecord(source: path, payload: .unreadable("an SGD file must be a JSON array of dialogues"))] }
            return dialogues.enumerated().map { i, d in record(source: "\(path):\(i + 1)") { try SGDImporter.convert(d) } }
        case .openai:
            return [record(source: path) { try OpenAIImporter.convert(value, defaultID: stem) }]
        case .polyai:
            let list: [JSONValue]
            switch value {
            case let .array(a): list = a
            case let .object(o):
                if case let .array(a)? = o["conversations"] { list = a } else { list = [value] }
            default: return [RawRecord(source: path, payload: .unreadable("an export must hold conversation objects"))]
            }
            return list.enumerated().map { i, c in record(source: list.count == 1 && !(value.isArray) ? path : "\(path):\(i + 1)") { try PolyAIImporter.convert(c) } }
        case .rasa:
            return []
        }
    }

    private func convertLine(_ line: [UInt8], source: String, number: Int) -> RawRecord {
        let value: JSONValue
        switch ImportedRecords.parse(line) {
        case let .failure(problem): return RawRecord(source: source, payload: .unreadable(problem.message))
        case let .success(v): value = v
        }
        let stem = ((linesSource as NSString).lastPathComponent as NSString).deletingPathExtension
        return record(source: source) {
            switch format {
            case .sgd: return try SGDImporter.convert(value)
            case .openai: return try OpenAIImporter.convert(value, defaultID: "\(stem)-\(number)")
            case .polyai, .rasa: return try PolyAIImporter.convert(value)
            }
        }
    }

    /// Parses JSON, or says where it is not JSON.
    static func parse(_ bytes: [UInt8]) -> Result<JSONValue, ImportProblem> {
        bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) {
                return .success(try JSONParser.parse(buffer))
            } catch {
                return .failure(ImportProblem("invalid JSON: " + error.describe(in: buffer)))
            }
        }
    }

    private func record(source: String, _ convert: () throws -> TranscriptBuilder) -> RawRecord {
        do {
            return RawRecord(source: source, payload: .json(try convert().json))
        } catch let problem as ImportProblem {
            return RawRecord(source: source, payload: .unreadable(problem.message))
        } catch {
            return RawRecord(source: source, payload: .unreadable("\(error)"))
        }
    }
}

/// Options some importers take.
public struct ImportOptions: Sendable {
    /// Rasa: one conversation per session (split at `action_session_start`) instead of per sender.
    public var splitSessions = false

    public init(splitSessions: Bool = false) { self.splitSessions = splitSessions }
}

extension JSONValue {
    var isArray: Bool { if case .array = self { return true } else { return false } }
}
