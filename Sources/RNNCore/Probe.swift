import CKernels

/// A matrix of units × time steps (row-major: `values[unit * steps + t]`), the shape
/// the dashboard's heatmaps draw.
public struct UnitMatrix: Sendable, Equatable {
    public let units: Int
    public let steps: Int
    public let values: [Float]

    public init(units: Int, steps: Int, values: [Float]) {
        precondition(values.count == units * steps)
        self.units = units
        self.steps = steps
        self.values = values
    }

    public subscript(unit: Int, step: Int) -> Float { values[unit * steps + step] }
}

/// The activations of one gate over a probe sequence, and how many are saturated.
public struct GateActivity: Sendable, Equatable {
    /// PyTorch's block name: i, f, g, o (LSTM) or r, z, n (GRU).
    public let name: String
    public let activations: UnitMatrix
    /// Fraction of activations in the saturated regime: below 0.1 or above 0.9 for a
    /// sigmoid gate, |x| above 0.9 for a tanh candidate, exactly 0 for a relu one.
    public let saturation: Double

    public init(name: String, activations: UnitMatrix, saturation: Double) {
        self.name = name
        self.activations = activations
        self.saturation = saturation
    }
}

/// Everything inside the model for one sequence: what the heatmaps show.
public struct ProbeReport: Sendable {
    /// Per layer, h_t.
    public let hidden: [UnitMatrix]
    /// Per layer, c_t (LSTM; empty otherwise).
    public let cell: [UnitMatrix]
    /// Per layer, each gate's activations (empty for the vanilla cell).
    public let gates: [[GateActivity]]
    /// Per layer, dL/dh_t: the total gradient through all later steps and layers.
    public let hiddenGradients: [UnitMatrix]
    /// Per layer, the min cells' decay a_t of h_{t-1} (1 - z_t for minGRU, f'_t for
    /// minLSTM): ∂h_t/∂h_{t-1} exactly, so a unit remembers for about -1/ln(a) steps.
    /// Empty for the other cells.
    public let decays: [UnitMatrix]
    /// Per layer, the memory horizons the decays give: worked out once, where the
    /// probe is made, rather than by each frame that shows them.
    public let horizons: [MemoryHorizons]
    /// The head's output: `[O]` for a last-step head, `[T][O]` for an every-step one.
    public let predictions: [Float]
    public let loss: Double

    public init(
        hidden: [UnitMatrix], cell: [UnitMatrix], gates: [[GateActivity]], hiddenGradients: [UnitMatrix],
        decays: [UnitMatrix] = [], predictions: [Float], loss: Double
    ) {
        self.hidden = hidden
        self.cell = cell
        self.gates = gates
        self.hiddenGradients = hiddenGradients
        self.decays = decays
        horizons = decays.map(MemoryHorizons.init(decays:))
        self.predictions = predictions
        self.loss = loss
    }
}

extension RecurrentNetwork {
    /// Runs one sequence forward and backward without dropout and reports its
    /// states, gates and hidden-state gradients. It has buffers of its own, so the
    /// training gradients, norms and carried state are left as they were.
    /// - Parameter sequence: a batch of exactly one sequence, with its targets.
    public func probe(_ sequence: SequenceBatch) -> ProbeReport {
        precondition(sequence.size == 1, "a probe is one sequence")
        let shard = probeShard
        let (steps, h) = (sequence.steps, config.hiddenSize)
        let stateCount = config.layers * h
        let finalHidden = probeStates.reserve(2 * stateCount)
        let loss = passInputs(
            sequence, initialState: .zeros, carried: false, finalHidden: finalHidden,
            finalCell: finalHidden + stateCount, dropout: false
        ) { pass -> Double in
            let mode = rk_enter_flush_to_zero()
            defer { rk_leave_flush_to_zero(mode) }
            shard.prepare(firstRow: 0, rows: 1, steps: steps, wantInputGradient: false)
            shard.forward(pass, part: .whole)
            shard.headAndLoss(pass, gradients: true)
            shard.backward(pass, wantInputGradient: false, part: .whole)
            return shard.loss
        }

        /// Slots 1...T of a `[T+1][1][width]` buffer (or 0..<T of `[T][1][width]`),
        /// `width` values per step from `offset`, as units × steps.
        func matrix(_ base: UnsafeMutablePointer<Float>, width: Int, offset: Int = 0) -> UnitMatrix {
            var values = [Float](repeating: 0, count: h * steps)
            for t in 0..<steps {
                for u in 0..<h { values[u * steps + t] = base[t * width + offset + u] }
            }
            return UnitMatrix(units: h, steps: steps, values: values)
        }
        let gateWidth = config.cell.gateCount * h
        var hidden = [UnitMatrix](), cell = [UnitMatrix](), gates = [[GateActivity]](), gradients = [UnitMatrix]()
        var decays = [UnitMatrix]()
        for buffers in shard.layers {
            hidden.append(matrix(buffers.hidden.pointer + h, width: h))
            gradients.append(matrix(buffers.dHidden.pointer + h, width: h))
            if config.cell.hasCellState { cell.append(matrix(buffers.cell.pointer + h, width: h)) }
            if config.cell.isLinearRecurrence { decays.append(matrix(buffers.decay.pointer, width: h)) }
            gates.append(
                config.cell.gateNames.enumerated().map { block, name in
                    let activations = matrix(buffers.gates.pointer, width: gateWidth, offset: block * h)
                    return GateActivity(
                        name: name, activations: activations,
                        saturation: saturation(of: activations.values, gate: name))
                })
        }
        let predictionCount = config.head == .none ? 0 : (config.head == .everyStep ? steps : 1) * config.outputSize
        return ProbeReport(
            hidden: hidden, cell: cell, gates: gates, hiddenGradients: gradients, decays: decays,
            predictions: Array(UnsafeBufferPointer(start: shard.headOutput.pointer, count: predictionCount)), loss: loss)
    }

    /// The saturated fraction of a gate's activations, by the range of its function.
    private func saturation(of values: [Float], gate: String) -> Double {
        guard !values.isEmpty else { return 0 }
        let candidate = gate == "g" || gate == "n"  // act(.), not a sigmoid
        let saturated: (Float) -> Bool
        switch (candidate, config.activation) {
        case _ where config.cell.isLinearRecurrence && gate == "h":
            saturated = { $0 < 0.05 }  // g(x) is linear above zero: only its sigmoid side flattens
        case (false, _): saturated = { $0 < 0.1 || $0 > 0.9 }
        case (true, .tanh): saturated = { abs($0) > 0.9 }
        case (true, .relu): saturated = { $0 == 0 }
        }
        return Double(values.filter(saturated).count) / Double(values.count)
    }
}
