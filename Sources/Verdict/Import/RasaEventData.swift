/// What the Rasa importer reads of an event row's `data`: a handful of fields, found in one
/// pass that skips the rest (timestamps, entity lists, metadata) without building it. A row
/// whose data is not JSON is parsed again in full, so that its message is the full parser's.
struct RasaEventData {
    /// Each field as `JSONObject` subscripting would give it: the last duplicate wins, and
    /// a field of the wrong type reads as absent where the importer asks for a string.
    var text: String?
    var name: String?
    var value: JSONValue?
    var actionText: String?
    /// `parse_data.intent`'s `name` and `full_retrieval_intent_name`, when that is an object
    /// and they are strings (its other members are skipped, not built).
    var intentName: String?
    var fullRetrievalIntentName: String?
    /// The event's type as Rasa reads it (`event`), and its `timestamp` when it is a number.
    var event: String?
    var timestamp: Double?

    private static let fields: [[UInt8]] = ["text", "name", "value", "action_text", "parse_data", "event", "timestamp"].map { Array($0.utf8) }
    private static let parseFields: [[UInt8]] = ["intent"].map { Array($0.utf8) }
    private static let intentFields: [[UInt8]] = ["name", "full_retrieval_intent_name"].map { Array($0.utf8) }

    enum Problem: Error {
        case notObject
        case notJSON(String)
    }

    /// The same read from the column's bytes: straight when they are ASCII (as Python's
    /// `json` writes them), else as the text they decode to, invalid bytes replaced.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, timestamp: Bool = true) -> Result<RasaEventData, Problem> {
        var d = RasaEventData()
        if let problem = read(bytes, timestamp: timestamp, into: &d) { return .failure(problem) }
        return .success(d)
    }

    /// The same into `d` (which should be empty), with no copy of it made on the way: the
    /// importer reads every row so. The problem when it cannot be read.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, timestamp: Bool, into d: inout RasaEventData) -> Problem? {
        guard ByteWords.isASCII(bytes) else {
            var text = String(decoding: bytes, as: UTF8.self)
            return text.withUTF8 { read(utf8: $0, timestamp: timestamp, into: &d) }
        }
        return read(utf8: bytes, timestamp: timestamp, into: &d)
    }

    /// `timestamp`: whether the row's own `timestamp` is wanted (the importer reads it only
    /// where the column is NULL); when not, it is checked and skipped.
    static func read(_ data: String, timestamp: Bool = true) -> Result<RasaEventData, Problem> {
        var copy = data
        var d = RasaEventData()
        if let problem = copy.withUTF8({ read(utf8: $0, timestamp: timestamp, into: &d) }) { return .failure(problem) }
        return .success(d)
    }

    /// Reads `bytes`, which are valid UTF-8 (a string's, or ASCII).
    private static func read(utf8 bytes: UnsafeBufferPointer<UInt8>, timestamp: Bool, into d: inout RasaEventData) -> Problem? {
        var parser = JSONParser(bytes)
        parser.nonFiniteAsText = true
        do throws(JSONSyntaxError) {
            return try read(&parser, timestamp: timestamp, into: &d)
        } catch {
            // The full parser words the problem (the same one: it reads the same grammar).
            let skipped = error
            do throws(JSONSyntaxError) {
                _ = try JSONParser.parseReadingNonFiniteAsText(String(decoding: bytes, as: UTF8.self))
                return .notJSON(skipped.message)
            } catch {
                return .notJSON(error.message)
            }
        }
    }

    private static func read(_ parser: inout JSONParser, timestamp wanted: Bool, into d: inout RasaEventData) throws(JSONSyntaxError) -> Problem? {
        parser.skipWhitespace()
        guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "{") else {
            try parser.skipValue()
            try parser.expectEnd()
            return .notObject
        }
        try members(&parser, among: fields) { (key, parser) throws(JSONSyntaxError) in
            switch key {
            case 0?: d.text = try stringOrSkip(&parser)
            case 1?: d.name = try stringOrSkip(&parser)
            case 2?: d.value = try parser.parseValue()
            case 3?: d.actionText = try stringOrSkip(&parser)
            case 4?:
                // The last `parse_data`, and the last `intent` in it, decide.
                d.intentName = nil
                d.fullRetrievalIntentName = nil
                guard parser.bytes[parser.position] == UInt8(ascii: "{") else {
                    try parser.skipValue()
                    return
                }
                try members(&parser, among: parseFields) { (key, parser) throws(JSONSyntaxError) in
                    guard key == 0 else { return try parser.skipValue() }
                    d.intentName = nil
                    d.fullRetrievalIntentName = nil
                    guard parser.bytes[parser.position] == UInt8(ascii: "{") else { return try parser.skipValue() }
                    try members(&parser, among: intentFields) { (key, parser) throws(JSONSyntaxError) in
                        switch key {
                        case 0?: d.intentName = try stringOrSkip(&parser)
                        case 1?: d.fullRetrievalIntentName = try stringOrSkip(&parser)
                        default: try parser.skipValue()
                        }
                    }
                }
            case 5?: d.event = try stringOrSkip(&parser)
            case 6?:
                guard wanted else { return try parser.skipValue() }
                if case let .number(t, _) = try parser.parseValue(), t.isFinite { d.timestamp = t } else { d.timestamp = nil }
            default: try parser.skipValue()
            }
        }
        try parser.expectEnd()
        return nil
    }

    /// A string value, or nil after skipping a value of another type.
    private static func stringOrSkip(_ parser: inout JSONParser) throws(JSONSyntaxError) -> String? {
        if parser.bytes[parser.position] == UInt8(ascii: "\"") { return try parser.parseString() }
        try parser.skipValue()
        return nil
    }

    /// Walks an object's members, handing each key's index in `names` (nil for others) and
    /// the parser (at the value) to `body`, which must read or skip the value.
    private static func members(_ parser: inout JSONParser, among names: [[UInt8]],
                                _ body: (Int?, inout JSONParser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        guard try parser.enterObject() else { return }
        repeat {
            try parser.expectKey()
            let key = try parser.readKey(among: names)
            try parser.skipColon()
            guard parser.position < parser.bytes.count else { throw parser.failure(JSONMessage.expected("a value", found: "end of input")) }
            try body(key, &parser)
        } while try !parser.endOfMember(closing: UInt8(ascii: "}"))
    }
}
