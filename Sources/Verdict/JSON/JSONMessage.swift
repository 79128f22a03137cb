/// What is wrong with a JSON text, worded once: the tree parser, the skipping scanner and the
/// Rasa event reader must say the same thing of the same bytes.
enum JSONMessage {
    /// "expected a value but found character 'x'" (or "... found end of input").
    static func expected(_ what: String, found: String) -> String { "expected \(what) but found \(found)" }
    static let controlCharacter = "control character in a string"
    static let hexDigits = "expected four hex digits after \\u"
}
