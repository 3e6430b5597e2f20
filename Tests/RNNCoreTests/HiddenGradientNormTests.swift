import Testing

@testable import RNNCore

/// ‖dL/dh_t‖, the dashboard's vanishing-gradient profile.
@Suite struct HiddenGradientNormTests {
    @Test(arguments: CellKind.allCases)
    func normsAreThoseOfTheRecordedGradients(_ cell: CellKind) throws {
        let network = try TestModels.network(cell, hidden: 9, layers: 2, head: .everyStep, parallelism: 2)
        let batch = TestModels.batch(for: network, steps: 8, size: 5)
        var generator = RandomGenerator(seed: 1)
        let recorded = network.computeGradients(batch, record: .hiddenGradients, generator: &generator).recorded!
        for layer in 0..<2 {
            for step in 0..<8 {
                let slice = recorded.hiddenGradients[layer][(step * 5 * 9)..<((step + 1) * 5 * 9)]
                let norm = slice.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let reported = network.hiddenGradientNorm(layer: layer, step: step)
                #expect(abs(reported - norm) <= 1e-6 * norm, "layer \(layer) step \(step)")
            }
        }
    }

    @Test func aVanillaRNNsGradientVanishesBackThroughTime() throws {
        let network = try TestModels.network(.rnn, input: 2, hidden: 16, head: .lastStep, seed: 2)
        network.withParameters { p in  // a contracting recurrence: W_hh scaled down
            let spec = network.layout.spec(named: "weight_hh_l0")!
            for i in spec.range { p[i] *= 0.5 }
        }
        let batch = TestModels.batch(for: network, steps: 60, size: 4)
        var generator = RandomGenerator(seed: 1)
        network.computeGradients(batch, generator: &generator)
        let profile = (0..<60).map { network.hiddenGradientNorm(layer: 0, step: $0) }
        #expect(profile[59] > 1e6 * profile[0], "the last step outweighs the first by decades: \(profile[0]) vs \(profile[59])")
        #expect(profile[0] > 0, "still representable, not flushed to zero")
    }
}
