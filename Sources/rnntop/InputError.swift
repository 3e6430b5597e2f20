/// Input the program cannot use: a file, the place in it, the field, and what is
/// wrong, worded for the person who has to fix it. Commands exit with status 2.
struct InputError: Error, CustomStringConvertible {
    let file: String
    /// "line 12", "row 40", or nil when the whole file is at fault.
    let location: String?
    /// The field, key or column, when there is one.
    let field: String?
    let problem: String

    init(file: String, location: String? = nil, field: String? = nil, problem: String) {
        self.file = file
        self.location = location
        self.field = field
        self.problem = problem
    }

    var description: String {
        var parts = [file]
        if let location { parts.append(location) }
        if let field { parts.append("field '\(field)'") }
        return parts.joined(separator: ": ") + ": " + problem
    }
}
