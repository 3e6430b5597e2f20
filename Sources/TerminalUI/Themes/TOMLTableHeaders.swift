/// Finds a table header whose name starts with a character no TOML name starts
/// with (`[=]`, `[é]`, a control character), before the text reaches TOMLKit: its
/// parser (toml++ 3) asserts on such a header instead of reporting it, and the
/// assertion ends the program. Found by fuzzing the theme reader.
///
/// It follows the document as toml++ does, as far as telling a header from an
/// array at the start of a line: strings (basic, literal, multi-line), comments,
/// and the depth of the arrays and inline tables of a value.
enum TOMLTableHeaders {
    /// The first header that names nothing, as its line and the character at fault.
    static func firstMalformed(in source: String) -> (line: Int, character: Unicode.Scalar)? {
        let text = Array(source.unicodeScalars)
        var i = 0, line = 1, depth = 0, atLineStart = true
        func at(_ offset: Int) -> Unicode.Scalar? { i + offset < text.count ? text[i + offset] : nil }
        /// Moves past the string that starts at `i`, counting its lines.
        func skipString() {
            let quote = text[i]
            let multiline = at(1) == quote && at(2) == quote
            i += multiline ? 3 : 1
            while i < text.count {
                let c = text[i]
                if quote == "\"" && c == "\\" {
                    if at(1) == "\n" { line += 1 }
                    i += 2
                    continue
                }
                if c == "\n" {
                    guard multiline else { return }  // unclosed: toml++ reports it
                    line += 1
                }
                if c == quote && (!multiline || (at(1) == quote && at(2) == quote)) {
                    i += multiline ? 3 : 1
                    return
                }
                i += 1
            }
        }
        while i < text.count {
            let c = text[i]
            switch c {
            case "\n":
                line += 1
                atLineStart = depth == 0
                i += 1
            case " ", "\t", "\r":
                i += 1
            case "#":
                while i < text.count && text[i] != "\n" { i += 1 }
            case "\"", "'":
                skipString()
                atLineStart = false
            case "[" where atLineStart && depth == 0:
                i += at(1) == "[" ? 2 : 1
                while let blank = at(0), blank == " " || blank == "\t" { i += 1 }
                guard let first = at(0), isNameStart(first) else { return (line, at(0) ?? "\n") }
                atLineStart = false
                // The rest of the header is a key toml++ checks itself.
                while i < text.count && text[i] != "\n" && text[i] != "]" && text[i] != "\"" && text[i] != "'" { i += 1 }
            case "[", "{":
                depth += 1
                atLineStart = false
                i += 1
            case "]", "}":
                depth = max(depth - 1, 0)
                atLineStart = false
                i += 1
            default:
                atLineStart = false
                i += 1
            }
        }
        return nil
    }

    /// What a key may start with: a bare key's letters, digits, - and _, or a quote.
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_", "\"", "'": true
        default: false
        }
    }
}
