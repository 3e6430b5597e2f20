import Foundation
import RNNCore

/// Next-step forecasting of a noisy mixture of two sines (periods 20 and 7.3 steps,
/// random phases, noise 0.05): a quick demo that always learns. Each sequence is T
/// values; the target is the one that follows. The baseline repeats the last value.
final class SineTask: TrainingTask {
    static let validationSize = 500

    let shape: TaskShape
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String] = []
    let summary: String
    let defaults = TaskDefaults(
        cell: .gru, hiddenSize: 32, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2), batchSize: 32,
        length: .steps(1500))

    private let steps: Int
    private var slots = BatchSlots()

    init(steps: Int, generator: inout RandomGenerator) {
        self.steps = steps
        shape = TaskShape(inputSize: 1, outputSize: 1, head: .lastStep, loss: .mse, steps: steps)
        summary = "sine: forecast the next value of two noisy sines from \(steps) steps"
        var held = Self.shape(steps: steps, size: Self.validationSize).makeBatch()
        Self.generate(into: &held, steps: steps, generator: &generator)
        validation = [held]
        var one = Self.shape(steps: steps, size: 1).makeBatch()
        Self.generate(into: &one, steps: steps, generator: &generator)
        probe = one
        guard case .values(let next) = held.targets else { preconditionFailure() }
        let last = (0..<Self.validationSize).map { held.inputs[(steps - 1) * Self.validationSize + $0] }
        let loss = zip(last, next).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(next.count)
        baseline = Baseline(loss: loss, predictor: "persistence (next = last)")
    }

    func stepsPerEpoch(batchSize: Int) -> Int { 100 }

    var batch: SequenceBatch { slots.current }

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        slots.prepare(Self.shape(steps: steps, size: size))
        let steps = self.steps
        slots.fill { Self.generate(into: &$0, steps: steps, generator: &generator) }
        return .zeros
    }

    private static func shape(steps: Int, size: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: 1, targets: .values(width: 1, everyStep: false))
    }

    private static func generate(into batch: inout SequenceBatch, steps: Int, generator: inout RandomGenerator) {
        let size = batch.size
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
}
