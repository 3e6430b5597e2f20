import Foundation
import RNNCore

/// The copy-memory task: ten symbols from 1...8, then T-1 blanks (0), the delimiter
/// 9 and ten more blanks; the model must answer with T+10 blanks and then the ten
/// symbols, so it has to hold them for T steps. Inputs are one-hot over the ten
/// codes, targets one of nine classes (blank or a symbol) at every step.
/// Predicting blanks and then guessing uniformly scores 10 ln 8 / (T+20).
struct CopySequences: SequenceSource {
    static let symbols = 10
    static let codes = 10

    let delay: Int
    let validationSize = 500
    var shape: TaskShape {
        TaskShape(inputSize: Self.codes, outputSize: 9, head: .everyStep, loss: .crossEntropy, steps: delay + 20)
    }
    var summary: String { "copy: recall 10 symbols after \(delay) steps" }
    let defaults = TaskDefaults(
        cell: .gru, hiddenSize: 64, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2),
        clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(3000))

    func batchShape(size: Int) -> BatchShape {
        BatchShape(steps: delay + 20, size: size, inputSize: Self.codes, targets: .classes(everyStep: true))
    }

    func generate(into batch: inout SequenceBatch, generator: inout RandomGenerator) {
        let size = batch.size, delay = self.delay, steps = delay + 20
        let (symbols, codes) = (Self.symbols, Self.codes)
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

    func baseline(of validation: [SequenceBatch]) -> Baseline {
        let steps = Double(delay + 20), symbols = Double(Self.symbols)
        return Baseline(
            loss: symbols * log(8) / steps, predictor: "blanks, then a uniform guess among the 8 symbols",
            accuracy: (steps - symbols + symbols / 8) / steps)
    }
}
