/// Where conversations come from: files and folders in Verdict's format, or another format
/// converted on the fly. Each record is a conversation's JSON, or why it could not be had.
public protocol RecordSource: AnyObject {
    func next() -> RawRecord?
    /// Whether `next()` might wait for input that has not arrived yet (a pipe with no whole
    /// line buffered): the scorer then writes the results it has before asking.
    func wouldWait() -> Bool
}

extension RecordSource {
    public func wouldWait() -> Bool { false }
}
