import Testing

@testable import RNNCore

/// Carrying the hidden state from one window to the next continues the sequence
/// exactly: two windows of 6 steps give the predictions of one pass of 12.
@Suite struct TruncatedBPTTTests {
    @Test(arguments: CellKind.allCases)
    func carriedStateContinuesTheSequence(_ cell: CellKind) throws {
        let network = try TestModels.network(cell, hidden: 7, layers: 2, head: .everyStep)
        let whole = TestModels.batch(for: network, steps: 12, size: 3)
        var generator = RandomGenerator(seed: 0)
        let straight = network.computeGradients(whole, training: false, record: .predictions, generator: &generator)
        let width = 3 * network.config.inputSize, outputs = 3 * network.config.outputSize
        guard case .values(let targets) = whole.targets else { return }

        func window(_ index: Int) -> SequenceBatch {
            SequenceBatch(
                steps: 6, size: 3, inputSize: network.config.inputSize,
                inputs: Array(whole.inputs[(index * 6 * width)..<((index + 1) * 6 * width)]),
                targets: .values(Array(targets[(index * 6 * outputs)..<((index + 1) * 6 * outputs)])))
        }
        let first = network.computeGradients(window(0), training: false, record: .predictions, generator: &generator)
        let second = network.computeGradients(
            window(1), training: false, initialState: .carried, record: .predictions, generator: &generator)
        let joined = first.recorded!.predictions + second.recorded!.predictions
        let difference = TestModels.relativeDifference(
            joined.map(Double.init), straight.recorded!.predictions.map(Double.init))
        #expect(difference < 1e-6)

        let fresh = network.computeGradients(window(1), training: false, record: .predictions, generator: &generator)
        #expect(fresh.recorded!.predictions != second.recorded!.predictions, "zeros differ from the carried state")
    }

    @Test func carriedStateResetsWhenTheBatchSizeChanges() throws {
        let network = try TestModels.network(.gru, hidden: 5, head: .everyStep)
        var generator = RandomGenerator(seed: 0)
        _ = network.computeGradients(TestModels.batch(for: network, steps: 4, size: 3), generator: &generator)
        let other = TestModels.batch(for: network, steps: 4, size: 2)
        let carried = network.computeGradients(other, training: false, initialState: .carried, generator: &generator)
        let zeros = network.computeGradients(other, training: false, initialState: .zeros, generator: &generator)
        #expect(carried.loss == zeros.loss)
    }
}
