/// A numeric series cut for next-step forecasting: z-scored with the mean and
/// standard deviation of the training part only, split in time (training first,
/// validation last), and read as sliding windows of `steps` values, each predicting
/// the value after it.
struct SeriesWindows {
    let steps: Int
    let columns: Int
    /// Normalised values, `[row][column]` flattened.
    let values: [Float]
    let mean: [Double]
    let deviation: [Double]
    /// Rows before this index are training rows.
    let trainingRows: Int
    /// First rows of the training windows (each window's target row is start + steps,
    /// a training row) and of the validation windows (target in the validation rows).
    let trainingStarts: Range<Int>
    let validationStarts: Range<Int>

    /// - Throws: when there are too few rows for one training window and one
    ///   validation window.
    init(series: NumericSeries, steps: Int, validationSplit: Double, file: String) throws(InputError) {
        let rows = series.values.count, columns = series.names.count
        // One training window needs steps + 1 training rows; one validation window, one
        // validation row.
        func trainingPart(_ rows: Int) -> Int { Int((Double(rows) * (1 - validationSplit)).rounded(.down)) }
        func enough(_ rows: Int) -> Bool { trainingPart(rows) >= steps + 1 && rows - trainingPart(rows) >= 1 }
        guard enough(rows) else {
            let needed = ((steps + 2)...).first(where: enough)!
            throw InputError(
                file: file,
                problem: "has \(rows) data rows: too few for windows of \(steps) steps and a validation split of "
                    + "\(validationSplit); that needs at least \(needed) rows (a smaller --seq-len needs fewer)")
        }
        let training = trainingPart(rows)
        var mean = [Double](repeating: 0, count: columns), deviation = mean
        for c in 0..<columns {
            let part = series.values[0..<training].map { $0[c] }
            mean[c] = part.reduce(0, +) / Double(training)
            let variance = part.reduce(0) { $0 + ($1 - mean[c]) * ($1 - mean[c]) } / Double(training)
            deviation[c] = variance > 0 ? variance.squareRoot() : 1
            guard mean[c].isFinite && deviation[c].isFinite else {
                throw InputError(file: file, field: series.names[c], problem: "values too large to normalise (their squares overflow a double)")
            }
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns { values[r * columns + c] = Float((series.values[r][c] - mean[c]) / deviation[c]) }
        }
        self.steps = steps
        self.columns = columns
        self.values = values
        self.mean = mean
        self.deviation = deviation
        trainingRows = training
        trainingStarts = 0..<(training - steps)
        validationStarts = (training - steps)..<(rows - steps)
    }

    /// Writes the window starting at row `start` into row `b` of a batch of `size`
    /// sequences: inputs `[T][size][columns]`, target `[size][columns]`.
    func write(start: Int, row b: Int, size: Int, inputs: inout [Float], targets: inout [Float]) {
        for t in 0..<steps {
            for c in 0..<columns { inputs[(t * size + b) * columns + c] = values[(start + t) * columns + c] }
        }
        for c in 0..<columns { targets[b * columns + c] = values[(start + steps) * columns + c] }
    }

    /// Mean squared error of repeating the last value, over the validation windows.
    var persistenceLoss: Double {
        var total = 0.0
        for start in validationStarts {
            for c in 0..<columns {
                let d = Double(values[(start + steps) * columns + c] - values[(start + steps - 1) * columns + c])
                total += d * d
            }
        }
        return total / Double(validationStarts.count * columns)
    }
}
