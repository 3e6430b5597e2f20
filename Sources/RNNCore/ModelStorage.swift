import CKernels

/// A model's weights in the forms the passes read them: the flat parameter vector,
/// each layer's recurrent matrix packed for the per-step kernels, and the dropout
/// masks of the current pass. Every shard reads it; only the network writes it,
/// between passes.
final class ModelStorage {
    /// The model's settings; only the dropout rates change after creation.
    private(set) var config: ModelConfig
    let layout: ParameterLayout
    let parameters: FloatBuffer
    /// Per layer, W_hh^T packed for h_prev * W_hh^T (the forward step).
    private(set) var packedForward: [FloatBuffer]
    /// Per layer, W_hh packed for dgates * W_hh (the backward step).
    private(set) var packedBackward: [FloatBuffer]
    /// Per layer l >= 1, the dropout mask on its input, `[T][B][H]` (index 0 unused).
    var interLayerMasks: [GrowableBuffer<Float>]
    /// The mask of the Dropout layer before the head, `[B][H]` or `[T][B][H]`.
    var outputMask = GrowableBuffer<Float>()
    /// How the min cells' recurrence runs over time: a parallel scan, or step by step
    /// (the reference it is checked against).
    var recurrenceForm = RecurrenceForm.parallelScan
    /// Bumped whenever the parameters change, so packing happens once per change.
    private var parameterVersion = 0
    private var packedVersion = -1

    init(config: ModelConfig) {
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.totalCount)
        let h = config.hiddenSize, gates = config.cell.gateCount * h
        let packed = config.cell.isLinearRecurrence ? 0 : config.layers  // the min cells have no W_hh
        packedForward = (0..<packed).map { _ in FloatBuffer(count: rk_packed_count(Int32(h), Int32(gates))) }
        packedBackward = (0..<packed).map { _ in FloatBuffer(count: rk_packed_count(Int32(gates), Int32(h))) }
        interLayerMasks = Array(repeating: GrowableBuffer<Float>(), count: config.layers)
    }

    /// The chunks of time steps the parallel scan cuts a sequence of `steps` into: as
    /// many as the threads sharing a sequence can take, of `RecurrenceForm.chunkLength`
    /// steps; one chunk (the sequential recurrence) in the reference form.
    func scanChunks(steps: Int) -> ScanChunks {
        switch recurrenceForm {
        case .parallelScan: ScanChunks(steps: steps, length: RecurrenceForm.chunkLength)
        case .sequential: ScanChunks(steps: steps, length: max(steps, 1))
        }
    }

    /// New dropout rates for the following passes.
    func setDropout(between layers: Float, output: Float) {
        config.dropout = layers
        config.outputDropout = output
    }

    /// Call after writing `parameters`.
    func parametersChanged() {
        parameterVersion &+= 1
    }

    /// Repacks the recurrent matrices if the parameters changed since the last pack.
    /// Cost: two copies of every W_hh.
    func packIfNeeded() {
        guard packedVersion != parameterVersion else { return }
        let h = Int32(config.hiddenSize), gates = Int32(config.cell.gateCount * config.hiddenSize)
        for (l, layer) in layout.layers.enumerated() where layer.recurrent != nil {
            let whh = parameters.pointer + layer.weightHH
            rk_pack(whh, h, 1, h, gates, packedForward[l].pointer)
            rk_pack(whh, h, 0, gates, h, packedBackward[l].pointer)
        }
        packedVersion = parameterVersion
    }

    /// Draws fresh dropout masks for a training pass over `steps` x `batch`: each
    /// element is 0 with probability p and 1/(1-p) otherwise (inverted dropout, as
    /// PyTorch and Keras do it).
    func drawMasks(steps: Int, batch: Int, generator: inout RandomGenerator) {
        let h = config.hiddenSize
        if config.dropout > 0 {
            for l in 1..<config.layers {
                let count = steps * batch * h
                fillMask(interLayerMasks[l].reserve(count), count, rate: config.dropout, &generator)
            }
        }
        if config.outputDropout > 0 {
            let count = (config.head == .everyStep ? steps : 1) * batch * h
            fillMask(outputMask.reserve(count), count, rate: config.outputDropout, &generator)
        }
    }

    private func fillMask(
        _ mask: UnsafeMutablePointer<Float>, _ count: Int, rate: Float, _ generator: inout RandomGenerator
    ) {
        let keep = 1 / (1 - rate)
        for i in 0..<count { mask[i] = generator.nextFloat() < rate ? 0 : keep }
    }
}
