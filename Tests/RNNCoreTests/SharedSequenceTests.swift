import Testing

@testable import RNNCore

/// In a large model, every time step is shared by units between two threads that
/// meet at a barrier (for one sequence, or for a whole batch); they must compute what
/// one thread computes.
@Suite struct SharedSequenceTests {
    @Test(arguments: [(CellKind.lstm, 256, 1), (.gru, 300, 1), (.rnn, 512, 1), (.lstm, 256, 5), (.gru, 304, 3)])
    func twoThreadsAgreeWithOne(_ cell: CellKind, _ hidden: Int, _ size: Int) throws {
        func run(parallelism: Int) throws -> (loss: Double, gradients: [Float], norms: [Double], dx: [Float]) {
            let network = try TestModels.network(
                cell, input: 5, hidden: hidden, layers: 2, outputs: 3, head: .everyStep, dropout: 0.25, seed: 8,
                parallelism: parallelism)
            let batch = TestModels.batch(for: network, steps: 9, size: size)
            var generator = RandomGenerator(seed: 21)
            let result = network.computeGradients(batch, record: .inputGradients, generator: &generator)
            let norms = (0..<2).flatMap { l in (0..<9).map { network.hiddenGradientNorm(layer: l, step: $0) } }
            return (result.loss, network.withGradients { Array($0) }, norms, result.recorded!.inputGradient)
        }
        let alone = try run(parallelism: 1), shared = try run(parallelism: 2)
        #expect(abs(alone.loss - shared.loss) <= 1e-6 * abs(alone.loss))
        #expect(TestModels.relativeDifference(shared.gradients.map(Double.init), alone.gradients.map(Double.init)) < 1e-5)
        #expect(TestModels.relativeDifference(shared.norms, alone.norms) < 1e-6)
        #expect(TestModels.relativeDifference(shared.dx.map(Double.init), alone.dx.map(Double.init)) < 1e-5)
    }
}
