import RNNData
import TerminalUI

/// A chapter of the guided lessons: a live experiment (the flags of a run or a
/// comparison), a short text that says what to look at and what to try, and the
/// checks that say when the published figure has been reproduced. Read from a
/// `lessons/NAME.toml` file; lessons/README.md documents the format.
struct Lesson: Sendable, Equatable {
    /// The file's name without `.toml` ("01-vanishing").
    let name: String
    /// The file as messages name it.
    let file: String
    let title: String
    /// Where the figures come from: papers, measurements against PyTorch.
    let source: String
    /// The run's flags, as on rnntop's command line.
    let flags: [String]
    /// Paragraphs, an entry a line ("" separates paragraphs).
    let text: [String]
    /// What the learner can try: "key  what it shows", a line each.
    let tryKeys: [String]
    let checks: [LessonCheck]

    /// The chapter in `source`, the text of `file`; refused with the line and key
    /// of its first mistake.
    static func parse(_ source: String, name: String, file: String) throws(InputError) -> Lesson {
        let table: TOMLTable
        do throws(TOMLSubset.Problem) { table = try TOMLSubset.parse(source) } catch {
            throw InputError(file: file, location: "line \(error.line)", field: error.key, problem: error.text)
        }
        var reader = LessonFields(table: table, file: file, prefix: "")
        let title = try reader.string("title")
        let origin = try reader.string("source")
        let flags = try reader.strings("flags")
        let text = try reader.strings("text")
        let tryKeys = try reader.optionalStrings("try") ?? []
        let checksTable = try reader.table("checks")
        try reader.refuseOthers()
        var checks: [LessonCheck] = []
        for entry in checksTable.entries {
            guard let checkTable = entry.value.table else {
                throw InputError(file: file, location: "line \(entry.line)", field: "checks.\(entry.key)", problem: "a check is a table: [checks.\(entry.key)]")
            }
            var check = LessonFields(table: checkTable, file: file, prefix: "checks.\(entry.key).", line: entry.line)
            checks.append(try check.check(named: entry.key))
        }
        guard !checks.isEmpty else {
            throw InputError(file: file, field: "checks", problem: "a chapter needs at least one check ([checks.NAME])")
        }
        return Lesson(name: name, file: file, title: title, source: origin, flags: flags, text: text, tryKeys: tryKeys, checks: checks)
    }

    /// The run of the flags each check watches exists, once the runs are known.
    func checkRuns(count: Int, file: String) throws(InputError) {
        for check in checks {
            var runs = [check.run]
            if case .run(let other) = check.relativeTo { runs.append(other) }
            if let beyond = runs.first(where: { $0 >= count }) {
                let have = count == 1 ? "one run" : "\(count) runs"
                throw InputError(file: file, field: "checks.\(check.name).run", problem: "run \(beyond + 1), but the flags make \(have)")
            }
        }
    }
}

/// Reads a lesson's keys one by one, each refused with its line when it is missing
/// or of the wrong kind, and then any key left unread (a typo must not pass).
struct LessonFields {
    let table: TOMLTable
    let file: String
    let prefix: String
    /// The line of the table's header, for a key that is missing.
    var line: Int? = nil
    private var read: Set<String> = []

    init(table: TOMLTable, file: String, prefix: String, line: Int? = nil) {
        self.table = table
        self.file = file
        self.prefix = prefix
        self.line = line
    }

    mutating func value(_ key: String) -> TOMLTable.Entry? {
        read.insert(key)
        return table.entries.first { $0.key == key }
    }

    func problem(_ key: String, _ text: String, at entry: TOMLTable.Entry? = nil) -> InputError {
        InputError(file: file, location: (entry?.line ?? line).map { "line \($0)" }, field: prefix + key, problem: text)
    }

    mutating func string(_ key: String) throws(InputError) -> String {
        guard let entry = value(key) else { throw problem(key, "missing") }
        guard let text = entry.value.string, !text.isEmpty else { throw problem(key, "must be a string that is not empty", at: entry) }
        return text
    }

    mutating func optionalStrings(_ key: String) throws(InputError) -> [String]? {
        guard let entry = value(key) else { return nil }
        let texts = entry.value.array?.compactMap(\.string)
        guard let texts, texts.count == entry.value.array?.count else {
            throw problem(key, "must be a list of strings: [\"...\", \"...\"]", at: entry)
        }
        return texts
    }

    mutating func strings(_ key: String) throws(InputError) -> [String] {
        guard let texts = try optionalStrings(key) else { throw problem(key, "missing") }
        guard !texts.isEmpty else { throw problem(key, "must not be empty", at: value(key)) }
        return texts
    }

    mutating func number(_ key: String) throws(InputError) -> Double? {
        guard let entry = value(key) else { return nil }
        guard let number = entry.value.number, number.isFinite else { throw problem(key, "must be a number", at: entry) }
        return number
    }

    /// A count of steps or a run's number: a whole number from 1.
    mutating func count(_ key: String) throws(InputError) -> Int? {
        guard let number = try number(key) else { return nil }
        guard number >= 1, number <= 1e9, number == number.rounded() else {
            throw problem(key, "must be a whole number from 1 to 1,000,000,000 (got \(LessonFigure.text(number)))", at: value(key))
        }
        return Int(number)
    }

    mutating func table(_ key: String) throws(InputError) -> TOMLTable {
        guard let entry = value(key) else { throw problem(key, "missing: a chapter needs at least one check ([checks.NAME])") }
        guard let table = entry.value.table else { throw problem(key, "must be a table of checks ([checks.NAME])", at: entry) }
        return table
    }

    /// Refuses the first key that was not read: the reader does not know it.
    func refuseOthers() throws(InputError) {
        guard let unknown = table.entries.first(where: { !read.contains($0.key) }) else { return }
        throw problem(unknown.key, "not a key of a lesson\(prefix.isEmpty ? "" : "'s check") (see lessons/README.md)", at: unknown)
    }
}
