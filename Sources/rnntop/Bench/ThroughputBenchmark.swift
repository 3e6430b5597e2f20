import RNNCore
import RNNData

/// Training throughput of one model shape: forward, backpropagation through time and
/// an Adam update per step, on the bench's problem (sequences of `steps` steps, 50
/// unless asked, input size 8, a Dense head on the last step, MSE), the same problem
/// as the PyTorch reference script.
struct ThroughputBenchmark {
    static let inputSize = 8

    let cell: CellKind
    let hidden: Int
    let batch: Int
    var steps = 50
    var layers = 1

    /// Per-step seconds of each timed block.
    func measure(_ timing: BenchTiming) throws -> [Double] {
        var generator = RandomGenerator(seed: 0)
        let config = ModelConfig(
            cell: cell, activation: .tanh, inputSize: Self.inputSize, hiddenSize: hidden, layers: layers, outputSize: 1)
        try checkBenchMemory(config, batch: batch, steps: steps)
        let network = try RecurrentNetwork(config: config, generator: &generator)
        let optimizer = try Optimizer(OptimizerSettings(kind: .adam), parameterCount: network.parameterCount)
        let trainer = Trainer(network: network, optimizer: optimizer, clipping: .off, generator: generator)
        let inputs = (0..<(steps * batch * Self.inputSize)).map { _ in Float(generator.nextNormal()) }
        let targets = (0..<batch).map { _ in Float(generator.nextNormal()) }
        let data = SequenceBatch(
            steps: steps, size: batch, inputSize: Self.inputSize, inputs: inputs, targets: .values(targets))
        return timing.measureBlocks { trainer.step(data) }
    }
}

/// Refuses a bench point too large for the machine's memory, with the figure, before
/// anything is allocated (as training refuses one). `steps` are those one pass
/// backpropagates through; the inputs are made for `sequenceSteps` (all windows).
func checkBenchMemory(_ config: ModelConfig, batch: Int, steps: Int, sequenceSteps: Int? = nil) throws {
    try config.validate()
    let need = MemoryFootprint(config: config, optimizerStates: 2, batch: batch, steps: steps, evaluation: (0, 0))
    let inputs = 4 * Double(batch) * Double(sequenceSteps ?? steps) * Double(config.inputSize)
    try MemoryLimit.check(
        need.total + inputs, limit: MemoryLimit.machine, setting: "bench",
        what: "\(config.cell.displayName)(\(config.hiddenSize)) with batches of \(batch) × \(sequenceSteps ?? steps) steps")
}

/// How long to warm up and how to cut the timed work into blocks.
struct BenchTiming {
    var warmupSeconds: Double
    var blockSeconds: Double
    var repeats: Int

    static let full = BenchTiming(warmupSeconds: 0.5, blockSeconds: 0.6, repeats: 7)
    static let quick = BenchTiming(warmupSeconds: 0.05, blockSeconds: 0.1, repeats: 3)

    /// Warms up, picks a step count so one block lasts about `blockSeconds`, then
    /// times `repeats` blocks. Returns seconds per call of each block.
    func measureBlocks(_ body: () -> Void) -> [Double] {
        let clock = ContinuousClock()
        let warmupStart = clock.now
        var calls = 0
        while calls < 3 || (clock.now - warmupStart).seconds < warmupSeconds {
            body()
            calls += 1
        }
        let probeStart = clock.now
        body()
        body()
        let estimate = max((clock.now - probeStart).seconds / 2, 1e-7)
        let perBlock = min(100_000, max(2, Int((blockSeconds / estimate).rounded(.up))))
        return (0..<repeats).map { _ in
            let start = clock.now
            for _ in 0..<perBlock { body() }
            return (clock.now - start).seconds / Double(perBlock)
        }
    }
}


func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
