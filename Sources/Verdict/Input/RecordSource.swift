/// Where conversations come from: files and folders in Verdict's format, or another format
/// converted on the fly. Each record is a conversation's JSON, or why it could not be had.
public protocol RecordSource: AnyObject {
    func next() -> RawRecord?
}
