/// The values of a theme's TOML: strings, `true` and `false`, decimal numbers,
/// arrays and inline tables (see `TOMLSubset`), read as they are checked.
extension TOMLSubset {
    mutating func value() throws(Problem) -> TOMLValue {
        guard let c = peek() else { throw fail("a value is missing at the end of the file") }
        if c == "[" || c == "{" {
            guard depth < Self.maximumDepth else { throw fail("lists and tables nested more than \(Self.maximumDepth) deep") }
            depth += 1
        }
        defer { if c == "[" || c == "{" { depth -= 1 } }
        switch c {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[": return try array()
        case "{": return try inlineTable()
        case "t", "f": return .bool(try word())
        case "+", "-", "0"..."9": return .number(try number())
        default:
            throw fail("expected a value (a string in quotes, true or false, a number, a list in [ ]), found \(shown(c))")
        }
    }

    private mutating func array() throws(Problem) -> TOMLValue {
        i += 1
        var values: [TOMLValue] = []
        while true {
            try arraySpace()
            if peek() == "]" {
                i += 1
                return .array(values)
            }
            values.append(try value())
            try arraySpace()
            switch peek() {
            case ",": i += 1
            case "]":
                i += 1
                return .array(values)
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

    /// `{ key = value, ... }` on one line: a table that nothing may add to later.
    private mutating func inlineTable() throws(Problem) -> TOMLValue {
        i += 1
        blanks()
        var table = TOMLTable()
        if peek() == "}" {
            i += 1
            table.isInline = true
            return .table(table)
        }
        while true {
            let (path, value) = try keyValue()
            do throws(TOMLTable.Conflict) { try table.set(path[...], to: value, line: line) } catch { throw fail(error.text) }
            blanks()
            switch peek() {
            case ",":
                i += 1
                blanks()
            case "}":
                i += 1
                table.isInline = true
                return .table(table)
            case let c?: throw fail("expected ',' or '}' in an inline table (on one line), found \(shown(c))")
            case nil: throw fail("an inline table is not closed with '}'")
            }
        }
    }

    private mutating func word() throws(Problem) -> Bool {
        for candidate in ["true", "false"] where text[i...].starts(with: candidate.unicodeScalars) {
            i += candidate.unicodeScalars.count
            try delimited()
            return candidate == "true"
        }
        throw fail("expected a value, found \(shown(text[i]))")
    }

    /// A decimal number: an optional sign, digits (underscores between them, no
    /// leading zero), an optional fraction and exponent.
    private mutating func number() throws(Problem) -> Double {
        let start = i
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
        let written = String(String.UnicodeScalarView(text[start..<i].filter { $0 != "_" }))
        guard let value = Double(written), value.isFinite else { throw fail("\(written) is not a number a theme can hold") }
        return value
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

    /// A string in double quotes, its escapes read.
    mutating func basicString() throws(Problem) -> String {
        if text[i...].starts(with: "\"\"\"".unicodeScalars) { throw fail("multi-line strings are not read in a theme") }
        i += 1
        var read = String.UnicodeScalarView()
        while let c = peek() {
            i += 1
            switch c {
            case "\"": return String(read)
            case "\\": read.append(try escape())
            case "\n", "\r": throw fail("a string is not closed on its line")
            default:
                if isControl(c) { throw fail("a control character (\(shown(c))) in a string: write it as an escape") }
                read.append(c)
            }
        }
        throw fail("a string is not closed")
    }

    private mutating func escape() throws(Problem) -> Unicode.Scalar {
        guard let c = peek() else { throw fail("a string is not closed") }
        i += 1
        let simple: [Unicode.Scalar: Unicode.Scalar] = ["b": "\u{8}", "t": "\t", "n": "\n", "f": "\u{C}", "r": "\r", "\"": "\"", "\\": "\\"]
        if let scalar = simple[c] { return scalar }
        switch c {
        case "u", "U":
            let count = c == "u" ? 4 : 8
            guard i + count <= text.count, let value = UInt32(String(String.UnicodeScalarView(text[i..<(i + count)])), radix: 16),
                Unicode.Scalar(value) != nil
            else { throw fail("\\\(c) needs \(count) hexadecimal digits of a Unicode scalar") }
            // A NUL has no place in a colour or a name, and C strings end at it.
            guard value != 0, let scalar = Unicode.Scalar(value) else { throw fail("\\\(c) of 0 (the NUL character) cannot be in a theme") }
            i += count
            return scalar
        default: throw fail("'\\\(c)' is not an escape (\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    /// A string in single quotes, as written.
    mutating func literalString() throws(Problem) -> String {
        if text[i...].starts(with: "'''".unicodeScalars) { throw fail("multi-line strings are not read in a theme") }
        i += 1
        let start = i
        while let c = peek() {
            i += 1
            if c == "'" { return String(String.UnicodeScalarView(text[start..<(i - 1)])) }
            if c == "\n" || c == "\r" { throw fail("a string is not closed on its line") }
            if isControl(c) { throw fail("a control character (\(shown(c))) in a string") }
        }
        throw fail("a string is not closed")
    }
}
