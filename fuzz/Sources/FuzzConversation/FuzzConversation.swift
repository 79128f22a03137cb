import Verdict

/// One input: the bytes of one JSON Lines record. Decoding must return a conversation or an
/// error; it must never crash, hang or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConversation(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    switch ConversationDecoder.decode(bytes) {
    case let .success((conversation, _)):
        precondition(!conversation.id.isEmpty, "a decoded conversation has an id")
    case let .failure(problem):
        precondition(!problem.message.isEmpty, "an error has a message")
    }
    return 0
}
