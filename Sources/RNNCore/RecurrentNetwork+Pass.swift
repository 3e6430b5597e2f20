import CKernels

/// How a pass runs: the batch divided into shards (or a step's units shared between
/// two threads), each shard's forward, head, loss and backward on its thread, and
/// the shards' results combined.
extension RecurrentNetwork {
    /// The pass behind `computeGradients` (with gradients) and `evaluate` (without).
    func run(
        _ batch: SequenceBatch, training: Bool, initialState: InitialState, gradients: Bool,
        record: PassRecording, generator: inout RandomGenerator
    ) -> PassResult {
        checkShape(batch)
        if training { storage.drawMasks(steps: batch.steps, batch: batch.size, generator: &generator) }
        let stateCount = config.layers * batch.size * config.hiddenSize
        let carried = initialState.isCarried && carriedBatch == batch.size
        // Only training passes move the carried state on; an evaluation between two
        // windows of a text must not break the stream.
        let finalHidden = gradients ? self.finalHidden.reserve(stateCount) : scratchStates.reserve(2 * stateCount)
        let finalCell = gradients ? self.finalCell.reserve(stateCount) : finalHidden + stateCount
        // Large models share every step's units between two threads (each reads
        // half of W_hh); others get one shard of the batch per core.
        let sharedUnits = runner.capacity >= 2 && shouldShareUnits(batch: batch.size)
        let shardCount = sharedUnits ? 1 : min(batch.size, runner.capacity)
        if batch.size > shardCount { storage.packIfNeeded() }  // packed weights serve shards of several rows

        let (loss, correct, scored) = passInputs(
            batch, initialState: initialState, carried: carried, finalHidden: finalHidden, finalCell: finalCell,
            dropout: training
        ) { pass -> (Double, Int, Int) in
            plan = PassPlan(
                inputs: pass, shardCount: shardCount, sharedUnits: sharedUnits, gradients: gradients,
                wantInputGradient: record.contains(.inputGradients))
            runner.run(sharedUnits ? 2 : shardCount, self)
            plan = nil
            let used = shards[0..<shardCount]
            return (used.reduce(0) { $0 + $1.loss }, used.reduce(0) { $0 + $1.correct }, used.reduce(0) { $0 + $1.scored })
        }
        if gradients {
            carriedBatch = batch.size
            lastSteps = batch.steps
            combineShards(shardCount, steps: batch.steps, sharedUnits: sharedUnits)
        }
        return PassResult(
            loss: loss, correct: correct, scored: scored, recorded: record.isEmpty ? nil : collect(record, batch: batch, shards: shardCount))
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
            shard.prepare(
                firstRow: first, rows: next - first, steps: pass.steps, wantInputGradient: plan.wantInputGradient,
                shared: plan.sharedUnits)
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
    /// The min cells have no W_hh and meet only a few times a layer: a lone sequence
    /// is shared (by time steps: the scan's chunks), more are split by sequences.
    private func shouldShareUnits(batch: Int) -> Bool {
        let h = config.hiddenSize
        if config.cell.isLinearRecurrence { return batch == 1 }
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
        var scoredClasses = 0
        if case .classes(let classes) = batch.targets { scoredClasses = classes.count { $0 != Targets.ignored } }
        func make(
            _ values: UnsafePointer<Float>?, _ classes: UnsafePointer<Int32>?, _ hidden: UnsafePointer<Float>?,
            _ cell: UnsafePointer<Float>?
        ) -> R {
            batch.inputs.withUnsafeBufferPointer { inputs in
                body(
                    PassInputs(
                        steps: batch.steps, batch: batch.size, inputs: inputs.baseAddress!, targetValues: values,
                        targetClasses: classes, scoredClasses: scoredClasses, initialHidden: hidden, initialCell: cell,
                        finalHidden: finalHidden, finalCell: finalCell, dropout: dropout))
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
            precondition(
                classes.allSatisfy { ($0 >= 0 && Int($0) < config.outputSize) || $0 == Targets.ignored }, "class out of range")
        }
    }
}

extension InitialState {
    var isCarried: Bool {
        if case .carried = self { return true }
        return false
    }
}
