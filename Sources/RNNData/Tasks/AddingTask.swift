import RNNCore

/// The adding problem as Arjovsky et al. (2016) pose it: two input channels of length
/// T; channel 0 is uniform in [0, 1], channel 1 is zero except for one 1 somewhere in
/// each half; the target is the sum of the two marked values. A model must carry one
/// number across up to T steps. Always predicting 1 scores 1/6.
final class AddingTask: TrainingTask {
    static let validationSize = 1000

    let shape: TaskShape
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String] = []
    let summary: String
    let defaults = TaskDefaults(
        cell: .lstm, hiddenSize: 64, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2),
        clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(2000))

    private let steps: Int
    private var slots = BatchSlots()

    init(steps: Int, generator: inout RandomGenerator) {
        self.steps = steps
        shape = TaskShape(inputSize: 2, outputSize: 1, head: .lastStep, loss: .mse, steps: steps)
        summary = "adding: sum the two marked numbers of \(steps) steps"
        var held = BatchShape(steps: steps, size: Self.validationSize, inputSize: 2, targets: .values(width: 1, everyStep: false))
            .makeBatch()
        Self.generate(into: &held, steps: steps, generator: &generator)
        validation = [held]
        var one = BatchShape(steps: steps, size: 1, inputSize: 2, targets: .values(width: 1, everyStep: false)).makeBatch()
        Self.generate(into: &one, steps: steps, generator: &generator)
        probe = one
        guard case .values(let sums) = held.targets else { preconditionFailure() }
        let loss = sums.reduce(0.0) { $0 + (Double($1) - 1) * (Double($1) - 1) } / Double(sums.count)
        baseline = Baseline(loss: loss, predictor: "always predict 1 (1/6 in expectation)")
    }

    func stepsPerEpoch(batchSize: Int) -> Int { 100 }

    var batch: SequenceBatch { slots.current }

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        slots.prepare(BatchShape(steps: steps, size: size, inputSize: 2, targets: .values(width: 1, everyStep: false)))
        let steps = self.steps
        slots.fill { Self.generate(into: &$0, steps: steps, generator: &generator) }
        return .zeros
    }

    /// Fresh sequences in every row of `batch`.
    private static func generate(into batch: inout SequenceBatch, steps: Int, generator: inout RandomGenerator) {
        let size = batch.size, half = steps / 2
        batch.edit { (inputs: inout [Float], sums: inout [Float]) in
            for t in 0..<steps {
                for b in 0..<size {
                    inputs[(t * size + b) * 2] = generator.nextFloat()
                    inputs[(t * size + b) * 2 + 1] = 0
                }
            }
            for b in 0..<size {
                let first = generator.nextInt(below: half), second = half + generator.nextInt(below: steps - half)
                inputs[(first * size + b) * 2 + 1] = 1
                inputs[(second * size + b) * 2 + 1] = 1
                sums[b] = inputs[(first * size + b) * 2] + inputs[(second * size + b) * 2]
            }
        }
    }
}
