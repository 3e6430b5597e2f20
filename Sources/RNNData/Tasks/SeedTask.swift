import RNNCore

/// The seed document's Keras example, exactly: `np.random.seed(1)`, x = rand(100, 10)
/// as (100, 10, 1), y = rand(100, 1) (the same numbers, from NumPy's generator),
/// trained as LSTM(50, activation relu) -> Dropout(0.2) -> Dense(1) with Adam (Keras's
/// defaults and epsilon), MSE, batch 32, 100 epochs, Keras initialisation (and its one
/// bias per gate), shuffled every epoch.
///
/// The data is noise, so there is nothing to learn: the training loss settles near
/// the variance of y (0.088; Keras ends at 0.083-0.094). The validation set is the
/// next 100 sequences of the same generator, and its baseline (predicting the mean
/// of the training y) shows that the model learns nothing that carries over.
final class SeedTask: TrainingTask {
    static let sequences = 100
    static let steps = 10

    let shape = TaskShape(inputSize: 1, outputSize: 1, head: .lastStep, loss: .mse, steps: steps)
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String] = []
    let summary = "seed: the Keras example, 100 random sequences of 10 steps, random targets"
    let defaults = TaskDefaults(
        cell: .lstm, activation: .relu, hiddenSize: 50, outputDropout: 0.2, initialization: .keras,
        optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-3, epsilon: 1e-7, epsilonHat: true), batchSize: 32,
        length: .epochs(100))

    /// `[sequence][step]` and `[sequence]`.
    private let x: [Float]
    private let y: [Float]
    private var epochs = ShuffledEpochs(count: sequences)
    private var slots = BatchSlots()

    init() {
        let n = Self.sequences, t = Self.steps
        var numpy = NumpyLegacyRandom(seed: 1)
        x = (0..<(n * t)).map { _ in Float(numpy.nextDouble()) }
        y = (0..<n).map { _ in Float(numpy.nextDouble()) }
        let heldOutX = (0..<(n * t)).map { _ in Float(numpy.nextDouble()) }
        let heldOutY = (0..<n).map { _ in Float(numpy.nextDouble()) }
        var held = SequenceBatch(steps: t, size: n, inputSize: 1, targets: .values(heldOutY))
        for s in 0..<n { for step in 0..<t { held.inputs[step * n + s] = heldOutX[s * t + step] } }
        validation = [held]
        probe = SequenceBatch(
            steps: t, size: 1, inputSize: 1, inputs: Array(heldOutX[0..<t]), targets: .values([heldOutY[0]]))
        let mean = Double(y.reduce(0, +)) / Double(n)
        let loss = heldOutY.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n)
        baseline = Baseline(loss: loss, predictor: "always predict the training mean (the data is noise)")
    }

    func stepsPerEpoch(batchSize: Int) -> Int { (Self.sequences + batchSize - 1) / batchSize }

    var batch: SequenceBatch { slots.current }

    var cursor: TaskCursor { epochs.state }

    func restore(_ cursor: TaskCursor) throws(ConfigError) {
        try epochs.restore(cursor)
    }

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        let picked = epochs.next(size, generator: &generator)
        let t = Self.steps, rows = picked.count
        slots.prepare(BatchShape(steps: t, size: rows, inputSize: 1, targets: .values(width: 1, everyStep: false)))
        slots.fill { batch in
            batch.edit { (inputs: inout [Float], targets: inout [Float]) in
                for (b, position) in picked.enumerated() {
                    let sequence = epochs.order[position]
                    for step in 0..<t { inputs[step * rows + b] = x[sequence * t + step] }
                    targets[b] = y[sequence]
                }
            }
        }
        return .zeros
    }
}
