import RNNCore

/// The seed document's Keras example, timed end to end: LSTM(50, activation relu) ->
/// Dropout(0.2) -> Dense(1), Adam (lr 1e-3, Keras's epsilon 1e-7), MSE, Keras
/// initialisation, 100 epochs of batch 32 (batches of 32, 32, 32 and 4) on 100
/// random sequences of length 10, shuffled every epoch.
struct SeedExampleBenchmark {
    static let sequences = 100
    static let steps = 10
    static let epochs = 100
    static let batchSize = 32

    /// Wall time of one whole training run, and its final epoch loss (the
    /// sample-weighted mean of the last epoch's batch losses, as Keras reports it).
    func run(seed: UInt64) throws -> (seconds: Double, finalLoss: Double) {
        var generator = RandomGenerator(seed: seed)
        let x = (0..<(Self.sequences * Self.steps)).map { _ in generator.nextFloat() }  // [N][T][1]
        let y = (0..<Self.sequences).map { _ in generator.nextFloat() }
        let config = ModelConfig(
            cell: .lstm, activation: .relu, inputSize: 1, hiddenSize: 50, outputSize: 1, outputDropout: 0.2,
            initialization: .keras)
        let clock = ContinuousClock()
        let start = clock.now
        let network = try RecurrentNetwork(config: config, generator: &generator)
        let optimizer = try Optimizer(
            OptimizerSettings(kind: .adam, learningRate: 1e-3, epsilon: 1e-7, epsilonHat: true), parameterCount: network.parameterCount)
        let trainer = Trainer(network: network, optimizer: optimizer, clipping: .off, generator: generator)
        var order = Array(0..<Self.sequences)
        var batches = stride(from: 0, to: Self.sequences, by: Self.batchSize).map { first in
            let size = min(Self.batchSize, Self.sequences - first)
            return SequenceBatch(steps: Self.steps, size: size, inputSize: 1, targets: .values(Array(repeating: 0, count: size)))
        }
        var epochLoss = 0.0
        for _ in 0..<Self.epochs {
            order.shuffle(using: &trainer.generator)
            epochLoss = 0
            for (index, first) in stride(from: 0, to: Self.sequences, by: Self.batchSize).enumerated() {
                let size = batches[index].size
                var targets = [Float](repeating: 0, count: size)
                for b in 0..<size {
                    let sequence = order[first + b]
                    for t in 0..<Self.steps { batches[index].inputs[t * size + b] = x[sequence * Self.steps + t] }
                    targets[b] = y[sequence]
                }
                batches[index].targets = .values(targets)
                epochLoss += trainer.step(batches[index]).loss * Double(size)
            }
        }
        return ((clock.now - start).seconds, epochLoss / Double(Self.sequences))
    }
}
