/// The part of TOML rnntop's data files (themes, lessons) are written in, read into a table whose every key keeps
/// its line: comments, `[table]` headers, `key = value` lines with bare, quoted and
/// dotted keys, and values that are strings, `true` or `false`, numbers, arrays (over
/// several lines if need be) and inline tables. Anything else, well-formed TOML that
/// a theme has no use for (dates, multi-line strings, arrays of tables) or not TOML
/// at all, is refused with its line and the key being read, as is a key or a table
/// defined twice.
///
/// rnntop's own reader, not a general TOML library: a theme is untrusted input, and
/// the parser it used before (toml++ 3, through TOMLKit) asserted, and so ended the
/// program, on some malformed documents (`[=]`, `a = [}`; found by fuzzing).
///
/// - Complexity: one pass over the text.
public struct TOMLSubset {
    /// Where and what the first problem is, and the dotted key being read, if any.
    public struct Problem: Error {
        public let line: Int
        public let key: String?
        public let text: String
    }

    let text: [Unicode.Scalar]
    /// Where the scan is, and on which line.
    var i = 0
    var line = 1
    /// What has been read, and the table that `key = value` lines go into.
    private var root = TOMLTable()
    private var current: [String] = []
    /// The dotted key of the line being read, for messages.
    var readingKey: [String]?
    /// How deep in lists and inline tables the scan is.
    var depth = 0

    /// The deepest lists and inline tables may nest, and the most parts a dotted key
    /// may have: the reader recurses into both, and a theme needs a few.
    static let maximumDepth = 32

    /// The document's tables and values, or its first problem.
    public static func parse(_ source: String) throws(Problem) -> TOMLTable {
        var scanner = TOMLSubset(text: Array(source.unicodeScalars))
        try scanner.document()
        return scanner.root
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
                let path = try header()
                do throws(TOMLTable.Conflict) { try root.defineTable(path[...], line: line, header: true) } catch { throw fail(error.text) }
                current = path
                try endOfLine()
            default:
                let start = line
                let (path, value) = try keyValue()
                do throws(TOMLTable.Conflict) { try root.set((current + path)[...], to: value, line: start) } catch {
                    throw Problem(line: start, key: (current + path).joined(separator: "."), text: error.text)
                }
                try endOfLine()
            }
        }
    }

    /// A `[table]` header's dotted name.
    private mutating func header() throws(Problem) -> [String] {
        i += 1
        if peek() == "[" { throw fail("arrays of tables ([[...]]) are not read in a theme") }
        blanks()
        let path = try key()
        readingKey = path
        blanks()
        try expect("]", "a ']' to close the table name")
        return path
    }

    /// A `key = value` pair, the key dotted (relative to the table it is in).
    mutating func keyValue() throws(Problem) -> ([String], TOMLValue) {
        let path = try key()
        readingKey = current + path
        blanks()
        try expect("=", "'=' after the key")
        blanks()
        return (path, try value())
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
        readingKey = nil
    }

    mutating func comment() throws(Problem) {
        while let c = peek(), c != "\n", c != "\r" {
            if isControl(c) { throw fail("a control character (\(shown(c))) in a comment") }
            i += 1
        }
    }

    // MARK: Keys

    /// A dotted key's parts: `a. "b c" .d` → ["a", "b c", "d"].
    mutating func key() throws(Problem) -> [String] {
        var path = [try simpleKey()]
        while true {
            blanks()
            guard peek() == "." else { return path }
            guard path.count < Self.maximumDepth else { throw fail("a key of more than \(Self.maximumDepth) parts") }
            i += 1
            blanks()
            path.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(Problem) -> String {
        switch peek() {
        case "\"": return try basicString()
        case "'": return try literalString()
        case let c? where isBare(c):
            let start = i
            while let c = peek(), isBare(c) { i += 1 }
            return String(String.UnicodeScalarView(text[start..<i]))
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

    func fail(_ text: String) -> Problem { Problem(line: line, key: readingKey?.joined(separator: "."), text: text) }
}
