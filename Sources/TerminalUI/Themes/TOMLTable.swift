/// A value of a data file's TOML (see `TOMLSubset`): a string, `true` or `false`, a number, a list or a table.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case bool(Bool)
    case number(Double)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    public var bool: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    public var array: [TOMLValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    public var table: TOMLTable? {
        if case .table(let table) = self { table } else { nil }
    }

    public var number: Double? {
        if case .number(let value) = self { value } else { nil }
    }
}

/// A TOML table: its keys in the order they were written, each with its value and
/// the line it is written on, so that a value that parsed but means nothing to a
/// theme is named by its line. Holds TOML's rules for defining things once: a key
/// is set once, a table's header comes once, and an inline table is whole as written.
public struct TOMLTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let key: String
        public var value: TOMLValue
        public let line: Int
    }

    public private(set) var entries: [Entry] = []
    /// Defined by a `[header]` of its own (not only implied by a longer name).
    var hasHeader = false
    /// Written inline (`{ ... }`): nothing may be added to it later.
    var isInline = false

    /// Why a key or table cannot be defined where it is.
    struct Conflict: Error {
        let text: String
    }

    /// The table at `path`, made (with the tables on its way) where there is none;
    /// `header`: for a `[header]`, which may name a table once.
    mutating func defineTable(_ path: ArraySlice<String>, line: Int, header: Bool) throws(Conflict) {
        guard let first = path.first else {
            if isInline { throw Conflict(text: "an inline table cannot be added to") }
            if header && hasHeader { throw Conflict(text: "a table is defined twice") }
            if header { hasHeader = true }
            return
        }
        var table = TOMLTable()
        let index = entries.firstIndex { $0.key == first }
        if let index {
            guard case .table(let existing) = entries[index].value else {
                throw Conflict(text: "'\(first)' is a value, not a table")
            }
            table = existing
        }
        try table.defineTable(path.dropFirst(), line: line, header: header)
        if let index { entries[index].value = .table(table) } else { entries.append(Entry(key: first, value: .table(table), line: line)) }
    }

    /// Sets the (dotted) key `path` to `value`, in tables made on the way as needed.
    mutating func set(_ path: ArraySlice<String>, to value: TOMLValue, line: Int) throws(Conflict) {
        guard !isInline else { throw Conflict(text: "an inline table cannot be added to") }
        guard let first = path.first else { return }
        if path.count == 1 {
            guard !entries.contains(where: { $0.key == first }) else { throw Conflict(text: "'\(first)' is defined twice") }
            entries.append(Entry(key: first, value: value, line: line))
            return
        }
        try defineTable(path.prefix(1), line: line, header: false)
        let index = entries.firstIndex { $0.key == first }!
        guard case .table(var table) = entries[index].value else { throw Conflict(text: "'\(first)' is a value, not a table") }
        try table.set(path.dropFirst(), to: value, line: line)
        entries[index].value = .table(table)
    }

    /// The line each dotted key (and table) is written on: "colors.background" → 3.
    public func lines(prefix: String = "") -> [String: Int] {
        var lines: [String: Int] = [:]
        for entry in entries {
            let path = prefix + entry.key
            lines[path] = entry.line
            if case .table(let table) = entry.value { lines.merge(table.lines(prefix: path + ".")) { first, _ in first } }
        }
        return lines
    }
}
