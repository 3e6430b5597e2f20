import RNNCore

/// Sequences a generated task draws fresh for every batch.
protocol SequenceSource {
    var shape: TaskShape { get }
    var defaults: TaskDefaults { get }
    var summary: String { get }
    /// Sequences in the fixed validation set.
    var validationSize: Int { get }
    /// The layout of a batch of `size` sequences.
    func batchShape(size: Int) -> BatchShape
    /// Fresh sequences in every row of `batch`.
    func generate(into batch: inout SequenceBatch, generator: inout RandomGenerator)
    /// What learning nothing scores on `validation`.
    func baseline(of validation: SequenceBatch) -> Baseline
}

/// A task whose data is generated (adding, copy, sine): every training batch is new,
/// the validation set and the probe are drawn once. With no data to pass over, an
/// epoch is a fixed 100 steps.
final class GeneratedTask<Source: SequenceSource>: TrainingTask {
    let shape: TaskShape
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String] = []
    var summary: String { source.summary }
    var defaults: TaskDefaults { source.defaults }

    private let source: Source
    private var slots = BatchSlots()

    /// Draws the validation set and the probe; refuses them first when they would
    /// not fit in `memoryLimit` bytes (a very long `--seq-len`).
    init(_ source: Source, generator: inout RandomGenerator, memoryLimit: Double) throws(ConfigError) {
        try BatchShape.checkFixedData(
            [source.batchShape(size: source.validationSize), source.batchShape(size: 1)], limit: memoryLimit, setting: "seq-len",
            task: String(source.summary.prefix { $0 != ":" }))
        self.source = source
        shape = source.shape
        var held = source.batchShape(size: source.validationSize).makeBatch()
        source.generate(into: &held, generator: &generator)
        validation = [held]
        var one = source.batchShape(size: 1).makeBatch()
        source.generate(into: &one, generator: &generator)
        probe = one
        baseline = source.baseline(of: held)
    }

    func stepsPerEpoch(batchSize: Int) -> Int { 100 }

    var batch: SequenceBatch { slots.current }

    let cursor = TaskCursor()

    func restore(_ cursor: TaskCursor) throws(ConfigError) {}

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        slots.prepare(source.batchShape(size: size))
        let source = self.source
        slots.fill { source.generate(into: &$0, generator: &generator) }
        return .zeros
    }
}
