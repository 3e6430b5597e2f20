import Foundation
import Testing

@testable import RNNCore

/// The probe: the units × time-step matrices behind the dashboard's heatmaps.
@Suite struct ProbeTests {
    @Test func lstmProbeShowsStatesGatesAndGradientsConsistently() throws {
        let network = try TestModels.network(.lstm, hidden: 6, layers: 2, head: .everyStep, dropout: 0.5)
        let sequence = TestModels.batch(for: network, steps: 7, size: 1)
        let report = network.probe(sequence)
        #expect(report.hidden.count == 2 && report.cell.count == 2 && report.hiddenGradients.count == 2)
        #expect(report.gates[0].map(\.name) == ["i", "f", "g", "o"])
        #expect(report.hidden[1].units == 6 && report.hidden[1].steps == 7)

        // The same pass through the ordinary path, without dropout.
        var generator = RandomGenerator(seed: 0)
        let pass = network.computeGradients(
            sequence, training: false, record: [.outputs, .hiddenGradients, .predictions], generator: &generator)
        let recorded = pass.recorded!
        #expect(abs(report.loss - pass.loss) <= 1e-9 * abs(pass.loss))
        #expect(report.predictions == recorded.predictions)
        for u in 0..<6 {
            for t in 0..<7 {
                #expect(report.hidden[1][u, t] == recorded.output[t * 6 + u])
                #expect(report.hiddenGradients[0][u, t] == recorded.hiddenGradients[0][t * 6 + u])
                let o = report.gates[1][3].activations[u, t], c = report.cell[1][u, t]
                #expect(abs(report.hidden[1][u, t] - o * Float(tanh(Double(c)))) < 1e-6, "h = o * tanh(c)")
            }
        }
        for layer in report.gates {
            for gate in layer {
                let values = gate.activations.values
                let expected = gate.name == "g"
                    ? values.filter { abs($0) > 0.9 }.count : values.filter { $0 < 0.1 || $0 > 0.9 }.count
                #expect(gate.saturation == Double(expected) / Double(values.count))
                if gate.name != "g" { #expect(values.allSatisfy { $0 > 0 && $0 < 1 }, "\(gate.name) is a sigmoid") }
            }
        }
    }

    @Test func probingLeavesTheTrainingStateAlone() throws {
        let network = try TestModels.network(.gru, hidden: 8, head: .lastStep)
        let batch = TestModels.batch(for: network, steps: 5, size: 4)
        var generator = RandomGenerator(seed: 3)
        network.computeGradients(batch, generator: &generator)
        let gradients = network.withGradients { Array($0) }
        let norm = network.hiddenGradientNorm(layer: 0, step: 2)
        let report = network.probe(TestModels.batch(for: network, steps: 9, size: 1, seed: 4))
        #expect(report.gates[0].map(\.name) == ["r", "z", "n"])
        #expect(report.hidden[0].steps == 9)
        #expect(network.withGradients { Array($0) } == gradients)
        #expect(network.hiddenGradientNorm(layer: 0, step: 2) == norm)
    }

    @Test func vanillaAndReluCellsReportWhatTheyHave() throws {
        let rnn = try TestModels.network(.rnn, hidden: 4, head: .lastStep)
        let report = rnn.probe(TestModels.batch(for: rnn, steps: 3, size: 1))
        #expect(report.gates == [[]] && report.cell.isEmpty)
        let relu = try TestModels.network(.gru, activation: .relu, hidden: 4, head: .lastStep)
        let candidate = relu.probe(TestModels.batch(for: relu, steps: 6, size: 1)).gates[0][2]
        #expect(candidate.name == "n")
        #expect(candidate.saturation == Double(candidate.activations.values.filter { $0 == 0 }.count) / 24)
    }
}

extension ProbeTests {
    /// Inference on several sequences reads the packed weights, which training at
    /// batch 1 never refreshes: after such training, it must agree with the loss of
    /// the same batch through the training path.
    @Test func inferenceOnSeveralSequencesUsesTheCurrentWeights() throws {
        var generator = RandomGenerator(seed: 5)
        let config = ModelConfig(cell: .rnn, activation: .tanh, inputSize: 5, hiddenSize: 16, outputSize: 5, head: .everyStep, loss: .crossEntropy)
        let network = try RecurrentNetwork(config: config, generator: &generator)
        let trainer = Trainer(
            network: network, optimizer: try Optimizer(OptimizerSettings(kind: .adam, learningRate: 0.05), parameterCount: network.parameterCount),
            clipping: .off, generator: generator)
        func batch(size: Int) -> SequenceBatch {
            SequenceBatch(
                steps: 6, size: size, inputSize: 5, inputs: (0..<(30 * size)).map { _ in Float(generator.nextNormal()) },
                targets: .classes((0..<(6 * size)).map { _ in Int32.random(in: 0..<5, using: &generator) }))
        }
        let single = batch(size: 1)
        for _ in 0..<20 { trainer.step(single) }
        let several = batch(size: 3)
        guard case .classes(let targets) = several.targets else { return }
        let logits = network.infer(several).predictions
        var total = 0.0
        for (row, target) in targets.enumerated() {
            let z = logits[(row * 5)..<(row * 5 + 5)].map(Double.init)
            let largest = z.max()!
            total += largest + log(z.map { exp($0 - largest) }.reduce(0, +)) - z[Int(target)]
        }
        #expect(abs(total / Double(targets.count) - network.evaluate(several)) < 1e-5)
    }
}
