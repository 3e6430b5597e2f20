import Foundation
import RNNCore

/// Selective copying, the task Gu and Dao (2023) use to show what a selective state
/// space model does that a time-invariant one cannot: K data symbols stand at random
/// positions among blanks, then a marker; in the K steps after the marker the model
/// must give the symbols back in the order they came. Unlike the copy task, the gaps
/// between the symbols vary, so a model cannot count its way to them: it must decide,
/// at each input, whether to keep it.
///
/// A sequence has `steps` steps: the first `steps - K - 1` hold the symbols and the
/// blanks, then the marker, then K blanks during which the answer is scored. Inputs
/// are one-hot over blank (0), the symbols (1...V) and the marker (V+1); targets are
/// the symbols as classes 0..<V at the K answer steps and `Targets.ignored` elsewhere,
/// so the loss is the mean over the answers alone. A uniform guess scores ln V and an
/// accuracy of 1/V.
struct SelectiveCopySequences: SequenceSource {
    /// Data symbols to remember, K (the Mamba paper's 16).
    static let remembered = 16
    /// Distinct data symbols, V.
    static let symbols = 8
    static let codes = symbols + 2
    static var marker: Int { symbols + 1 }
    /// The length when `--seq-len` is not given: long enough that the symbols' gaps
    /// vary widely (the paper's 4,096 would take hours on a CPU), short enough that a
    /// GRU learns it in a few thousand steps on two cores.
    static let defaultSteps = 256

    let steps: Int
    let validationSize = 500
    var shape: TaskShape {
        TaskShape(inputSize: Self.codes, outputSize: Self.symbols, head: .everyStep, loss: .crossEntropy, steps: steps)
    }
    var summary: String {
        "selective-copy: recall \(Self.remembered) symbols scattered over \(steps - Self.remembered - 1) steps"
    }
    /// A GRU of 64 units: at 256 steps it leaves chance after some 600 steps and gets
    /// 70% of the symbols right by step 3,000 (about a minute on two cores), where an
    /// LSTM of the same size with the same settings stays at chance for all 3,000.
    /// A min cell gets the paper's three layers (one layer's gates, seeing only the
    /// input, cannot count the symbols kept) at lr 0.003: by step 3,000 minGRU gets
    /// 35% right and minLSTM 43% (at lr 0.01 a 3-layer minGRU stays at chance).
    let defaults = TaskDefaults(
        cell: .gru, hiddenSize: 64, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2),
        clipping: GradientClipping(mode: .norm, threshold: 1), batchSize: 32, length: .steps(3000),
        minCells: MinCellSetup(layers: 3, learningRate: 3e-3))

    /// Refuses a length with fewer steps before the marker than symbols to place.
    init(steps: Int) throws(ConfigError) {
        let shortest = 2 * Self.remembered + 1
        guard steps >= shortest else {
            throw ConfigError(
                setting: "seq-len",
                problem: "the selective-copy task places \(Self.remembered) symbols, then a marker and \(Self.remembered) "
                    + "answer steps: at least \(shortest) (got \(steps))")
        }
        self.steps = steps
    }

    func batchShape(size: Int) -> BatchShape {
        BatchShape(steps: steps, size: size, inputSize: Self.codes, targets: .classes(everyStep: true))
    }

    func generate(into batch: inout SequenceBatch, generator: inout RandomGenerator) {
        let size = batch.size, steps = self.steps, codes = Self.codes, k = Self.remembered
        let region = steps - k - 1
        batch.edit { (inputs: inout [Float], targets: inout [Int32]) in
            for i in inputs.indices { inputs[i] = 0 }
            for i in targets.indices { targets[i] = Targets.ignored }
            for b in 0..<size {
                // Selection sampling (Knuth's algorithm S): each of the region's steps
                // holds a symbol with probability (symbols still to place) / (steps
                // left), which places exactly K, uniformly, in increasing order.
                var placed = 0
                for t in 0..<region {
                    var code = 0
                    if generator.nextInt(below: region - t) < k - placed {
                        let symbol = generator.nextInt(below: Self.symbols)
                        code = 1 + symbol
                        targets[(region + 1 + placed) * size + b] = Int32(symbol)
                        placed += 1
                    }
                    inputs[(t * size + b) * codes + code] = 1
                }
                inputs[(region * size + b) * codes + Self.marker] = 1
                for t in (region + 1)..<steps { inputs[(t * size + b) * codes] = 1 }  // blank
            }
        }
    }

    func baseline(of validation: [SequenceBatch]) -> Baseline {
        Baseline(
            loss: log(Double(Self.symbols)), predictor: "a uniform guess among the \(Self.symbols) symbols",
            accuracy: 1 / Double(Self.symbols))
    }
}
