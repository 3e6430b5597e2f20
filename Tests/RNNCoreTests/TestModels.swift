@testable import RNNCore

/// Small models and batches shared by the engine's tests.
enum TestModels {
    /// A network with torch initialisation and the given shape, drawn from `seed`.
    static func network(
        _ cell: CellKind, activation: Activation = .tanh, input: Int = 3, hidden: Int = 5, layers: Int = 1,
        outputs: Int = 2, head: HeadKind = .lastStep, loss: LossKind = .mse, dropout: Float = 0,
        outputDropout: Float = 0, initialization: InitScheme = .torch, seed: UInt64 = 1, parallelism: Int? = nil
    ) throws -> RecurrentNetwork {
        var generator = RandomGenerator(seed: seed)
        let config = ModelConfig(
            cell: cell, activation: activation, inputSize: input, hiddenSize: hidden, layers: layers,
            outputSize: outputs, head: head, loss: loss, dropout: dropout, outputDropout: outputDropout,
            initialization: initialization)
        return try RecurrentNetwork(config: config, generator: &generator, parallelism: parallelism)
    }

    /// A batch of standard-normal inputs with targets that suit the network's head and loss.
    static func batch(for network: RecurrentNetwork, steps: Int, size: Int, seed: UInt64 = 7) -> SequenceBatch {
        var generator = RandomGenerator(seed: seed)
        let config = network.config
        let inputs = (0..<(steps * size * config.inputSize)).map { _ in Float(generator.nextNormal()) }
        let rows = (config.head == .lastStep ? 1 : steps) * size
        let targets: Targets
        switch (config.head, config.loss) {
        case (.none, _):
            targets = .values((0..<(rows * config.hiddenSize)).map { _ in Float(generator.nextNormal()) })
        case (_, .mse):
            targets = .values((0..<(rows * config.outputSize)).map { _ in Float(generator.nextNormal()) })
        case (_, .crossEntropy):
            targets = .classes((0..<rows).map { _ in Int32(generator.nextInt(below: config.outputSize)) })
        }
        return SequenceBatch(steps: steps, size: size, inputSize: config.inputSize, inputs: inputs, targets: targets)
    }

    /// Norm-wise relative difference ‖a - b‖ / ‖b‖.
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        var difference = 0.0, size = 0.0
        for (x, y) in zip(a, b) {
            difference += (x - y) * (x - y)
            size += y * y
        }
        return size == 0 ? difference.squareRoot() : (difference / size).squareRoot()
    }
}
