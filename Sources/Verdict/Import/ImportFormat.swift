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

    static let rasaNeedsFile = "rasa reads a SQLite tracker store, which is a file: name it ('-', standard input, cannot be one)"

    /// Why `inputs` cannot be read in this format (a usage error), or nil: a Rasa tracker store
    /// is a database file, never standard input.
    public func refusal(_ inputs: [String]) -> String? {
        self == .rasa && inputs.contains("-") ? ImportFormat.rasaNeedsFile : nil
    }
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

    /// Carries the fixture annotations (`expect`, `todo`, `equivalent_mutants`) over from a source record, so fixtures can be kept in
    /// another format and checked with `verdict test --from`.
    mutating func keepAnnotations(of record: JSONValue) {
        guard case let .object(o) = record else { return }
        for key in ConversationDecoder.annotationKeys { if let v = o[key] { annotations.append((key, v)) } }
    }

    mutating func add(_ type: String, _ fields: [(String, JSONValue?)]) {
        var pairs: [(key: String, value: JSONValue)] = [("type", .string(type))]
        for (key, value) in fields { if let value { pairs.append((key, value)) } }
        events.append(.object(JSONObject(pairs)))
    }

    /// The conversation as SPEC §1 JSON.
    var value: JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("id", .string(id))]
        if let startedAt { pairs.append(("started_at", .string(startedAt))) }
        if let metadata { pairs.append(("metadata", .object(metadata))) }
        pairs += annotations
        pairs.append(("events", .array(events)))
        return .object(JSONObject(pairs))
    }
}

/// Why a record could not be converted; the importer names its source.
struct ImportProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// An object's optional fields as an importer reads them: absent or null is "not given", and a
/// field given with another type is an error naming it (`user_input: 42` is never dropped).
struct ImportFields {
    let object: JSONObject
    /// Where the object stands, for messages: "conversation CA-1: turn 3".
    let place: String

    private func wrong(_ key: String, _ expected: String, _ value: JSONValue) -> ImportProblem {
        ImportProblem("\(place.isEmpty ? "" : place + ": ")`\(key)` must be \(expected), not \(value.kindName)")
    }

    private func given(_ key: String) -> JSONValue? {
        guard let v = object[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String) throws -> String? {
        guard let v = given(key) else { return nil }
        guard case let .string(s) = v else { throw wrong(key, "a string", v) }
        return s
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let v = given(key) else { return nil }
        guard case let .array(a) = v else { throw wrong(key, "an array", v) }
        return a
    }

    func object(_ key: String) throws -> JSONObject? {
        guard let v = given(key) else { return nil }
        guard case let .object(o) = v else { throw wrong(key, "an object", v) }
        return o
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = given(key) else { return nil }
        guard case let .bool(b) = v else { throw wrong(key, "true or false", v) }
        return b
    }
}

extension JSONValue {
    /// "a number", "a string", ...: a value's JSON type, for messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Another format, converted record by record on its way through the one `InputReader`:
/// files one after another (folders walked in byte-wise path order), records in file order.
struct ImportConverter: RecordFormat {
    let format: ImportFormat
    let options: ImportOptions

    var extensions: Set<String> { format == .rasa ? ["db", "sqlite", "sqlite3"] : ["json", "jsonl"] }

    /// A Rasa tracker store is a database: its bytes say nothing of how far reading has got.
    var readsInOrder: Bool { format != .rasa }

    /// SGD's folder also holds schema.json, which describes services, not dialogues.
    func readsWalked(_ path: String) -> Bool {
        format != .sgd || (path as NSString).lastPathComponent != "schema.json"
    }

    func open(_ path: String, input: InputOptions) -> OpenedFile {
        if format == .rasa { return .source(RasaReader(path: path, splitSessions: options.splitSessions)) }
        if path.hasSuffix(".json") {
            if let problem = input.wholeFileProblem(path) { return .records([RawRecord(source: path, payload: .unreadable(problem))]) }
            guard let data = FileManager.default.contents(atPath: path) else {
                return .records([RawRecord(source: path, payload: .unreadable("cannot read: no such file or permission denied"))])
            }
            switch ImportConverter.parse(Array(data)) {
            case let .failure(problem): return .records([RawRecord(source: path, payload: .unreadable(problem.message))])
            case let .success(value): return .records(convertFile(value, path: path))
            }
        }
        return .lines(of: path, input: input)
    }

    /// A whole `.json` file: SGD and the export hold arrays of conversations; a chat file
    /// holds one conversation.
    private func convertFile(_ value: JSONValue, path: String) -> [RawRecord] {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        switch format {
        case .sgd:
            guard case let .array(dialogues) = value else { return [RawRecord(source: path, payload: .unreadable("an SGD file must be a JSON array of dialogues"))] }
            return dialogues.enumerated().map { i, d in ImportConverter.record(source: "\(path):\(i + 1)") { try SGDImporter.convert(d) } }
        case .openai:
            return [ImportConverter.record(source: path) { try OpenAIImporter.convert(value, defaultID: stem) }]
        case .polyai:
            let list: [JSONValue]
            switch value {
            case let .array(a): list = a
            case let .object(o):
                if case let .array(a)? = o["conversations"] { list = a } else { list = [value] }
            default: return [RawRecord(source: path, payload: .unreadable("an export must hold conversation objects"))]
            }
            return list.enumerated().map { i, c in
                ImportConverter.record(source: list.count == 1 && !(value.isArray) ? path : "\(path):\(i + 1)") { try PolyAIImporter.convert(c) }
            }
        case .rasa:
            return []
        }
    }

    func record(line: [UInt8], source: String, number: Int, file: String) -> RawRecord {
        let value: JSONValue
        switch ImportConverter.parse(line) {
        case let .failure(problem): return RawRecord(source: source, payload: .unreadable(problem.message))
        case let .success(v): value = v
        }
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return ImportConverter.record(source: source) {
            switch format {
            case .sgd: return try SGDImporter.convert(value)
            case .openai: return try OpenAIImporter.convert(value, defaultID: "\(stem)-\(number)")
            case .polyai: return try PolyAIImporter.convert(value)
            case .rasa: throw ImportProblem(ImportFormat.rasaNeedsFile)
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

    static func record(source: String, _ convert: () throws -> TranscriptBuilder) -> RawRecord {
        do {
            return RawRecord(source: source, payload: .converted(try convert().value))
        } catch let problem as ImportProblem {
            return RawRecord(source: source, payload: .unreadable(problem.message))
        } catch {
            return RawRecord(source: source, payload: .unreadable("\(error)"))
        }
    }
}

extension InputReader {
    /// Reads inputs in another format, converting each record as it is read.
    public convenience init(format: ImportFormat, inputs: [String], options: ImportOptions = ImportOptions(),
                            input: InputOptions = InputOptions()) {
        self.init(inputs: inputs, format: ImportConverter(format: format, options: options), options: input)
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
