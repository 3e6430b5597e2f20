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
    func baseline(of validation: [SequenceBatch]) -> Baseline
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
    /// not fit in `memoryLimit` bytes (a very long `--seq-len`), or when `checkPlan`
    /// refuses the task's shape.
    init(
        _ source: Source, generator: inout RandomGenerator, memoryLimit: Double, checkPlan: TaskPlanCheck?
    ) throws(ConfigError) {
        let steps = source.shape.steps
        let count = min(source.validationSize, max(100, Self.validationSteps / steps))
        let perBatch = max(32, Self.validationBatchSteps / steps)
        let sizes = stride(from: 0, to: count, by: perBatch).map { min(perBatch, count - $0) }
        try BatchShape.checkFixedData(
            sizes.map(source.batchShape) + [source.batchShape(size: 1)], limit: memoryLimit, setting: "seq-len",
            task: String(source.summary.prefix { $0 != ":" }))
        try checkPlan?(source.shape, (sizes.max() ?? 0, steps))
        self.source = source
        shape = source.shape
        validation = sizes.map { size in
            var held = source.batchShape(size: size).makeBatch()
            source.generate(into: &held, generator: &generator)
            return held
        }
        var one = source.batchShape(size: 1).makeBatch()
        source.generate(into: &one, generator: &generator)
        probe = one
        baseline = source.baseline(of: validation)
    }

    /// Time steps in the whole validation set, at most: a source's validation set
    /// holds fewer sequences when they are long (but at least 100), so that
    /// validating 10,000-step sequences takes seconds, not minutes.
    static var validationSteps: Int { 1_000_000 }

    /// Time steps in one validation batch, at most (but at least 32 sequences): long
    /// sequences are validated a few at a time, so that validation needs no more
    /// memory for its activations than a training batch of 32.
    static var validationBatchSteps: Int { 200_000 }

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
