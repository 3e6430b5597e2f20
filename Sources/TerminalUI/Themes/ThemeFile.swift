/// The theme file format: TOML with colours as `"#rrggbb"`.
///
/// ```toml
/// description = "one line shown by `rnntop themes`"
/// monochrome = false          # true: attributes only, no colour
///
/// [colors]   background foreground muted border title highlight
/// [heatmap]  diverging = [negative, zero, positive]
///            sequential = [3 to 9 stops, low to high]
/// [series]   ... the program's own tables of colours (`ThemeRoles`)
/// ```
///
/// Every key is optional when a base theme is given: what is left out is the base's.
public enum ThemeFile {
    /// The `[colors]` keys and the theme field each one sets.
    static let colorKeys: [(String, WritableKeyPath<Theme, RGB> & Sendable)] = [
        ("background", \.background), ("foreground", \.foreground), ("muted", \.muted), ("border", \.border),
        ("title", \.title), ("highlight", \.highlight),
    ]
    static let heatmapKeys = ["diverging", "sequential"]
    static let topLevelKeys = ["description", "monochrome"]
    static let sequentialStops = 3...9

    /// Reads a theme from the text of a TOML file named `file` (for messages), with
    /// the program's `roles` as further tables. Keys left out take `base`'s values;
    /// with no base, every key is required. Throws the problem written first in the file.
    public static func parse(
        _ source: String, name: String, file: String, base: Theme?, roles: ThemeRoles
    ) throws(ThemeError) -> Theme {
        let document: TOMLTable
        do {
            document = try TOMLSubset.parse(source)
        } catch {
            throw ThemeError(file: file, line: error.line, key: error.key, problem: "not valid TOML: " + error.text)
        }
        var reader = Reader(file: file, lines: document.lines(), roles: roles, theme: base ?? placeholder(name: name))
        reader.theme.name = name
        reader.theme.summary = ""  // a description is the file's own, never the base's
        reader.read(document)
        if base == nil { reader.requireEverything() }
        if let first = reader.problems.min(by: { ($0.line ?? .max) < ($1.line ?? .max) }) { throw first }
        return reader.theme
    }

    /// Walks a parsed document into a theme, collecting every problem.
    private struct Reader {
        let file: String
        /// The line of each dotted key.
        let lines: [String: Int]
        let roles: ThemeRoles
        var theme: Theme
        var problems: [ThemeError] = []
        var seen: Set<String> = []

        mutating func read(_ document: TOMLTable) {
            let tables = ["colors", "heatmap"] + roles.tables.map(\.name)
            for (key, value) in document.entries.map({ ($0.key, $0.value) }) {
                switch key {
                case "description":
                    if let text = value.string { theme.summary = text } else { wrongType(key, "a string in quotes") }
                case "monochrome":
                    if let flag = value.bool { theme.monochrome = flag } else { wrongType(key, "true or false") }
                case "heatmap":
                    guard let table = value.table else { wrongType(key, "a table: [heatmap]"); continue }
                    readHeatmap(table)
                case "colors":
                    guard let table = value.table else { wrongType(key, "a table: [colors]"); continue }
                    readColors(table, prefix: key, keys: ThemeFile.colorKeys.map(\.0)) { reader, key, color in
                        reader.theme[keyPath: ThemeFile.colorKeys.first { $0.0 == key }!.1] = color
                    }
                default:
                    guard let keys = roles.tables.first(where: { $0.name == key })?.keys else {
                        unknown(key, known: ThemeFile.topLevelKeys + tables.map { "[\($0)]" })
                        continue
                    }
                    guard let table = value.table else { wrongType(key, "a table: [\(key)]"); continue }
                    readColors(table, prefix: key, keys: keys) { reader, name, color in
                        reader.theme.roles[key + "." + name] = color
                    }
                }
                seen.insert(key)
            }
        }

        /// Reads a table of colours, handing each known key's colour to `set`.
        mutating func readColors(
            _ table: TOMLTable, prefix: String, keys: [String], set: (inout Reader, String, RGB) -> Void
        ) {
            for (key, value) in table.entries.map({ ($0.key, $0.value) }) {
                let path = prefix + "." + key
                guard keys.contains(key) else {
                    unknown(path, known: keys)
                    continue
                }
                if let color = color(value, path) { set(&self, key, color) }
                seen.insert(path)
            }
        }

        mutating func readHeatmap(_ table: TOMLTable) {
            for (key, value) in table.entries.map({ ($0.key, $0.value) }) {
                let path = "heatmap." + key
                guard ThemeFile.heatmapKeys.contains(key) else {
                    unknown(path, known: ThemeFile.heatmapKeys)
                    continue
                }
                seen.insert(path)
                guard let array = value.array else {
                    wrongType(path, "a list of colours: [\"#rrggbb\", ...]")
                    continue
                }
                let stops = array.compactMap { color($0, path) }
                guard stops.count == array.count else { continue }
                if key == "diverging" {
                    guard stops.count == 3 else {
                        report(path, "a diverging map has 3 colours (negative, zero, positive), not \(stops.count)")
                        continue
                    }
                    theme.diverging = ColorMap(negative: stops[0], zero: stops[1], positive: stops[2])
                } else {
                    guard ThemeFile.sequentialStops.contains(stops.count) else {
                        report(path, "a sequential map has 3 to 9 colours, not \(stops.count)")
                        continue
                    }
                    theme.sequential = ColorMap(sequential: stops)
                }
            }
        }

        /// Without a base theme (the default itself), every colour must be given.
        mutating func requireEverything() {
            let required =
                ThemeFile.colorKeys.map { "colors." + $0.0 } + roles.keys + ThemeFile.heatmapKeys.map { "heatmap." + $0 }
            for key in required where !seen.contains(key) {
                problems.append(ThemeError(file: file, key: key, problem: "missing: this theme is the base of the others"))
            }
        }

        mutating func color(_ value: TOMLValue, _ path: String) -> RGB? {
            guard let text = value.string else {
                wrongType(path, "a colour in quotes: \"#rrggbb\"")
                return nil
            }
            guard let color = RGB(hex: text) else {
                report(path, "'\(text)' is not a #rrggbb colour")
                return nil
            }
            return color
        }

        mutating func unknown(_ path: String, known: [String]) {
            report(path, "unknown key (known here: \(known.joined(separator: ", ")))")
        }

        mutating func wrongType(_ path: String, _ expected: String) {
            report(path, "expected \(expected)")
        }

        mutating func report(_ path: String, _ problem: String) {
            problems.append(ThemeError(file: file, line: lines[path], key: path, problem: problem))
        }
    }

    /// Something to fill in when there is no base; `requireEverything` makes sure
    /// none of it is left.
    private static func placeholder(name: String) -> Theme {
        let black = RGB(0, 0, 0)
        return Theme(
            name: name, summary: "", background: black, foreground: black, muted: black, border: black, title: black,
            highlight: black, diverging: ColorMap(negative: black, zero: black, positive: black),
            sequential: ColorMap(sequential: [black, black]), monochrome: false, roles: [:])
    }
}
