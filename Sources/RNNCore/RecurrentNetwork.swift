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
    public let config: ModelConfig
    public var layout: ParameterLayout { storage.layout }
    let storage: ModelStorage
    /// dL/d(parameters) of the last `computeGradients`, in the layout's order.
    let gradientBuffer: FloatBuffer
    private let runner: ShardRunner
    private let shards: [Shard]
    /// Where two threads sharing one sequence meet each time step.
    private let barrier: OpaquePointer
    /// The pass the shards are running.
    private var plan: PassPlan?
    /// Where the last pass's sequences ended, `[L][B][H]`, for `.carried` states.
    private var finalHidden = GrowableBuffer<Float>()
    private var finalCell = GrowableBuffer<Float>()
    private var carriedBatch = 0
    /// A shard of its own for single-sequence probes, so they leave the training
    /// gradients alone, and room for its final states.
    private(set) lazy var probeShard = Shard(storage: storage)
    var probeStates = GrowableBuffer<Float>()
    /// sqrt of the summed squares of dL/dh_t: `[L][T]` of the last pass.
    private var hiddenNorms = GrowableBuffer<Double>()
    private(set) var lastSteps = 0

    /// A network with freshly initialised weights, drawn from `generator`.
    /// - Parameter parallelism: shards a batch may be split into (default: the
    ///   machine's cores, at most 8). Results depend on it only through the order of
    ///   floating-point sums.
    public init(config: ModelConfig, generator: inout RandomGenerator, parallelism: Int? = nil) throws(ConfigError) {
        try config.validate()
        self.config = config
        storage = ModelStorage(config: config)
        gradientBuffer = FloatBuffer(count: storage.layout.totalCount)
        let capacity = parallelism ?? min(ProcessInfo.processInfo.activeProcessorCount, 8)
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
        var unused = RandomGenerator(seed: 0)
        return run(batch, training: false, initialState: initialState, gradients: false, record: [],
                   generator: &unused).loss
    }

    /// ‖dL/dh_t‖ of `layer` at `step` in the last `computeGradients`: the total
    /// gradient through all later steps and layers, over the batch and units.
    public func hiddenGradientNorm(layer: Int, step: Int) -> Double {
        hiddenNorms.pointer[layer * lastSteps + step]
    }

    private func run(
        _ batch: SequenceBatch, training: Bool, initialState: InitialState, gradients: Bool,
        record: PassRecording, generator: inout RandomGenerator
    ) -> PassResult {
        checkShape(batch)
        if training { storage.drawMasks(steps: batch.steps, batch: batch.size, generator: &generator) }
        let stateCount = config.layers * batch.size * config.hiddenSize
        let carried = initialState.isCarried && carriedBatch == batch.size
        let finalHidden = self.finalHidden.reserve(stateCount)
        let finalCell = self.finalCell.reserve(stateCount)
        // Large models share every step's units between two threads (each reads
        // half of W_hh); others get one shard of the batch per core.
        let sharedUnits = runner.capacity >= 2 && shouldShareUnits(batch: batch.size)
        let shardCount = sharedUnits ? 1 : min(batch.size, runner.capacity)
        if batch.size > shardCount { storage.packIfNeeded() }  // packed weights serve shards of several rows

        let loss = passInputs(
            batch, initialState: initialState, carried: carried, finalHidden: finalHidden, finalCell: finalCell,
            dropout: training
        ) { pass -> Double in
            plan = PassPlan(
                inputs: pass, shardCount: shardCount, sharedUnits: sharedUnits, gradients: gradients,
                wantInputGradient: record.contains(.inputGradients))
            runner.run(sharedUnits ? 2 : shardCount, self)
            plan = nil
            return shards[0..<shardCount].reduce(0) { $0 + $1.loss }
        }
        carriedBatch = batch.size
        lastSteps = batch.steps
        if gradients { combineShards(shardCount, steps: batch.steps, sharedUnits: sharedUnits) }
        return PassResult(
            loss: loss, recorded: record.isEmpty ? nil : collect(record, batch: batch, shards: shardCount))
    }

    /// What the shards of the pass in progress share; set only while they run.
    struct PassPlan {
        let inputs: PassInputs
        let shardCount: Int
        let sharedUnits: Bool
        let gradients: Bool
        let wantInputGradient: Bool
    }

    /// One shard's whole pass (or one part of a shared sequence), on whichever
    /// thread the runner gives it.
    func runShard(_ index: Int) {
        guard let plan else { return }
        let mode = rk_enter_flush_to_zero()
        defer { rk_leave_flush_to_zero(mode) }
        let pass = plan.inputs, batch = pass.batch
        let shard = shards[plan.sharedUnits ? 0 : index]
        let part = plan.sharedUnits ? Partition(index: index, count: 2, barrier: barrier) : .whole
        if part.isLead {
            let first = index * batch / plan.shardCount, next = (index + 1) * batch / plan.shardCount
            shard.prepare(firstRow: first, rows: next - first, steps: pass.steps, wantInputGradient: plan.wantInputGradient)
        }
        part.sync()
        shard.forward(pass, part: part)
        if part.isLead { shard.headAndLoss(pass, gradients: plan.gradients) }
        guard plan.gradients else { return }
        part.sync()
        shard.backward(pass, wantInputGradient: plan.wantInputGradient, part: part)
    }

    /// Whether every time step is better shared by units between two threads, with
    /// a barrier per step, than the batch by sequences. Yes when W_hh is a megabyte
    /// or more (LSTM from hidden 256 on): it no longer stays in a core's cache, and
    /// shards by sequence would each stream all of it every step, where shared
    /// units stream half each. A lone sequence has no other way to use two cores.
    /// Several sequences need units in whole panels (hidden a multiple of 16).
    private func shouldShareUnits(batch: Int) -> Bool {
        let h = config.hiddenSize
        guard config.cell.gateCount * h * h >= 1 << 18 else { return false }
        return batch == 1 || h % RecurrentNetwork.panelWidth == 0
    }

    /// Columns in a panel of the packed weights.
    static let panelWidth = Int(RK_PANEL_WIDTH)

    /// Sums the shards' gradients into shard 0's (the network's) and their squared
    /// hidden-gradient norms into `hiddenNorms`.
    private func combineShards(_ count: Int, steps: Int, sharedUnits: Bool) {
        let total = config.layers * steps
        let norms = hiddenNorms.reserve(total)
        norms.update(from: shards[0].hiddenSquares.pointer, count: total)
        if sharedUnits {
            let partner = shards[0].partnerSquares.pointer
            for i in 0..<total { norms[i] += partner[i] }
        }
        for shard in shards[1..<count] {
            rk_add(gradientBuffer.count, shard.gradients, gradientBuffer.pointer)
            let squares = shard.hiddenSquares.pointer
            for i in 0..<total { norms[i] += squares[i] }
        }
        for i in 0..<total { norms[i] = norms[i].squareRoot() }
    }

    /// Calls `body` with pointers into the batch and the initial state.
    func passInputs<R>(
        _ batch: SequenceBatch, initialState: InitialState, carried: Bool,
        finalHidden: UnsafeMutablePointer<Float>, finalCell: UnsafeMutablePointer<Float>, dropout: Bool,
        _ body: (PassInputs) -> R
    ) -> R {
        func make(
            _ values: UnsafePointer<Float>?, _ classes: UnsafePointer<Int32>?, _ hidden: UnsafePointer<Float>?,
            _ cell: UnsafePointer<Float>?
        ) -> R {
            batch.inputs.withUnsafeBufferPointer { inputs in
                body(
                    PassInputs(
                        steps: batch.steps, batch: batch.size, inputs: inputs.baseAddress!, targetValues: values,
                        targetClasses: classes, initialHidden: hidden, initialCell: cell, finalHidden: finalHidden,
                        finalCell: finalCell, dropout: dropout))
            }
        }
        func withState(_ values: UnsafePointer<Float>?, _ classes: UnsafePointer<Int32>?) -> R {
            switch initialState {
            case .zeros:
                return make(values, classes, nil, nil)
            case .carried:
                return carried ? make(values, classes, finalHidden, finalCell) : make(values, classes, nil, nil)
            case .given(let hidden, let cell):
                precondition(hidden.count == config.layers * batch.size * config.hiddenSize, "h0 has the wrong count")
                return hidden.withUnsafeBufferPointer { h in
                    guard let cell else { return make(values, classes, h.baseAddress, nil) }
                    precondition(cell.count == hidden.count, "c0 has the wrong count")
                    return cell.withUnsafeBufferPointer { c in make(values, classes, h.baseAddress, c.baseAddress) }
                }
            }
        }
        switch batch.targets {
        case .values(let values):
            return values.withUnsafeBufferPointer { withState($0.baseAddress, nil) }
        case .classes(let classes):
            return classes.withUnsafeBufferPointer { withState(nil, $0.baseAddress) }
        }
    }

    func shardsInUse(_ count: Int) -> ArraySlice<Shard> { shards[0..<count] }

    /// The final h (or c) of the last pass, `[L][B][H]`.
    func finalStates(cell: Bool, count: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: (cell ? finalCell : finalHidden).pointer, count: count))
    }

    private func checkShape(_ batch: SequenceBatch) {
        precondition(batch.steps >= 1 && batch.size >= 1, "empty batch")
        precondition(batch.inputSize == config.inputSize, "batch input size \(batch.inputSize) != model's \(config.inputSize)")
        precondition(batch.inputs.count == batch.steps * batch.size * batch.inputSize, "inputs have the wrong count")
        let rows = (config.head == .everyStep || config.head == .none ? batch.steps : 1) * batch.size
        switch batch.targets {
        case .values(let values):
            let width = config.head == .none ? config.hiddenSize : config.outputSize
            precondition(values.count == rows * width, "targets have the wrong count")
            precondition(config.head == .none || config.loss == .mse, "value targets need the MSE loss")
        case .classes(let classes):
            precondition(config.head != .none && config.loss == .crossEntropy, "class targets need cross-entropy")
            precondition(classes.count == rows, "targets have the wrong count")
            precondition(classes.allSatisfy { $0 >= 0 && Int($0) < config.outputSize }, "class out of range")
        }
    }
}

/// Extra tensors a pass can copy out, for comparison with reference values.
public struct PassRecording: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The top layer's outputs and the final states.
    public static let outputs = PassRecording(rawValue: 1)
    /// dL/dh_t of every layer, `[T][B][H]`.
    public static let hiddenGradients = PassRecording(rawValue: 2)
    /// dL/dx, dL/dh0 and dL/dc0.
    public static let inputGradients = PassRecording(rawValue: 4)
    /// The head's output (predictions or logits).
    public static let predictions = PassRecording(rawValue: 8)
}

/// What a pass returns.
public struct PassResult: Sendable {
    /// The loss: the batch mean (or the weighted sum for a model without a head).
    public let loss: Double
    /// The tensors asked for with `record`.
    public let recorded: RecordedTensors?
}

/// Tensors copied out of a pass, in PyTorch's layouts.
public struct RecordedTensors: Sendable {
    /// Top layer outputs `[T][B][H]`.
    public var output: [Float] = []
    /// Final states `[L][B][H]`.
    public var finalHidden: [Float] = []
    public var finalCell: [Float] = []
    /// dL/dh_t per layer, each `[T][B][H]`.
    public var hiddenGradients: [[Float]] = []
    /// dL/dx `[T][B][I]`.
    public var inputGradient: [Float] = []
    /// dL/dh0 and dL/dc0, `[L][B][H]`.
    public var initialHiddenGradient: [Float] = []
    public var initialCellGradient: [Float] = []
    /// Head outputs: `[B][O]` or `[T][B][O]`.
    public var predictions: [Float] = []
}

extension InitialState {
    var isCarried: Bool {
        if case .carried = self { return true }
        return false
    }
}
