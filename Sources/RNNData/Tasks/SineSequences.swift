import Foundation
import RNNCore

/// Next-step forecasting of a noisy mixture of two sines (periods 20 and 7.3 steps,
/// random phases, noise 0.05): a quick demo that always learns. Each sequence is T
/// values; the target is the one that follows. The baseline repeats the last value.
struct SineSequences: SequenceSource {
    let steps: Int
    let validationSize = 500
    var shape: TaskShape { TaskShape(inputSize: 1, outputSize: 1, head: .lastStep, loss: .mse, steps: steps) }
    var summary: String { "sine: forecast the next value of two noisy sines from \(steps) steps" }
    let defaults = TaskDefaults(
        cell: .gru, hiddenSize: 32, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2), batchSize: 32,
        length: .steps(1500))

    func batchShape(size: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: 1, targets: .values(width: 1, everyStep: false))
    }

    func generate(into batch: inout SequenceBatch, generator: inout RandomGenerator) {
        let size = batch.size, steps = self.steps
        batch.edit { (inputs: inout [Float], next: inout [Float]) in
            for b in 0..<size {
                let phase1 = 2 * Double.pi * generator.nextDouble(), phase2 = 2 * Double.pi * generator.nextDouble()
                for t in 0...steps {
                    let x = Double(t)
                    let value = 0.6 * sin(2 * .pi * x / 20 + phase1) + 0.4 * sin(2 * .pi * x / 7.3 + phase2)
                        + 0.05 * generator.nextNormal()
                    if t < steps { inputs[t * size + b] = Float(value) } else { next[b] = Float(value) }
                }
            }
        }
    }

    func baseline(of validation: [SequenceBatch]) -> Baseline {
        var loss = 0.0
        for batch in validation {
            guard case .values(let next) = batch.targets else { preconditionFailure("value targets") }
            let size = batch.size
            loss = (0..<size).reduce(loss) { total, b in
                let d = Double(batch.inputs[(steps - 1) * size + b] - next[b])
                return total + d * d
            }
        }
        return Baseline(loss: loss / Double(validation.reduce(0) { $0 + $1.size }), predictor: "persistence (next = last)")
    }
}
