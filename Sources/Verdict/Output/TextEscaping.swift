/// Untrusted text (ids, names, labels, transcript text) escaped for the medium it is shown in,
/// so that a transcript cannot drive a terminal or inject markup into a report.
public enum TerminalText {
    /// `text` with every control character shown as `\u{XX}`: C0 controls but line feed and
    /// tab, DEL, C1 controls (a lone U+009B is a terminal's escape-sequence introducer), the
    /// bidirectional overrides and isolates that reorder what a reader sees, and U+E000, which
    /// Verdict uses internally to mark its own colours.
    public static func escape(_ text: String, keepLineBreaks: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepLineBreaks: keepLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepLineBreaks: keepLineBreaks) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    @inline(__always)
    static func needsEscape(_ s: Unicode.Scalar, keepLineBreaks: Bool) -> Bool {
        switch s.value {
        case 0x0A: return !keepLineBreaks
        case 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xE000: return true
        default: return false
        }
    }

    /// Marks the start of a colour code in text rendered before escaping; `colored` turns it
    /// into ESC once the untrusted parts have been escaped.
    static let colourMark: Character = "\u{E000}"

    /// Escapes `text`, then turns Verdict's own colour marks into real escape sequences.
    static func escapeKeepingColours(_ text: String) -> String {
        escape(text).replacingOccurrences(of: String(colourMark), with: "\u{1B}")
    }
}

/// Text for Markdown (GitHub-flavoured): rendered as the characters it holds, never as markup.
public enum Markdown {
    /// Inline text for a table cell or list item: HTML's `<`, `>`, `&` as entities, Markdown's
    /// punctuation behind backslashes, line breaks as spaces, control characters shown.
    public static func escape(_ text: String) -> String {
        var out = ""
        for ch in TerminalText.escape(text, keepLineBreaks: false) {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "[", "]", "|", "#", "~", "!", "{", "}": out += "\\" + String(ch)
            default: out.append(ch)
            }
        }
        return out
    }

    /// Text for a code span: backticks become quotes, control characters and line breaks shown.
    public static func code(_ text: String) -> String {
        "`" + TerminalText.escape(text, keepLineBreaks: false).replacingOccurrences(of: "`", with: "'") + "`"
    }
}

/// Text for HTML and XML, in element content and in quoted attributes: the five special
/// characters as entities; tab and line breaks as character references (so attributes keep
/// them); and what XML 1.0 cannot hold at all (other control characters, U+FFFE, U+FFFF) as
/// U+FFFD.
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
