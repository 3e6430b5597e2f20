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

    private let text: [Unicode.Scalar]
    private var i = 0
    private var line = 1

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

    private mutating func keyValue() throws(Problem) {
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

    private mutating func lineEnd() throws(Problem) {
        if peek() == "\r" {
            i += 1
            guard peek() == "\n" else { throw fail("a carriage return without a line feed") }
        }
        i += 1
        line += 1
    }

    private mutating func comment() throws(Problem) {
        while let c = peek(), c != "\n", c != "\r" {
            if isControl(c) { throw fail("a control character (\(shown(c))) in a comment") }
            i += 1
        }
    }

    // MARK: Keys

    private mutating func key() throws(Problem) {
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

    // MARK: Values

    private mutating func value() throws(Problem) {
        guard let c = peek() else { throw fail("a value is missing at the end of the file") }
        switch c {
        case "\"": try basicString()
        case "'": try literalString()
        case "[": try array()
        case "{": try inlineTable()
        case "t", "f": try word()
        case "+", "-", "0"..."9": try number()
        default:
            throw fail("expected a value (a string in quotes, true or false, a number, a list in [ ]), found \(shown(c))")
        }
    }

    private mutating func array() throws(Problem) {
        i += 1
        while true {
            try arraySpace()
            if peek() == "]" {
                i += 1
                return
            }
            try value()
            try arraySpace()
            switch peek() {
            case ",": i += 1
            case "]":
                i += 1
                return
            case let c?: throw fail("expected ',' or ']' in a list, found \(shown(c))")
            case nil: throw fail("a list is not closed with ']'")
            }
        }
    }

    /// Blanks, line ends and comments between the values of an array.
    private mutating func arraySpace() throws(Problem) {
        while let c = peek() {
            switch c {
            case " ", "\t": i += 1
            case "\n", "\r": try lineEnd()
            case "#": try comment()
            default: return
            }
        }
    }

    private mutating func inlineTable() throws(Problem) {
        i += 1
        blanks()
        if peek() == "}" {
            i += 1
            return
        }
        while true {
            try keyValue()
            blanks()
            switch peek() {
            case ",":
                i += 1
                blanks()
            case "}":
                i += 1
                return
            case let c?: throw fail("expected ',' or '}' in an inline table (on one line), found \(shown(c))")
            case nil: throw fail("an inline table is not closed with '}'")
            }
        }
    }

    private mutating func word() throws(Problem) {
        for candidate in ["true", "false"] where text[i...].starts(with: candidate.unicodeScalars) {
            i += candidate.unicodeScalars.count
            try delimited()
            return
        }
        throw fail("expected a value, found \(shown(text[i]))")
    }

    /// A decimal number: an optional sign, digits (underscores between them, no
    /// leading zero), an optional fraction and exponent.
    private mutating func number() throws(Problem) {
        if peek() == "+" || peek() == "-" { i += 1 }
        if peek() == "0" {
            i += 1
            if let c = peek(), isDigit(c) { throw fail("a number cannot start with 0") }
        } else {
            try digits()
        }
        if peek() == "." {
            i += 1
            try digits()
        }
        if peek() == "e" || peek() == "E" {
            i += 1
            if peek() == "+" || peek() == "-" { i += 1 }
            try digits()
        }
        try delimited()
    }

    private mutating func digits() throws(Problem) {
        guard let first = peek(), isDigit(first) else { throw fail("expected a digit in a number") }
        while let c = peek(), isDigit(c) || c == "_" {
            if c == "_" {
                guard i + 1 < text.count, isDigit(text[i + 1]) else { throw fail("an underscore in a number must sit between digits") }
            }
            i += 1
        }
    }

    /// What may follow a value: a blank, a separator, a comment, a line end.
    private mutating func delimited() throws(Problem) {
        guard let c = peek() else { return }
        guard [" ", "\t", ",", "]", "}", "#", "\n", "\r"].contains(c) else { throw fail("unexpected \(shown(c)) after a value") }
    }

    private mutating func basicString() throws(Problem) {
        if text[i...].starts(with: "\"\"\"".unicodeScalars) { throw fail("multi-line strings are not read in a theme") }
        i += 1
        while let c = peek() {
            i += 1
            switch c {
            case "\"": return
            case "\\": try escape()
            case "\n", "\r": throw fail("a string is not closed on its line")
            default: if isControl(c) { throw fail("a control character (\(shown(c))) in a string: write it as an escape") }
            }
        }
        throw fail("a string is not closed")
    }

    private mutating func escape() throws(Problem) {
        guard let c = peek() else { throw fail("a string is not closed") }
        i += 1
        switch c {
        case "b", "t", "n", "f", "r", "\"", "\\": return
        case "u", "U":
            let count = c == "u" ? 4 : 8
            guard i + count <= text.count, let value = UInt32(String(String.UnicodeScalarView(text[i..<(i + count)])), radix: 16),
                Unicode.Scalar(value) != nil
            else { throw fail("\\\(c) needs \(count) hexadecimal digits of a Unicode scalar") }
            i += count
        default: throw fail("'\\\(c)' is not an escape (\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    private mutating func literalString() throws(Problem) {
        if text[i...].starts(with: "'''".unicodeScalars) { throw fail("multi-line strings are not read in a theme") }
        i += 1
        while let c = peek() {
            i += 1
            if c == "'" { return }
            if c == "\n" || c == "\r" { throw fail("a string is not closed on its line") }
            if isControl(c) { throw fail("a control character (\(shown(c))) in a string") }
        }
        throw fail("a string is not closed")
    }

    // MARK: Characters

    private func peek() -> Unicode.Scalar? { i < text.count ? text[i] : nil }

    private mutating func blanks() {
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

    private func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    /// TOML allows no control character but the tab outside line ends.
    private func isControl(_ c: Unicode.Scalar) -> Bool { (c.value < 0x20 && c != "\t") || c.value == 0x7F }

    private func shown(_ c: Unicode.Scalar) -> String {
        isControl(c) || c.value > 0x7E ? "U+\(String(c.value, radix: 16, uppercase: true))" : "'\(Character(c))'"
    }

    private func fail(_ text: String) -> Problem { Problem(line: line, text: text) }
}
