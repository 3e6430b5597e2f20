/// Where each key of a TOML document is written, so that a message about a value
/// that parsed but means nothing to a theme can name its line. TOMLKit keeps no
/// source positions for values, so this reads the text itself: table headers and
/// `key = value` lines, with dotted and quoted keys. (A line of a multi-line string
/// that holds "=" is taken for a key line too; themes have no such strings.)
struct TOMLKeyLines {
    private var lineOfKey: [String: Int] = [:]
    private var keyOfLine: [Int: String] = [:]

    init(_ source: String) {
        var table: [String] = []
        for (index, raw) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            let number = index + 1
            if line.hasPrefix("[") {
                let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
                table = Self.path(inner)
                record(table, line: number)
            } else if !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") {
                record(table + Self.path(line[..<equals]), line: number)
            }
        }
    }

    /// The line a dotted key is written on (its table header for a table).
    func line(of key: String) -> Int? { lineOfKey[key] }

    /// The dotted key written on a line, if the line holds one.
    func key(on line: Int) -> String? { keyOfLine[line] }

    private mutating func record(_ path: [String], line: Int) {
        guard !path.isEmpty, !path.contains(where: \.isEmpty) else { return }
        let key = path.joined(separator: ".")
        if lineOfKey[key] == nil { lineOfKey[key] = line }
        keyOfLine[line] = key
    }

    /// `a. "b c" .d` → ["a", "b c", "d"].
    private static func path(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current)
                current = ""
            } else if character != " " && character != "\t" {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
