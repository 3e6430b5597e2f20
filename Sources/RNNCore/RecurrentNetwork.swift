import Foundation
import CKernels

/// A stack of recurrent layers with an optional Dense head: its parameters, their
/// gradients, and the buffers and threads that compute them.
///
/// ```swift
/// var rng = RandomGenerator(seed: 1)
/// let net = try RecurrentNetwork(config: config, generator: &rng)
/// let result = net.computeGradients(batch, generator: &rng)
/// print(result.loss, net.hiddenGradientNorm(layer: 0, step: 0))
/// ```
///
/// One pass at a time: the network is used from one thread (a session's queue); it
/// spreads each batch over the cores itself.
public final class RecurrentNetwork: ShardWork {
    /// The model's settings (the dropout rates may change between passes).
    public var config: ModelConfig { storage.config }
    public var layout: ParameterLayout { storage.layout }
    let storage: ModelStorage
    /// dL/d(parameters) of the last `computeGradients`, in the layout's order.
    let gradientBuffer: FloatBuffer
    let runner: ShardRunner
    let shards: [Shard]
    /// Where two threads sharing one sequence meet each time step.
    let barrier: OpaquePointer
    /// The pass the shards are running.
    var plan: PassPlan?
    /// Where the last pass's sequences ended, `[L][B][H]`, for `.carried` states.
    var finalHidden = GrowableBuffer<Float>()
    var finalCell = GrowableBuffer<Float>()
    var carriedBatch = 0
    /// A shard of its own for single-sequence probes, so they leave the training
    /// gradients alone, and room for its final states.
    private(set) lazy var probeShard = Shard(storage: storage, keepsEveryDecay: true)
    var probeStates = GrowableBuffer<Float>()
    /// Where evaluation passes leave their final states.
    var scratchStates = GrowableBuffer<Float>()
    /// sqrt of the summed squares of dL/dh_t: `[L][T]` of the last pass.
    var hiddenNorms = GrowableBuffer<Double>()
    var lastSteps = 0

    /// A network with freshly initialised weights, drawn from `generator`.
    /// - Parameter parallelism: shards a batch may be split into (default: the
    ///   machine's cores, at most 8). Results depend on it only through the order of
    ///   floating-point sums.
    public init(config: ModelConfig, generator: inout RandomGenerator, parallelism: Int? = nil) throws(ConfigError) {
        try config.validate()
        storage = ModelStorage(config: config)
        gradientBuffer = FloatBuffer(count: storage.layout.totalCount)
        let capacity = parallelism ?? Self.defaultParallelism
        runner = ShardRunner(capacity: capacity)
        var shards = [Shard(storage: storage, gradients: gradientBuffer.pointer)]
        for _ in 1..<runner.capacity { shards.append(Shard(storage: storage)) }
        self.shards = shards
        barrier = rk_barrier_create(2)
        BLAS.useCallingThreadOnly()
        Initializer.initialize(storage.parameters.buffer, layout: storage.layout, config: config, generator: &generator)
        storage.parametersChanged()
    }

    deinit {
        rk_barrier_destroy(barrier)
    }

    // MARK: Parameters

    /// How the min cells' recurrence runs over time: the parallel scan (the default)
    /// or step by step, the reference it is checked against. Other cells ignore it.
    public var recurrenceForm: RecurrenceForm {
        get { storage.recurrenceForm }
        set { storage.recurrenceForm = newValue }
    }

    /// Number of trainable values.
    public var parameterCount: Int { storage.layout.totalCount }

    /// Reads or writes the flat parameter vector in place. Writing through it is how
    /// optimizers update the model.
    public func withParameters<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        defer { storage.parametersChanged() }
        return try body(storage.parameters.buffer)
    }

    /// The gradients of the last `computeGradients`, in the layout's order. Clipping
    /// writes through it.
    public func withGradients<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(gradientBuffer.buffer)
    }

    /// A copy of one parameter tensor.
    public func parameter(named name: String) -> [Float]? {
        guard let spec = layout.spec(named: name) else { return nil }
        return Array(storage.parameters.buffer[spec.range])
    }

    /// Overwrites one parameter tensor; `values` must have its element count.
    public func setParameter(named name: String, to values: [Float]) {
        guard let spec = layout.spec(named: name) else { preconditionFailure("no parameter \(name)") }
        precondition(values.count == spec.count, "\(name) has \(spec.count) values")
        withParameters { buffer in
            for (i, v) in values.enumerated() { buffer[spec.offset + i] = v }
        }
    }

    /// Where the last training pass's sequences ended (`[L][B][H]` each, cell empty
    /// unless LSTM), which a `.carried` pass continues from; nil before any pass.
    /// Checkpoints save it so a text stream resumes mid-way.
    public var carriedState: CarriedState? {
        get {
            guard carriedBatch > 0 else { return nil }
            let count = config.layers * carriedBatch * config.hiddenSize
            return CarriedState(
                batch: carriedBatch, hidden: finalStates(cell: false, count: count),
                cell: config.cell.hasCellState ? finalStates(cell: true, count: count) : [])
        }
        set {
            guard let state = newValue else {
                carriedBatch = 0
                return
            }
            let count = config.layers * state.batch * config.hiddenSize
            precondition(state.hidden.count == count && (state.cell.isEmpty || state.cell.count == count))
            finalHidden.reserve(count).update(from: state.hidden, count: count)
            if !state.cell.isEmpty { finalCell.reserve(count).update(from: state.cell, count: count) }
            carriedBatch = state.batch
        }
    }

    /// Changes the dropout rates (between layers, and before the head) for the passes
    /// that follow; refuses rates outside [0, 1).
    public func setDropout(between layers: Float, output: Float) throws(ConfigError) {
        var changed = config
        changed.dropout = layers
        changed.outputDropout = output
        try changed.validate()
        storage.setDropout(between: layers, output: output)
    }

    /// A copy of one parameter tensor's gradient.
    public func gradient(named name: String) -> [Float]? {
        guard let spec = layout.spec(named: name) else { return nil }
        return Array(gradientBuffer.buffer[spec.range])
    }

    // MARK: Passes

    /// Forward and backward over `batch`: fills the gradients and the per-step
    /// hidden-gradient norms, and returns the loss.
    ///
    /// - Parameters:
    ///   - training: apply dropout (masks drawn from `generator`).
    ///   - initialState: zeros, the previous pass's final state, or given.
    ///   - record: extra tensors to copy out (for checks against references).
    /// - Complexity: about 3x the forward flops; no allocation once the buffers
    ///   have grown to the batch's size.
    @discardableResult
    public func computeGradients(
        _ batch: SequenceBatch, training: Bool = true, initialState: InitialState = .zeros,
        record: PassRecording = [], generator: inout RandomGenerator
    ) -> PassResult {
        run(batch, training: training, initialState: initialState, gradients: true, record: record,
            generator: &generator)
    }

    /// The loss on `batch` without dropout or gradients (validation).
    public func evaluate(_ batch: SequenceBatch, initialState: InitialState = .zeros) -> Double {
        evaluation(of: batch, initialState: initialState).loss
    }

    /// The loss and, for cross-entropy, the positions predicted right, on `batch`
    /// without dropout or gradients: validation of a classifier.
    public func evaluation(of batch: SequenceBatch, initialState: InitialState = .zeros) -> PassResult {
        var unused = RandomGenerator(seed: 0)
        return run(batch, training: false, initialState: initialState, gradients: false, record: [], generator: &unused)
    }

    /// ‖dL/dh_t‖ of `layer` at `step` in the last `computeGradients`: the total
    /// gradient through all later steps and layers, over the batch and units.
    public func hiddenGradientNorm(layer: Int, step: Int) -> Double {
        hiddenNorms.pointer[layer * lastSteps + step]
    }

    func shardsInUse(_ count: Int) -> ArraySlice<Shard> { shards[0..<count] }

    /// The final h (or c) of the last pass, `[L][B][H]`.
    func finalStates(cell: Bool, count: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: (cell ? finalCell : finalHidden).pointer, count: count))
    }
}
