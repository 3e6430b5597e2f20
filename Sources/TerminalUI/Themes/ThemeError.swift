/// A theme that cannot be used: the file, the line and the key at fault, and what is
/// wrong, worded for the person who edits the file. The command line exits with
/// status 2 on it; the dashboard shows it on its message line and keeps its theme.
///
/// ```
/// ~/.config/myapp/themes/dusk.toml: line 12: key 'series.train': '#12345' is not a #rrggbb colour
/// ```
public struct ThemeError: Error, Equatable, CustomStringConvertible {
    /// The file as the user named it, or nil when no file was found.
    public let file: String?
    public let line: Int?
    /// The dotted key, such as `colors.background`.
    public let key: String?
    public let problem: String

    public init(file: String?, line: Int? = nil, key: String? = nil, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    /// The message. It may hold text from the file: print it escaped (`Buffer`
    /// replaces control characters by itself).
    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let line { parts.append("line \(line)") }
        if let key { parts.append("key '\(key)'") }
        return (parts + [problem]).joined(separator: ": ")
    }
}
