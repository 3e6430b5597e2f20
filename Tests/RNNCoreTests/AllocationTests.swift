import AllocationCounter
import Testing

@testable import RNNCore

/// "No allocation inside a training step after the first": buffers grow on the first
/// step of a size and are reused afterwards. Allocations are counted on the test's
/// thread, which runs every kind of pass: serial shards, and the lead part of a
/// sequence shared with a worker thread (the worker runs the same functions).
@Suite struct AllocationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: CellKind
        let head: HeadKind
        let loss: LossKind
        let optimizer: OptimizerKind
        let hidden: Int
        let batch: Int
        let parallelism: Int
        var testDescription: String { "\(cell) \(head) \(loss) \(optimizer) H\(hidden) B\(batch) threads \(parallelism)" }
    }

    static let cases: [Case] = [
        Case(cell: .lstm, head: .lastStep, loss: .mse, optimizer: .adam, hidden: 32, batch: 8, parallelism: 1),
        Case(cell: .gru, head: .everyStep, loss: .crossEntropy, optimizer: .sgd, hidden: 16, batch: 3, parallelism: 1),
        Case(cell: .rnn, head: .everyStep, loss: .mse, optimizer: .rmsprop, hidden: 24, batch: 1, parallelism: 1),
        Case(cell: .lstm, head: .everyStep, loss: .crossEntropy, optimizer: .adagrad, hidden: 256, batch: 1, parallelism: 2),
    ]

    @Test(.enabled(if: allocation_counter_available() != 0), arguments: cases)
    func trainingStepsAfterTheFirstDoNotAllocate(_ c: Case) throws {
        let network = try TestModels.network(
            c.cell, input: 4, hidden: c.hidden, layers: 2, outputs: 5, head: c.head, loss: c.loss, dropout: 0.1,
            outputDropout: 0.1, parallelism: c.parallelism)
        let optimizer = try Optimizer(OptimizerSettings(kind: c.optimizer, momentum: c.optimizer == .sgd ? 0.9 : 0),
                                          parameterCount: network.parameterCount)
        let trainer = Trainer(
            network: network, optimizer: optimizer, clipping: GradientClipping(mode: .norm, threshold: 0.5),
            generator: RandomGenerator(seed: 1))
        let batch = TestModels.batch(for: network, steps: 12, size: c.batch)
        trainer.step(batch)
        trainer.step(batch, initialState: .carried)

        // Counted round by round: a library may set something up lazily on a thread
        // once (we saw OpenBLAS or the loader do so, with no caller in the engine);
        // a step that allocates would show in every round.
        var rounds = [Int](repeating: 0, count: 8)
        for round in rounds.indices {
            allocation_counter_start()
            trainer.step(batch)
            trainer.step(batch, initialState: .carried)
            rounds[round] = allocation_counter_stop()
        }
        #expect(rounds.suffix(4).allSatisfy { $0 == 0 }, "allocations per round of two steps: \(rounds)")
        #expect(rounds.filter { $0 > 0 }.count <= 1, "allocations per round of two steps: \(rounds)")
    }

    @Test(.enabled(if: allocation_counter_available() != 0))
    func theCounterSeesAllocations() {
        allocation_counter_start()
        var generator = RandomGenerator(seed: 7)
        let array = [Int](repeating: 1, count: Int.random(in: 100...200, using: &generator))
        let allocations = allocation_counter_stop()
        #expect(allocations >= 1 && array.count >= 100)
    }
}
