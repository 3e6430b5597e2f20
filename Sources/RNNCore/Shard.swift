/// The inputs of one pass, shared by all its shards; pointers into the caller's batch.
struct PassInputs {
    let steps: Int
    let batch: Int
    /// `[T][B][I]`.
    let inputs: UnsafePointer<Float>
    let targetValues: UnsafePointer<Float>?
    let targetClasses: UnsafePointer<Int32>?
    /// Class targets of the whole batch that are scored (not `Targets.ignored`): what
    /// the cross-entropy's mean divides by.
    let scoredClasses: Int
    /// `[L][B][H]` each; nil for zeros.
    let initialHidden: UnsafePointer<Float>?
    let initialCell: UnsafePointer<Float>?
    /// Where the final states go, `[L][B][H]` each.
    let finalHidden: UnsafeMutablePointer<Float>
    let finalCell: UnsafeMutablePointer<Float>
    /// Dropout masks apply (a training pass).
    let dropout: Bool
}

/// A contiguous group of a batch's sequences and every buffer a forward and backward
/// pass over them needs. Shards of one batch run on different threads; each writes
/// only its own buffers and its rows of the pass's outputs.
final class Shard {
    /// Per-layer activations and gradients, `[T][rows][...]` time-major.
    final class LayerBuffers {
        /// The layer's input when it is not simply the layer below's output.
        var input = GrowableBuffer<Float>()
        /// Pre-activations, then gate activations: `[T][rows][G*H]`.
        var gates = GrowableBuffer<Float>()
        /// h_t for t = 0...T (slot 0 holds h0): `[T+1][rows][H]`.
        var hidden = GrowableBuffer<Float>()
        /// c_t for t = 0...T (LSTM).
        var cell = GrowableBuffer<Float>()
        /// GRU: W_hn h_{t-1} + b_hn per step, and the recurrent product of one step.
        var gruHn = GrowableBuffer<Float>()
        var gruRecurrent = GrowableBuffer<Float>()
        /// dL/dh_t total (slot t+1), dL/dh0 in slot 0: `[T+1][rows][H]`.
        var dHidden = GrowableBuffer<Float>()
        /// dL/dc_t of the step being processed, then dL/dc0 (LSTM).
        var dCell = GrowableBuffer<Float>()
        /// Gradients of the input-side pre-activations, `[T][rows][G*H]` (a min cell's
        /// layer alone: those of one time block at a time), and for GRU of the
        /// recurrent-side ones (which differ in the n block).
        var dGates = GrowableBuffer<Float>()
        var dGatesRecurrent = GrowableBuffer<Float>()
        /// dL/dx for the first layer, when asked for.
        var dInput = GrowableBuffer<Float>()
        /// The min cells' decay a_t of h_{t-1}, `[T][rows][H]`.
        var decay = GrowableBuffer<Float>()
    }

    let storage: ModelStorage
    let layers: [LayerBuffers]
    /// This shard's parameter gradients: the network's own vector for shard 0.
    let gradients: UnsafeMutablePointer<Float>
    private let ownGradients: FloatBuffer?
    /// Sum over the shard's rows of (dL/dh_t)^2, `[L][T]`: over the lead part's
    /// units, and over the partner's when two threads share the shard.
    var hiddenSquares = GrowableBuffer<Double>()
    var partnerSquares = GrowableBuffer<Double>()
    /// The shard's part of the loss (already divided by the whole batch's count).
    var loss: Double = 0
    /// Cross-entropy: this shard's positions predicted right and positions scored.
    var correct = 0
    var scored = 0
    /// Head input (after output dropout), head output and its gradient.
    var headInput = GrowableBuffer<Float>()
    var headOutput = GrowableBuffer<Float>()
    var dHeadOutput = GrowableBuffer<Float>()

    /// The min cells' parallel scan: per chunk of time steps, the product of its
    /// decays and the true state at its end, `[chunks][rows][H]`.
    var scanProducts = GrowableBuffer<Float>()
    var scanCarries = GrowableBuffer<Float>()

    var firstRow = 0
    var rows = 0
    var steps = 0
    /// Every layer's decays are kept for all time steps after a pass (the probe shows
    /// them), even where a min cell's layer would keep only a time block's.
    let keepsEveryDecay: Bool

    /// A shard writing its gradients to `gradients`, or to a vector of its own.
    init(storage: ModelStorage, gradients: UnsafeMutablePointer<Float>? = nil, keepsEveryDecay: Bool = false) {
        self.storage = storage
        self.keepsEveryDecay = keepsEveryDecay
        layers = (0..<storage.config.layers).map { _ in LayerBuffers() }
        if let gradients {
            self.gradients = gradients
            ownGradients = nil
        } else {
            let own = FloatBuffer(count: storage.layout.totalCount)
            ownGradients = own
            self.gradients = own.pointer
        }
    }

    /// Sizes every buffer for `steps` x `rows` (`shared`: for two threads on one
    /// sequence); allocates only when they grow.
    func prepare(firstRow: Int, rows: Int, steps: Int, wantInputGradient: Bool, shared: Bool = false) {
        self.firstRow = firstRow
        self.rows = rows
        self.steps = steps
        let config = storage.config
        let h = config.hiddenSize, gates = config.cell.gateCount * h
        let states = (steps + 1) * rows * h
        for (l, buffers) in layers.enumerated() {
            let width = l == 0 ? config.inputSize : h
            _ = buffers.input.reserve(steps * rows * width)
            _ = buffers.gates.reserve(steps * rows * gates)
            _ = buffers.hidden.reserve(states)
            _ = buffers.dHidden.reserve(states)
            // A min cell's layer alone keeps only a time block's gate gradients, and
            // its decays too unless it shows them.
            let block = config.cell.isLinearRecurrence ? min(timeBlocks(layer: l, alone: !shared).length, steps) : steps
            _ = buffers.dGates.reserve(block * rows * gates)
            if config.cell.hasCellState {
                _ = buffers.cell.reserve(states)
                _ = buffers.dCell.reserve(rows * h)
            }
            if config.cell == .gru {
                _ = buffers.gruHn.reserve(steps * rows * h)
                _ = buffers.gruRecurrent.reserve(rows * gates)
                _ = buffers.dGatesRecurrent.reserve(steps * rows * gates)
            }
            if config.cell.isLinearRecurrence {
                _ = buffers.decay.reserve((keepsDecays(layer: l, alone: !shared) ? steps : block) * rows * h)
            }
            if l == 0 && wantInputGradient {
                _ = buffers.dInput.reserve(steps * rows * width)
            }
        }
        if config.cell.isLinearRecurrence {
            let chunks = storage.scanChunks(steps: steps).count
            _ = scanProducts.reserve(chunks * rows * h)
            _ = scanCarries.reserve(chunks * rows * h)
        }
        _ = hiddenSquares.reserve(config.layers * steps)
        _ = partnerSquares.reserve(config.layers * steps)
        let headRows = (config.head == .everyStep ? steps : 1) * rows
        _ = headInput.reserve(headRows * h)
        _ = headOutput.reserve(headRows * config.outputSize)
        _ = dHeadOutput.reserve(headRows * config.outputSize)
    }
}
