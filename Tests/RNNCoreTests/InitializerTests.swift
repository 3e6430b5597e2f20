import Testing

@testable import RNNCore

@Suite struct InitializerTests {
    @Test func torchIsUniformWithinOneOverRootH() throws {
        let network = try TestModels.network(.lstm, hidden: 16, initialization: .torch)
        let bound = 1 / Float(16).squareRoot()
        let values = network.withParameters { Array($0) }
        #expect(values.allSatisfy { abs($0) <= bound })
        #expect(values.contains { abs($0) > 0.9 * bound }, "the whole range is used")
    }

    @Test func kerasHasOrthogonalRecurrentWeightsAndForgetBiasOne() throws {
        let h = 6
        let network = try TestModels.network(.lstm, hidden: h, initialization: .keras)
        let w = network.parameter(named: "weight_hh_l0")!  // [4H][H]
        for a in 0..<h {
            for b in 0..<h {
                let dot = (0..<(4 * h)).reduce(0.0) { $0 + Double(w[$1 * h + a]) * Double(w[$1 * h + b]) }
                #expect(abs(dot - (a == b ? 1 : 0)) < 1e-5, "columns \(a), \(b)")
            }
        }
        let bias = network.parameter(named: "bias_ih_l0")!
        #expect(Array(bias[h..<(2 * h)]) == Array(repeating: 1, count: h))
        #expect(bias[0..<h].allSatisfy { $0 == 0 } && bias[(2 * h)...].allSatisfy { $0 == 0 })
        #expect(network.parameter(named: "bias_hh_l0")!.allSatisfy { $0 == 0 })
        let limit = (6 / Float(3 + 4 * h)).squareRoot()  // Glorot uniform, fan in 3, fan out 4H
        #expect(network.parameter(named: "weight_ih_l0")!.allSatisfy { abs($0) <= limit })
    }

    @Test func identityIsTheIRNN() throws {
        let network = try TestModels.network(.rnn, activation: .relu, hidden: 5, initialization: .identity)
        let w = network.parameter(named: "weight_hh_l0")!
        for i in 0..<5 { for j in 0..<5 { #expect(w[i * 5 + j] == (i == j ? 1 : 0)) } }
        #expect(network.parameter(named: "bias_ih_l0")!.allSatisfy { $0 == 0 })
        #expect(network.parameter(named: "weight_ih_l0")!.allSatisfy { abs($0) < 0.01 })
    }
}

/// Keras's LSTM and SimpleRNN have one bias per gate: with Keras's initialisation the
/// second bias stays where it is; Keras's GRU has both, and PyTorch's models train both.
@Suite struct KerasBiasTests {
    @Test(arguments: [(CellKind.lstm, InitScheme.keras, false), (.rnn, .keras, false), (.gru, .keras, true), (.lstm, .torch, true)])
    func theSecondBiasTrainsOnlyWhereTheModelHasOne(_ cell: CellKind, _ initialization: InitScheme, _ trains: Bool) throws {
        let network = try TestModels.network(cell, hidden: 4, initialization: initialization)
        #expect(network.config.trainsRecurrentBias == trains)
        let trainer = Trainer(
            network: network, optimizer: try Optimizer(OptimizerSettings(kind: .adam, learningRate: 0.1), parameterCount: network.parameterCount),
            clipping: .off, generator: RandomGenerator(seed: 2))
        let before = try #require(network.parameter(named: "bias_hh_l0")), input = try #require(network.parameter(named: "bias_ih_l0"))
        let summary = trainer.step(TestModels.batch(for: network, steps: 5, size: 3))
        #expect((network.parameter(named: "bias_hh_l0") != before) == trains)
        #expect(network.parameter(named: "bias_ih_l0") != input, "the first bias trains")
        let hh = try #require(network.layout.spec(named: "bias_hh_l0"))
        #expect((trainer.parameterGradientNorms[network.layout.specs.firstIndex(of: hh)!] > 0) == trains)
        #expect(summary.gradientNorm > 0)
    }
}
