/// The part of TOML a theme is written in, checked before the text reaches TOMLKit:
/// comments, `[table]` headers, `key = value` lines with bare, quoted and dotted
/// keys, and values that are strings, `true` or `false`, numbers, arrays (over
/// several lines if need be) and inline tables. Anything else, well-formed TOML that
/// a theme has no use for (dates, multi-line strings, arrays of tables) or not TOML
/// at all, is refused here with its line.
///
/// Why: TOMLKit's parser (toml++ 3) asserts, and so ends the program, on some
/// malformed documents instead of reporting them (`[=]`, `a = [}`; found by fuzzing
/// the theme reader). Only documents of this plain shape reach it.
///
/// - Complexity: one pass over the text.
struct TOMLSubset {
    /// Where and what the first problem is.
    struct Problem: Error {
        let line: Int
        let text: String
    }

    let text: [Unicode.Scalar]
    /// Where the scan is, and on which line.
    var i = 0
    var line = 1

    /// The first problem in `source`, nil when it is of the shape TOMLKit is handed.
    static func check(_ source: String) -> Problem? {
        var scanner = TOMLSubset(text: Array(source.unicodeScalars))
        do {
            try scanner.document()
            return nil
        } catch {
            return error
        }
    }

    private init(text: [Unicode.Scalar]) {
        self.text = text
        if text.first == "\u{FEFF}" { i = 1 }  // a byte-order mark
    }

    // MARK: Lines

    private mutating func document() throws(Problem) {
        while let c = peek() {
            switch c {
            case " ", "\t": i += 1
            case "\n", "\r": try lineEnd()
            case "#": try comment()
            case "[":
                try header()
                try endOfLine()
            default:
                try keyValue()
                try endOfLine()
            }
        }
    }

    private mutating func header() throws(Problem) {
        i += 1
        if peek() == "[" { throw fail("arrays of tables ([[...]]) are not read in a theme") }
        blanks()
        try key()
        blanks()
        try expect("]", "a ']' to close the table name")
    }

    mutating func keyValue() throws(Problem) {
        try key()
        blanks()
        try expect("=", "'=' after the key")
        blanks()
        try value()
    }

    /// Blanks, a comment, then the end of the line (or of the file).
    private mutating func endOfLine() throws(Problem) {
        blanks()
        if peek() == "#" { try comment() }
        guard let c = peek() else { return }
        guard c == "\n" || c == "\r" else { throw fail("expected the end of the line, found \(shown(c))") }
        try lineEnd()
    }

    mutating func lineEnd() throws(Problem) {
        if peek() == "\r" {
            i += 1
            guard peek() == "\n" else { throw fail("a carriage return without a line feed") }
        }
        i += 1
        line += 1
    }

    mutating func comment() throws(Problem) {
        while let c = peek(), c != "\n", c != "\r" {
            if isControl(c) { throw fail("a control character (\(shown(c))) in a comment") }
            i += 1
        }
    }

    // MARK: Keys

    mutating func key() throws(Problem) {
        try simpleKey()
        while true {
            blanks()
            guard peek() == "." else { return }
            i += 1
            blanks()
            try simpleKey()
        }
    }

    private mutating func simpleKey() throws(Problem) {
        switch peek() {
        case "\"": try basicString()
        case "'": try literalString()
        case let c? where isBare(c): while let c = peek(), isBare(c) { i += 1 }
        case let c?: throw fail("a key cannot start with \(shown(c)): a key is letters, digits, - and _, or in quotes")
        case nil: throw fail("a key is missing at the end of the file")
        }
    }

    // MARK: Characters

    func peek() -> Unicode.Scalar? { i < text.count ? text[i] : nil }

    mutating func blanks() {
        while peek() == " " || peek() == "\t" { i += 1 }
    }

    private mutating func expect(_ c: Unicode.Scalar, _ what: String) throws(Problem) {
        guard peek() == c else { throw fail("expected \(what), found \(peek().map(shown) ?? "the end of the file")") }
        i += 1
    }

    private func isBare(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "-", "_": true
        default: false
        }
    }

    func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    /// TOML allows no control character but the tab outside line ends.
    func isControl(_ c: Unicode.Scalar) -> Bool { (c.value < 0x20 && c != "\t") || c.value == 0x7F }

    func shown(_ c: Unicode.Scalar) -> String {
        isControl(c) || c.value > 0x7E ? "U+\(String(c.value, radix: 16, uppercase: true))" : "'\(Character(c))'"
    }

    func fail(_ text: String) -> Problem { Problem(line: line, text: text) }
}
