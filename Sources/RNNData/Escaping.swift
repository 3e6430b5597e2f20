/// Makes text from data files safe to print on a terminal: control characters (C0,
/// DEL, C1) become visible escapes, so a file cannot send escape sequences.
public enum Escaping {
    /// The text with every control character escaped; with `keepingLineBreaks`,
    /// line feeds stay as they are (for text shown on several lines).
    public static func escape(_ text: String, keepingLineBreaks: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += keepingLineBreaks ? "\n" : "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F..<0xA0:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
