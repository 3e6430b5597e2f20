/// How to fill gaps in a series, when the user asks for it.
public enum FillMethod: String, CaseIterable, Sendable, Codable {
    /// The last value before the gap.
    case previous
    /// A straight line between the values on either side.
    case linear
}

/// The numeric columns chosen from a CSV file, row by row, gaps filled or refused.
struct NumericSeries {
    let names: [String]
    /// `[row][column]`.
    let values: [[Double]]

    init(table: CSVTable, columns: [Int], fill: FillMethod?) throws(InputError) {
        names = columns.map { table.names[$0] }
        var values = [[Double]](repeating: [Double](repeating: .nan, count: columns.count), count: table.rows.count)
        for (c, column) in columns.enumerated() {
            var gaps = [Int]()
            for (r, row) in table.rows.enumerated() {
                switch CSVCell(row.fields[column]) {
                case .number(let v):
                    values[r][c] = v
                case .missing:
                    guard fill != nil else {
                        let shown = row.fields[column].isEmpty ? "an empty cell" : "'\(row.fields[column])'"
                        throw InputError(
                            file: table.file, location: "line \(row.line)", field: table.names[column],
                            problem: "missing value (\(shown)); --fill previous or --fill linear fills gaps")
                    }
                    gaps.append(r)
                case .outOfRange:
                    throw InputError(
                        file: table.file, location: "line \(row.line)", field: table.names[column],
                        problem: "'\(row.fields[column])' is out of range: a finite number is needed")
                case .text:
                    throw InputError(
                        file: table.file, location: "line \(row.line)", field: table.names[column],
                        problem: "'\(row.fields[column])' is not a number")
                }
            }
            guard gaps.count < table.rows.count else {
                throw InputError(file: table.file, field: table.names[column], problem: "has no values at all")
            }
            if let fill { Self.fill(&values, column: c, gaps: gaps, method: fill) }
        }
        self.values = values
    }

    /// Fills the rows `gaps` of column `c`: from the nearest value before (or after, at
    /// the start), or on the line between the values around the gap.
    private static func fill(_ values: inout [[Double]], column c: Int, gaps: [Int], method: FillMethod) {
        let known = values.indices.filter { !values[$0][c].isNaN }
        for r in gaps {
            let before = known.last { $0 < r }, after = known.first { $0 > r }
            switch (method, before, after) {
            case (.linear, let b?, let a?):
                let w = Double(r - b) / Double(a - b)
                values[r][c] = values[b][c] * (1 - w) + values[a][c] * w
            case (_, let b?, _):
                values[r][c] = values[b][c]
            case (_, nil, let a?):
                values[r][c] = values[a][c]
            case (_, nil, nil):
                break
            }
        }
    }
}
