/// Input the program cannot use: a file, the place in it, the field, and what is
/// wrong, worded for the person who has to fix it. Commands exit with status 2.
///
/// ```swift
/// throw InputError(file: "sunspots.csv", location: "row 12", field: "SUNACTIVITY", problem: "'n/a' is not a number")
/// // sunspots.csv: row 12: field 'SUNACTIVITY': 'n/a' is not a number
/// ```
public struct InputError: Error, CustomStringConvertible, Equatable {
    public let file: String
    /// "line 12", "row 40", or nil when the whole file is at fault.
    public let location: String?
    /// The field, key or column, when there is one.
    public let field: String?
    public let problem: String

    public init(file: String, location: String? = nil, field: String? = nil, problem: String) {
        self.file = file
        self.location = location
        self.field = field
        self.problem = problem
    }

    /// The message, with control characters escaped: names and cells come from the
    /// user's files and must not reach the terminal raw.
    public var description: String {
        var parts = [file]
        if let location { parts.append(location) }
        if let field { parts.append("field '\(field)'") }
        return Escaping.escape(parts.joined(separator: ": ") + ": " + problem)
    }
}
