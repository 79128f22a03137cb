/// Receives scored conversations in input order; each output format is one sink.
///
/// `render` runs on the scoring threads, right after a conversation is scored, so formatting
/// work is parallel; `write` then receives the rendered items one by one, in input order.
public protocol ResultSink {
    associatedtype Rendered: Sendable
    /// Turns one scored conversation into what `write` needs; called from any thread.
    var renderer: @Sendable (ScoredConversation) -> Rendered { get }
    mutating func write(_ rendered: Rendered)
    mutating func finish() throws
    /// Whether what it writes holds the conversations' `metadata`, which decoding otherwise skips.
    var writesMetadata: Bool { get }
    /// The input has nothing more for now: what is written so far should reach its reader
    /// (a pipe's results as calls arrive), not wait in a buffer.
    mutating func inputStalled()
}

extension ResultSink {
    public var writesMetadata: Bool { false }
    public mutating func inputStalled() {}
}

extension ResultSink where Rendered == ScoredConversation {
    public var renderer: @Sendable (ScoredConversation) -> ScoredConversation { { $0 } }
}

/// A conversation as the pipeline hands it to a sink: its source, its result (or why it could
/// not be read), and the fixture annotations it carried (`expect`, `todo`), if any. What a
/// sink writes of it is a result line (`ResultLine` reads one back).
public struct ScoredConversation: Sendable {
    public var source: String
    public var result: Result<ConversationResult, UnreadableConversation>
    /// The conversation's `expect` and `todo` fields, when it has either.
    public var annotations: JSONObject?
    /// Its event types that SPEC §1 does not name (`Conversation.unknownTypes`).
    public var unknownTypes: [String] = []

    public init(source: String, result: Result<ConversationResult, UnreadableConversation>, annotations: JSONObject? = nil) {
        self.source = source
        self.result = result
        self.annotations = annotations
    }
}
