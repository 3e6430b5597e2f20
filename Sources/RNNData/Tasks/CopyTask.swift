import Foundation
import RNNCore

/// The copy-memory task: ten symbols from 1...8, then T-1 blanks (0), the delimiter
/// 9 and ten more blanks; the model must answer with T+10 blanks and then the ten
/// symbols, so it has to hold them for T steps. Inputs are one-hot over the ten
/// codes, targets one of nine classes (blank or a symbol) at every step.
/// Predicting blanks and then guessing uniformly scores 10 ln 8 / (T+20).
final class CopyTask: TrainingTask {
    static let symbols = 10
    static let validationSize = 500
    static let codes = 10
    static let classes = 9

    let shape: TaskShape
    let baseline: Baseline
    let validation: [SequenceBatch]
    let probe: SequenceBatch
    let warnings: [String] = []
    let summary: String
    let defaults = TaskDefaults(
        cell: .gru, hiddenSize: 64, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2),
        clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(3000))

    private let delay: Int
    private var slots = BatchSlots()

    init(delay: Int, generator: inout RandomGenerator) {
        self.delay = delay
        let steps = delay + 20
        shape = TaskShape(inputSize: Self.codes, outputSize: Self.classes, head: .everyStep, loss: .crossEntropy, steps: steps)
        summary = "copy: recall 10 symbols after \(delay) steps"
        var held = Self.shape(steps: steps, size: Self.validationSize).makeBatch()
        Self.generate(into: &held, delay: delay, generator: &generator)
        validation = [held]
        var one = Self.shape(steps: steps, size: 1).makeBatch()
        Self.generate(into: &one, delay: delay, generator: &generator)
        probe = one
        baseline = Baseline(
            loss: Double(Self.symbols) * log(8) / Double(steps), predictor: "blanks, then a uniform guess among the 8 symbols")
    }

    func stepsPerEpoch(batchSize: Int) -> Int { 100 }

    var batch: SequenceBatch { slots.current }

    func nextBatch(size: Int, generator: inout RandomGenerator) -> InitialState {
        slots.prepare(Self.shape(steps: delay + 20, size: size))
        let delay = self.delay
        slots.fill { Self.generate(into: &$0, delay: delay, generator: &generator) }
        return .zeros
    }

    private static func shape(steps: Int, size: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: codes, targets: .classes(everyStep: true))
    }

    private static func generate(into batch: inout SequenceBatch, delay: Int, generator: inout RandomGenerator) {
        let size = batch.size, steps = delay + 20
        batch.edit { (inputs: inout [Float], targets: inout [Int32]) in
            for i in inputs.indices { inputs[i] = 0 }
            for i in targets.indices { targets[i] = 0 }
            for b in 0..<size {
                for position in 0..<symbols {
                    let symbol = 1 + generator.nextInt(below: 8)
                    inputs[(position * size + b) * codes + symbol] = 1
                    targets[(steps - symbols + position) * size + b] = Int32(symbol)
                }
                for t in symbols..<steps where t != delay + symbols - 1 {
                    inputs[(t * size + b) * codes] = 1  // blank
                }
                inputs[((delay + symbols - 1) * size + b) * codes + 9] = 1  // the delimiter
            }
        }
    }
}
