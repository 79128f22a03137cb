/// The formats `verdict score` writes.
public enum OutputFormat: String, CaseIterable, Sendable {
    case jsonl
    case csv
}
