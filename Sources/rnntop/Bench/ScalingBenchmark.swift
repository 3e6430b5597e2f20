import Foundation
import RNNCore

/// How the cost of training grows with the sequence length and the hidden size: one
/// model shape trained on sequences of `steps` time steps, either backpropagating
/// through all of them (`window` nil) or through windows of `window` steps that
/// carry the state from one to the next (truncated BPTT, one update per window).
///
/// The problem is the bench's (input size 8, a Dense head on the last step of each
/// pass, MSE, Adam), so the figures line up with the throughput grid's.
struct ScalingBenchmark {
    let cell: CellKind
    let hidden: Int
    let batch: Int
    let steps: Int
    let window: Int?

    /// Trains once to warm up, then times batches of whole sequences until `seconds`
    /// have passed (at least twice). Returns the median time of one batch of whole
    /// sequences (all its windows), and the process's peak resident memory while it
    /// all ran over what it held before the model was made (nil where the system
    /// does not say).
    func measure(seconds: Double) throws -> (seconds: Double, peakBytes: Int?) {
        let memory = ResidentMemory.startMeasuring()
        var generator = RandomGenerator(seed: 0)
        let config = ModelConfig(
            cell: cell, activation: .tanh, inputSize: ThroughputBenchmark.inputSize, hiddenSize: hidden, outputSize: 1)
        try checkBenchMemory(config, batch: batch, steps: min(window ?? steps, steps), sequenceSteps: steps)
        let network = try RecurrentNetwork(config: config, generator: &generator)
        let optimizer = try Optimizer(OptimizerSettings(kind: .adam), parameterCount: network.parameterCount)
        let trainer = Trainer(network: network, optimizer: optimizer, clipping: .off, generator: generator)
        let windows = makeWindows(&generator)
        func sequence() {
            for (index, window) in windows.enumerated() {
                trainer.step(window, initialState: index == 0 ? .zeros : .carried)
            }
        }
        sequence()
        let clock = ContinuousClock()
        var times = [Double]()
        let start = clock.now
        while times.count < 2 || (clock.now - start).seconds < seconds {
            let begin = clock.now
            sequence()
            times.append((clock.now - begin).seconds)
        }
        return (median(times), memory.peakBytes())
    }

    /// The batch's sequences cut into the windows trained one after another (one
    /// window: the whole sequences), time-major inputs and a target per sequence each.
    private func makeWindows(_ generator: inout RandomGenerator) -> [SequenceBatch] {
        let width = ThroughputBenchmark.inputSize
        let length = window.map { min($0, steps) } ?? steps
        return stride(from: 0, to: steps, by: length).map { first in
            let count = min(length, steps - first)
            let inputs = (0..<(count * batch * width)).map { _ in Float(generator.nextNormal()) }
            let targets = (0..<batch).map { _ in Float(generator.nextNormal()) }
            return SequenceBatch(steps: count, size: batch, inputSize: width, inputs: inputs, targets: .values(targets))
        }
    }
}
