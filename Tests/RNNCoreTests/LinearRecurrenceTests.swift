import Testing

@testable import RNNCore

/// The min cells' layers are one linear recurrence each, trained by a parallel scan
/// over time. The scan must compute what the step-by-step recurrence computes (loss,
/// every gradient, the ∂L/∂h_t profile), alone and with two threads sharing a
/// sequence's time steps, at short and very long sequences; and the profile must be
/// what the equations say it is: the product of the decays.
@Suite struct LinearRecurrenceTests {
    struct Pass {
        let loss: Double
        let gradients: [Double]
        let norms: [Double]
        let inputGradient: [Double]
    }

    static func pass(
        _ cell: CellKind, form: RecurrenceForm, steps: Int, size: Int, hidden: Int = 16, parallelism: Int = 2, layers: Int = 2, record: Bool = true
    ) throws -> Pass {
        let network = try TestModels.network(
            cell, input: 3, hidden: hidden, layers: layers, outputs: 2, head: .everyStep, seed: 5, parallelism: parallelism)
        network.recurrenceForm = form
        let batch = TestModels.batch(for: network, steps: steps, size: size, seed: 9)
        var generator = RandomGenerator(seed: 3)
        let result = network.computeGradients(batch, record: record ? .inputGradients : [], generator: &generator)
        let norms = (0..<layers).flatMap { l in (0..<steps).map { network.hiddenGradientNorm(layer: l, step: $0) } }
        return Pass(
            loss: result.loss, gradients: network.withGradients { $0.map(Double.init) }, norms: norms,
            inputGradient: result.recorded?.inputGradient.map(Double.init) ?? [])
    }

    @Test(arguments: [CellKind.minGRU, .minLSTM], [50, 5000])
    func theScanComputesWhatTheSequentialRecurrenceComputes(_ cell: CellKind, _ steps: Int) throws {
        // A batch of 3 runs in shards by sequence; a lone sequence is shared by time.
        // At 5,000 steps the shards run in time blocks, and the one of two sequences
        // keeps only a block's decays (the other keeps them all).
        let hidden = steps > 1000 ? 32 : 16
        for size in [3, 1] {
            let sequential = try Self.pass(cell, form: .sequential, steps: steps, size: size, hidden: hidden)
            let scan = try Self.pass(cell, form: .parallelScan, steps: steps, size: size, hidden: hidden)
            let what = "\(cell) T=\(steps) B=\(size)"
            #expect(abs(scan.loss - sequential.loss) <= 1e-5 * abs(sequential.loss), "\(what) loss")
            #expect(TestModels.relativeDifference(scan.gradients, sequential.gradients) < 1e-4, "\(what) gradients")
            #expect(TestModels.relativeDifference(scan.norms, sequential.norms) < 1e-4, "\(what) profile")
            #expect(TestModels.relativeDifference(scan.inputGradient, sequential.inputGradient) < 1e-4, "\(what) dL/dx")
        }
    }

    @Test(arguments: [CellKind.minGRU, .minLSTM])
    func twoThreadsSharingTheTimeStepsAgreeWithOne(_ cell: CellKind) throws {
        let alone = try Self.pass(cell, form: .parallelScan, steps: 97, size: 1, parallelism: 1)
        let shared = try Self.pass(cell, form: .parallelScan, steps: 97, size: 1, parallelism: 2)
        #expect(abs(alone.loss - shared.loss) <= 1e-6 * abs(alone.loss))
        #expect(TestModels.relativeDifference(shared.gradients, alone.gradients) < 1e-5)
        #expect(TestModels.relativeDifference(shared.norms, alone.norms) < 1e-6)
    }

    /// With the loss on the last step only, ∂L/∂h_{t-1} = a_t ⊙ ∂L/∂h_t exactly: the
    /// vanishing-gradient picture of these cells is the product of their decays. At
    /// 5,000 steps of 64 units a training shard would keep only a time block's
    /// decays: the probe still has every step's.
    @Test(arguments: [CellKind.minGRU, .minLSTM], [60, 5000])
    func theGradientProfileIsTheProductOfTheDecays(_ cell: CellKind, _ steps: Int) throws {
        let hidden = steps > 1000 ? 64 : 8
        let network = try TestModels.network(cell, input: 2, hidden: hidden, outputs: 1, head: .lastStep, seed: 2)
        let probe = network.probe(TestModels.batch(for: network, steps: steps, size: 1))
        let (decay, gradient) = (probe.decays[0], probe.hiddenGradients[0])
        var compared = 0, wrong = [String]()
        for t in 1..<steps {
            for u in 0..<hidden where abs(gradient[u, t]) > 1e-30 {
                let expected = Double(decay[u, t]) * Double(gradient[u, t])
                if abs(Double(gradient[u, t - 1]) - expected) > 1e-5 * abs(expected) { wrong.append("unit \(u) step \(t)") }
                compared += 1
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(compared), first \(wrong.prefix(3))")
        #expect(compared > hidden * 25)
        let a = decay.values
        #expect(a.count == hidden * steps && a.allSatisfy { $0 > 0 && $0 < 1 }, "decays are in (0, 1)")
    }

    @Test func theMinCellsHaveNoRecurrentMatrix() throws {
        let gru = try TestModels.network(.minGRU, input: 3, hidden: 4, layers: 2)
        #expect(gru.layout.specs.map(\.name) == ["weight_ih_l0", "bias_ih_l0", "weight_ih_l1", "bias_ih_l1", "head_weight", "head_bias"])
        #expect(gru.layout.specs.map(\.shape) == [[8, 3], [8], [8, 4], [8], [2, 4], [2]])
        let lstm = try TestModels.network(.minLSTM, input: 3, hidden: 4)
        #expect(lstm.layout.spec(named: "weight_ih_l0")?.shape == [12, 3])
        // nn.Linear's initialisation: U(±1/sqrt(fan_in)).
        let bound = 1 / Float(3).squareRoot()
        let weights = lstm.withParameters { Array($0[lstm.layout.spec(named: "weight_ih_l0")!.range]) }
        #expect(weights.allSatisfy { abs($0) <= bound } && weights.contains { abs($0) > bound / 2 })
    }
}
