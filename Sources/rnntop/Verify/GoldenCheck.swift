import RNNCore
import RNNData

/// Runs the engine in float32 on one reference case and measures, quantity by
/// quantity, how far it lands from PyTorch's float64 values.
struct GoldenCheck {
    /// One compared quantity.
    struct Result {
        let quantity: String
        let error: Double
        /// The slice (time step, layer) where the error is largest.
        let slice: Int
        func passed(tolerance: Double) -> Bool { error <= tolerance }
    }

    let golden: GoldenCase

    /// Every quantity of the case: the forward and backward pass, then the clipped
    /// gradients and the optimizers' updates the case holds.
    func run() throws(InputError) -> [Result] {
        let config = golden.config
        var generator = RandomGenerator(seed: 0)
        let network: RecurrentNetwork
        do {
            network = try RecurrentNetwork(config: config, generator: &generator)
        } catch {
            throw InputError(file: golden.file, field: error.setting, problem: error.problem)
        }
        for (name, tensor) in golden.parameters { network.setParameter(named: name, to: tensor.floats) }
        let batch = SequenceBatch(
            steps: golden.x.shape[0], size: golden.x.shape[1], inputSize: config.inputSize, inputs: golden.x.floats,
            targets: golden.targets)
        let pass = network.computeGradients(
            batch, training: false,
            initialState: .given(hidden: golden.h0.floats, cell: golden.c0?.floats),
            record: [.outputs, .hiddenGradients, .inputGradients, .predictions], generator: &generator)
        var results = passResults(pass, network: network, steps: batch.steps)
        try updateResults(network: network, into: &results)
        return results
    }

    private static func compare(_ name: String, _ actual: [Float], _ reference: [Double], slices: Int = 1) -> Result {
        let (error, slice) = RelativeError.largest(actual, reference, slices: slices)
        return Result(quantity: name, error: error, slice: slice)
    }

    /// The pass's outputs, final states, loss and predictions, every gradient, and
    /// ∂L/∂h_t with its norms per layer.
    private func passResults(_ pass: PassResult, network: RecurrentNetwork, steps: Int) -> [Result] {
        let config = golden.config, layers = config.layers
        let recorded = pass.recorded!
        let expected = golden.expected
        var results = [
            Self.compare("output", recorded.output, expected.output.data, slices: steps),
            Self.compare("h_n", recorded.finalHidden, expected.hN.data, slices: layers),
        ]
        if let cN = expected.cN { results.append(Self.compare("c_n", recorded.finalCell, cN.data, slices: layers)) }
        results.append(Self.compare("loss", [Float(pass.loss)], [expected.loss]))
        if let prediction = expected.prediction {
            let slices = config.head == .everyStep ? steps : 1
            results.append(
                Self.compare(config.head == .everyStep ? "logits" : "prediction", recorded.predictions, prediction.data, slices: slices))
        }
        for spec in network.layout.specs {
            results.append(Self.compare("grads.\(spec.name)", network.gradient(named: spec.name)!, expected.gradients[spec.name]!.data))
        }
        results.append(Self.compare("grads.x", recorded.inputGradient, expected.gradients["x"]!.data, slices: steps))
        results.append(Self.compare("grads.h0", recorded.initialHiddenGradient, expected.gradients["h0"]!.data, slices: layers))
        if let c0 = expected.gradients["c0"] {
            results.append(Self.compare("grads.c0", recorded.initialCellGradient, c0.data, slices: layers))
        }
        for l in 0..<layers {
            results.append(Self.compare("dL_dh.l\(l)", recorded.hiddenGradients[l], expected.hiddenGradients[l].data, slices: steps))
            let profile = (0..<steps).map { Float(network.hiddenGradientNorm(layer: l, step: $0)) }
            results.append(Self.compare("dL_dh_norm.l\(l)", profile, expected.hiddenGradientNorms[l], slices: steps))
        }
        return results
    }

    /// The global gradient norm, the gradients clipped, and Adam's and SGD's updates,
    /// where the case has them.
    private func updateResults(network: RecurrentNetwork, into results: inout [Result]) throws(InputError) {
        let expected = golden.expected
        let gradients = network.withGradients { Array($0) }
        let norm = GradientClipping.squaredNorm(of: gradients.withUnsafeBufferPointer { $0 }).squareRoot()
        if let globalNorm = expected.globalNorm { results.append(Self.compare("grad_global_norm", [Float(norm)], [globalNorm])) }
        if let clipping = expected.clipping {
            var clipped = gradients
            let rule = GradientClipping(mode: .norm, threshold: Float(clipping.maxNorm))
            clipped.withUnsafeMutableBufferPointer { _ = rule.apply(to: $0, globalNorm: norm) }
            compareTensors("clipped_grads", clipped, clipping.gradients, network: network, into: &results)
        }
        if let adam = expected.adam {
            let update = try optimizerUpdate(adam.settings, steps: 1, gradients: gradients)
            compareUpdates("adam.params_after", update, adam.after, network: network, into: &results)
        }
        if let sgd = expected.sgd {
            let update = try optimizerUpdate(sgd.settings, steps: sgd.steps, gradients: gradients)
            compareUpdates("sgd_momentum.params_after", update, sgd.after, network: network, into: &results)
        }
    }

    /// The total change `steps` updates of a fresh optimizer make with the same
    /// gradients each time. The rules here do not depend on the weights (no weight
    /// decay), so the updates are applied to zeros: float32 weights of size 0.4 would
    /// round away the low digits of an update of 1e-5 and hide its errors.
    private func optimizerUpdate(
        _ settings: OptimizerSettings, steps: Int, gradients: [Float]
    ) throws(InputError) -> [Float] {
        let optimizer: Optimizer
        do {
            optimizer = try Optimizer(settings, parameterCount: gradients.count)
        } catch {
            throw InputError(file: golden.file, field: error.setting, problem: error.problem)
        }
        var values = [Float](repeating: 0, count: gradients.count)
        gradients.withUnsafeBufferPointer { g in
            values.withUnsafeMutableBufferPointer { p in
                for _ in 0..<steps { optimizer.step(p, g) }
            }
        }
        return values
    }

    private func compareTensors(
        _ prefix: String, _ flat: [Float], _ reference: [String: Tensor], network: RecurrentNetwork,
        into results: inout [Result]
    ) {
        for spec in network.layout.specs {
            results.append(Self.compare("\(prefix).\(spec.name)", Array(flat[spec.range]), reference[spec.name]!.data))
        }
    }

    /// Compares an update with the reference's params_after - params.
    private func compareUpdates(
        _ prefix: String, _ update: [Float], _ reference: [String: Tensor], network: RecurrentNetwork,
        into results: inout [Result]
    ) {
        for spec in network.layout.specs {
            let start = golden.parameters[spec.name]!.data
            let theirs = zip(reference[spec.name]!.data, start).map { $0 - $1 }
            results.append(Self.compare("\(prefix).\(spec.name)", Array(update[spec.range]), theirs))
        }
    }
}
