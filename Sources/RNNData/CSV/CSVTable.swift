/// A parsed CSV file: its header (when the first row is one) and its data rows, and
/// the choice of numeric columns to model.
struct CSVTable {
    let file: String
    /// Column names: the header's, or "column 0", "column 1", ... without one.
    let names: [String]
    let hasHeader: Bool
    let rows: [CSVParser.Row]

    init(file: String, bytes: [UInt8]) throws(InputError) {
        self.file = file
        var rows = try CSVParser(file: file).parse(bytes)
        guard let first = rows.first else { throw InputError(file: file, problem: "has no rows") }
        // A header is a first row with a field that is neither a number nor a gap.
        hasHeader = first.fields.contains { CSVCell($0) == .text }
        if hasHeader {
            names = first.fields.enumerated().map { $0.element.isEmpty ? "column \($0.offset)" : $0.element }
            rows.removeFirst()
            guard !rows.isEmpty else { throw InputError(file: file, location: "line \(first.line)", problem: "has a header but no data rows") }
        } else {
            names = first.fields.indices.map { "column \($0)" }
        }
        for row in rows where row.fields.count != names.count {
            throw InputError(
                file: file, location: "line \(row.line)",
                problem: "has \(row.fields.count) fields where the \(hasHeader ? "header has" : "first row has") \(names.count)")
        }
        self.rows = rows
    }

    /// Columns whose name says they hold dates or years: not modelled unless asked for.
    var dateColumns: [Int] {
        let dateNames: Set = ["year", "date", "time", "datetime", "timestamp", "month", "day", "period", "week"]
        return names.indices.filter { dateNames.contains(names[$0].lowercased()) || holdsDates(column: $0) }
    }

    /// Columns that hold numbers: more of their cells are numbers (finite or not)
    /// than anything else but gaps. A few bad cells do not make a column text: they
    /// are named when it is read, instead of another column being modelled unasked.
    var numericColumns: [Int] {
        names.indices.filter { c in
            var numbers = 0, text = 0
            for row in rows {
                switch CSVCell(row.fields[c]) {
                case .number, .outOfRange: numbers += 1
                case .text: text += 1
                case .missing: break
                }
            }
            return numbers > text
        }
    }

    /// The columns `requested` (names or 0-based indices), or the last numeric column
    /// that is not a date.
    func columns(_ requested: [String]) throws(InputError) -> [Int] {
        let listing = names.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", ")
        guard !requested.isEmpty else {
            let dates = Set(dateColumns)
            guard let last = numericColumns.last(where: { !dates.contains($0) }) else {
                throw InputError(file: file, problem: "has no numeric column to model (columns: \(listing))")
            }
            return [last]
        }
        var chosen = [Int]()
        for name in requested {
            if let index = names.firstIndex(of: name) ?? names.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                chosen.append(index)
            } else if let index = Int(name), names.indices.contains(index) {
                chosen.append(index)
            } else {
                throw InputError(file: file, field: name, problem: "no such column; the columns are \(listing)")
            }
        }
        return chosen
    }

    private func holdsDates(column c: Int) -> Bool {
        rows.prefix(5).allSatisfy { row in
            let cell = row.fields[c]
            return CSVCell(cell) == .text && cell.contains(where: { $0 == "-" || $0 == "/" || $0 == ":" })
                && cell.first?.isNumber == true
        }
    }
}

/// What a CSV cell holds.
enum CSVCell: Equatable {
    case number(Double)
    /// A number beyond the range of a double, or infinite: `1e400`, `inf`.
    case outOfRange
    /// Empty, NA, N/A, NaN, null: a gap in the series.
    case missing
    case text

    init(_ field: String) {
        let trimmed = field.trimmingSpaces()
        if ["", "na", "n/a", "nan", "null", "none", "-"].contains(trimmed.lowercased()) {
            self = .missing
        } else if let value = Double(trimmed) {
            self = value.isFinite ? .number(value) : .outOfRange
        } else {
            self = .text
        }
    }
}
