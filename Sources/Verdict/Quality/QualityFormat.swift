/// How `verdict test --coverage`, `verdict test --agreement` and `verdict mutate` write their
/// reports: text for people, or JSON.
public enum QualityFormat: String, CaseIterable, Sendable {
    case text, json
}
