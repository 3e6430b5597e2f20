import RNNCore

/// The adding problem as Arjovsky et al. (2016) pose it: two input channels of length
/// T; channel 0 is uniform in [0, 1], channel 1 is zero except for one 1 somewhere in
/// each half; the target is the sum of the two marked values. A model must carry one
/// number across up to T steps. Always predicting 1 scores 1/6.
struct AddingSequences: SequenceSource {
    let steps: Int
    let validationSize = 1000
    var shape: TaskShape { TaskShape(inputSize: 2, outputSize: 1, head: .lastStep, loss: .mse, steps: steps) }
    var summary: String { "adding: sum the two marked numbers of \(steps) steps" }
    let defaults = TaskDefaults(
        cell: .lstm, hiddenSize: 64, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2),
        clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(2000))

    func batchShape(size: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: 2, targets: .values(width: 1, everyStep: false))
    }

    func generate(into batch: inout SequenceBatch, generator: inout RandomGenerator) {
        let size = batch.size, steps = self.steps, half = steps / 2
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

    func baseline(of validation: [SequenceBatch]) -> Baseline {
        let sums = validation.flatMap { batch -> [Float] in
            guard case .values(let sums) = batch.targets else { preconditionFailure("value targets") }
            return sums
        }
        let loss = sums.reduce(0.0) { $0 + (Double($1) - 1) * (Double($1) - 1) } / Double(sums.count)
        return Baseline(loss: loss, predictor: "always predict 1 (1/6 in expectation)")
    }
}
