/// Why a transcript cannot be read, worded once. Two decoders read transcripts (the one-pass
/// `ConversationScanner` and the tree-based `ConversationDecoder`) and must say the same thing
/// of the same input; both take their words from here.
enum TranscriptMessage {
    static let notAnObject = "a conversation must be a JSON object"
    static let eventNotAnObject = "an event must be a JSON object"
    static let eventsNotAnArray = "`events` must be an array"
    static let metadataNotAnObject = "`metadata` must be an object or null"
    static let startedAtNotATime = "`started_at` must be an RFC 3339 time"
    static let atNotANumber = "`at` must be a number"
    static let intentsNotStrings = "`intents` must be an array of strings"
    static let argsNotAnObject = "`args` must be an object"
    static let valueNotAScalar = "`value` must be a string, number, bool or null"

    static func invalidJSON(_ detail: String) -> String { "invalid JSON: " + detail }
    static func missing(_ field: String) -> String { "missing `\(field)`" }
    static func notAString(_ field: String) -> String { "`\(field)` must be a string" }
    /// A problem with event `index`, in its words.
    static func inEvent(_ index: Int, _ message: String) -> String { "event \(index): \(message)" }
    static func startedAtNotATime(_ text: String) -> String { startedAtNotATime + ", not \"\(text)\"" }
}
