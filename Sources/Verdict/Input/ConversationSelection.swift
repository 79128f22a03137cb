/// Picks the one conversation a command is about (`verdict explain`) from what a source
/// yields: the one with a given id, or the only one there is.
public enum ConversationSelection {
    public enum Problem: Error, Sendable {
        /// The conversation, or the input it is in, cannot be read: `SOURCE: message`.
        case unreadable(String)
        /// No conversation has the id, or the input holds none or several: the reason.
        case notChosen(String)
    }

    /// The conversation with `id` (or, without `id`, the only one) in `source`; `name` is the
    /// input's name for messages. A record that cannot be read is a problem only when it
    /// could be the one asked for.
    public static func pick(from source: some RecordSource, id: String?, name: String) -> Result<Conversation, Problem> {
        var found: Conversation?
        var count = 0
        while let raw = source.next()?.resolved() {
            if case let .unreadable(message) = raw.payload { return .failure(.unreadable("\(raw.source): \(message)")) }
            switch raw.decoded()! {
            case let .failure(problem):
                if id == nil || problem.id.map({ $0.isExactly(id!) }) == true {
                    return .failure(.unreadable("\(raw.source): \(problem.message)"))
                }
            case let .success((conversation, _)):
                count += 1
                if let id, !conversation.id.isExactly(id) { continue }
                if found == nil { found = conversation }
            }
        }
        guard let found else {
            return .failure(.notChosen(id.map { "no conversation with id '\($0)' in \(name)" } ?? "\(name) holds no conversation"))
        }
        if id == nil && count > 1 {
            return .failure(.notChosen("\(name) holds \(count) conversations; choose one with --id"))
        }
        return .success(found)
    }
}
