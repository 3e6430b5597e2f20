import Testing

@testable import RNNCore

/// Backpropagation through time against central finite differences of the loss, for
/// every cell, activation and head, so what the golden files do not cover (GRU relu,
/// heads on every step, dropout, 3 layers) is still checked. The differences are
/// taken on a float64 implementation of the same model, so float32 rounding does not
/// blur them.
@Suite struct GradientCheckTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let cell: CellKind
        let activation: Activation
        let layers: Int
        let head: HeadKind
        let loss: LossKind
        let dropout: Float
        var testDescription: String {
            "\(cell) \(activation) \(layers)L \(head) \(loss) dropout \(dropout)"
        }
    }

    static let cases: [Case] = {
        var cases = [Case]()
        for cell in CellKind.allCases {
            for activation in Activation.allCases {
                cases.append(Case(cell: cell, activation: activation, layers: 1, head: .lastStep, loss: .mse, dropout: 0))
            }
            cases.append(Case(cell: cell, activation: .tanh, layers: 2, head: .everyStep, loss: .crossEntropy, dropout: 0))
            cases.append(Case(cell: cell, activation: .tanh, layers: 3, head: .everyStep, loss: .mse, dropout: 0.3))
            cases.append(Case(cell: cell, activation: .tanh, layers: 1, head: .lastStep, loss: .crossEntropy, dropout: 0))
            cases.append(Case(cell: cell, activation: .relu, layers: 2, head: .none, loss: .mse, dropout: 0))
        }
        return cases
    }()

    @Test(arguments: cases)
    func parameterGradientsMatchFiniteDifferencesInFloat64(_ c: Case) throws {
        let network = try TestModels.network(
            c.cell, activation: c.activation, input: 3, hidden: 6, layers: c.layers, outputs: 4, head: c.head,
            loss: c.loss, dropout: c.dropout, outputDropout: c.dropout, seed: 11)
        let batch = TestModels.batch(for: network, steps: 6, size: 3)
        var generator = RandomGenerator(seed: 99)
        let loss = network.computeGradients(batch, training: true, generator: &generator).loss
        let analytic = network.withGradients { $0.map(Double.init) }

        // The float64 model, with the dropout masks the pass drew.
        let reference = ReferenceModel(network.config)
        let count = batch.steps * batch.size * network.config.hiddenSize
        let masks: [[Double]?] = (0..<c.layers).map { l in
            l > 0 && c.dropout > 0 ? (0..<count).map { Double(network.storage.interLayerMasks[l].pointer[$0]) } : nil
        }
        let outputRows = (c.head == .everyStep ? batch.steps : 1) * batch.size * network.config.hiddenSize
        let outputMask = c.dropout > 0 ? (0..<outputRows).map { Double(network.storage.outputMask.pointer[$0]) } : nil
        var parameters = network.withParameters { $0.map(Double.init) }
        let referenceLoss = reference.loss(parameters, batch, masks: masks, outputMask: outputMask)
        #expect(abs(loss - referenceLoss) <= 1e-5 * max(1, abs(referenceLoss)), "loss \(loss) vs float64 \(referenceLoss)")

        var numeric = [Double](repeating: 0, count: parameters.count)
        for i in parameters.indices {
            let original = parameters[i], step = 1e-6
            parameters[i] = original + step
            let up = reference.loss(parameters, batch, masks: masks, outputMask: outputMask)
            parameters[i] = original - step
            let down = reference.loss(parameters, batch, masks: masks, outputMask: outputMask)
            parameters[i] = original
            numeric[i] = (up - down) / (2 * step)
        }
        for spec in network.layout.specs {
            let difference = TestModels.relativeDifference(Array(analytic[spec.range]), Array(numeric[spec.range]))
            #expect(difference < 1e-4, "\(spec.name): backprop differs from float64 finite differences by \(difference)")
        }
    }

    @Test(arguments: CellKind.allCases)
    func inputAndInitialStateGradientsMatchFiniteDifferences(_ cell: CellKind) throws {
        let network = try TestModels.network(cell, input: 2, hidden: 4, layers: 2, head: .lastStep, seed: 3)
        var batch = TestModels.batch(for: network, steps: 5, size: 2)
        let stateCount = 2 * 2 * 4
        var generator = RandomGenerator(seed: 4)
        var h0 = (0..<stateCount).map { _ in Float(generator.nextNormal()) * 0.5 }
        var c0 = (0..<stateCount).map { _ in Float(generator.nextNormal()) * 0.5 }
        func run(record: PassRecording = []) -> PassResult {
            network.computeGradients(
                batch, training: false, initialState: .given(hidden: h0, cell: cell == .lstm ? c0 : nil), record: record,
                generator: &generator)
        }
        let recorded = run(record: .inputGradients).recorded!
        let step: Float = 1e-2
        for index in [0, 3, 7, 12, 19] {
            let original = batch.inputs[index]
            batch.inputs[index] = original + step
            let up = run().loss
            batch.inputs[index] = original - step
            let down = run().loss
            batch.inputs[index] = original
            #expect(abs((up - down) / Double(2 * step) - Double(recorded.inputGradient[index])) < 2e-3)
        }
        for index in [0, 5, 9, 15] {
            let original = h0[index]
            h0[index] = original + step
            let up = run().loss
            h0[index] = original - step
            let down = run().loss
            h0[index] = original
            #expect(abs((up - down) / Double(2 * step) - Double(recorded.initialHiddenGradient[index])) < 2e-3)
            guard cell == .lstm else { continue }
            let cOriginal = c0[index]
            c0[index] = cOriginal + step
            let cUp = run().loss
            c0[index] = cOriginal - step
            let cDown = run().loss
            c0[index] = cOriginal
            #expect(abs((cUp - cDown) / Double(2 * step) - Double(recorded.initialCellGradient[index])) < 2e-3)
        }
    }

}
