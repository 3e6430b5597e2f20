import Testing

@testable import RNNCore

@Suite struct ModelConfigTests {
    func problem(_ change: (inout ModelConfig) -> Void) -> ConfigError? {
        var config = ModelConfig(inputSize: 2, hiddenSize: 8)
        change(&config)
        var generator = RandomGenerator(seed: 0)
        do {
            _ = try RecurrentNetwork(config: config, generator: &generator)
            return nil
        } catch {
            return error
        }
    }

    @Test func nonsenseIsRefusedBeforeAnyWorkWithTheSettingNamed() {
        #expect(problem { $0.hiddenSize = 0 }?.setting == "hidden")
        #expect(problem { $0.layers = 0 }?.setting == "layers")
        #expect(problem { $0.dropout = 1 }?.setting == "dropout")
        #expect(problem { $0.dropout = -0.1 }?.setting == "dropout")
        #expect(problem { $0.outputDropout = .nan }?.setting == "output dropout")
        #expect(problem { $0.inputSize = 0 }?.setting == "input size")
        #expect(problem { $0.loss = .crossEntropy; $0.outputSize = 1 }?.setting == "output size")
        #expect(problem { $0.hiddenSize = 0 }?.description == "hidden: must be at least 1 (got 0)")
        #expect(problem { _ in } == nil)
    }

    @Test func unknownNamesDoNotParse() {
        #expect(CellKind(rawValue: "transformer") == nil)
        #expect(CellKind.allCases.map(\.rawValue) == ["rnn", "lstm", "gru", "mingru", "minlstm"])
    }

    @Test func layoutUsesPyTorchNamesAndShapes() {
        let layout = ParameterLayout(config: ModelConfig(cell: .gru, inputSize: 3, hiddenSize: 4, layers: 2, outputSize: 2))
        #expect(layout.specs.map(\.name) == [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "head_weight", "head_bias",
        ])
        #expect(layout.spec(named: "weight_ih_l0")?.shape == [12, 3])
        #expect(layout.spec(named: "weight_ih_l1")?.shape == [12, 4])
        #expect(layout.spec(named: "head_weight")?.shape == [2, 4])
        #expect(layout.totalCount == 12 * 3 + 12 * 4 + 24 + 12 * 4 + 12 * 4 + 24 + 8 + 2)
    }
}
