import Foundation
import RNNCore

/// A user's time series from a CSV file: the chosen columns (default the last numeric
/// one that is not a date), z-scored on the training part, cut into sliding windows
/// that predict the next step of every column. Split in time: the last 20% (by
/// default) is validation. The baseline is the persistence forecast (next = last).
final class CSVSeriesTask: TrainingTask {
    let shape: TaskShape
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String]
    let summary: String
    let title: String
    let defaults: TaskDefaults

    private let windows: SeriesWindows
    private var epochs: ShuffledEpochs
    private var slots = BatchSlots()

    init(options: TaskOptions, memoryLimit: Double) throws {
        let file = options.dataPath!
        let bytes = try DataFile.read(file)
        guard !DataFile.looksBinary(bytes) else {
            throw InputError(file: file, problem: "looks like a binary file, not CSV text")
        }
        let table = try CSVTable(file: file, bytes: bytes)
        let columns = try table.columns(options.columns)
        let series = try NumericSeries(table: table, columns: columns, fill: options.fill)
        let steps = options.sequenceLength ?? 20
        windows = try SeriesWindows(
            series: series, steps: steps, validationSplit: options.validationSplit ?? 0.2, file: file)
        let width = columns.count
        shape = TaskShape(inputSize: width, outputSize: width, head: .lastStep, loss: .mse, steps: steps)
        epochs = ShuffledEpochs(count: windows.trainingStarts.count)
        baseline = Baseline(loss: windows.persistenceLoss, predictor: "persistence (next = last)")
        defaults = TaskDefaults(
            cell: .lstm, hiddenSize: 32, optimizer: OptimizerSettings(kind: .adam, learningRate: 3e-3),
            clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(2000))

        let names = series.names.joined(separator: ", ")
        let rows = series.values.count
        title = "csv \(Escaping.escape((file as NSString).lastPathComponent)): \(Escaping.escape(names))"
        summary = "csv: \(Escaping.escape(names)) from \(file), \(rows) rows, windows of \(steps), "
            + "\(windows.validationStarts.count) validation windows"
        var notes = [String]()
        if options.columns.isEmpty {
            let skipped = table.dateColumns.map { table.names[$0] }
            if !skipped.isEmpty {
                notes.append("\(file): not modelled as dates or years: \(Escaping.escape(skipped.joined(separator: ", ")))")
            }
        }
        for (c, name) in series.names.enumerated() where windows.deviation[c] == 1 && Self.isConstant(series, c) {
            notes.append("\(file): column '\(Escaping.escape(name))' is constant")
        }
        warnings = notes

        try BatchShape.checkFixedData(
            [Self.shape(windows, size: windows.validationStarts.count), Self.shape(windows, size: 1)], limit: memoryLimit,
            setting: "seq-len", task: "csv")
        let held = Self.batch(windows, starts: windows.validationStarts)
        validation = [held]
        probe = Self.batch(windows, starts: windows.validationStarts.lowerBound..<(windows.validationStarts.lowerBound + 1))
    }

    func stepsPerEpoch(batchSize: Int) -> Int { (windows.trainingStarts.count + batchSize - 1) / batchSize }

    var batch: SequenceBatch { slots.current }

    var cursor: TaskCursor { epochs.state }

    func restore(_ cursor: TaskCursor) throws(ConfigError) {
        try epochs.restore(cursor)
    }

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        let picked = epochs.next(size, generator: &generator)
        let rows = picked.count, width = windows.columns
        slots.prepare(BatchShape(steps: windows.steps, size: rows, inputSize: width, targets: .values(width: width, everyStep: false)))
        slots.fill { batch in
            batch.edit { (inputs: inout [Float], targets: inout [Float]) in
                for (b, position) in picked.enumerated() {
                    windows.write(start: epochs.order[position], row: b, size: rows, inputs: &inputs, targets: &targets)
                }
            }
        }
        return .zeros
    }

    private static func shape(_ windows: SeriesWindows, size: Int) -> BatchShape {
        BatchShape(steps: windows.steps, size: size, inputSize: windows.columns, targets: .values(width: windows.columns, everyStep: false))
    }

    private static func batch(_ windows: SeriesWindows, starts: Range<Int>) -> SequenceBatch {
        var batch = shape(windows, size: starts.count).makeBatch()
        batch.edit { (inputs: inout [Float], targets: inout [Float]) in
            for (b, start) in starts.enumerated() {
                windows.write(start: start, row: b, size: starts.count, inputs: &inputs, targets: &targets)
            }
        }
        return batch
    }

    private static func isConstant(_ series: NumericSeries, _ c: Int) -> Bool {
        let first = series.values[0][c]
        return series.values.allSatisfy { $0[c] == first }
    }
}
