import CKernels

/// What a forward pass without training gives: the head's outputs and where the
/// sequences ended.
public struct Inference: Sendable {
    /// `[B][O]` for a last-step head, `[T][B][O]` for an every-step one; empty
    /// without a head.
    public let predictions: [Float]
    /// `[L][B][H]`, to continue the sequences later.
    public let finalHidden: [Float]
    /// `[L][B][H]` (LSTM; empty otherwise).
    public let finalCell: [Float]
}

extension RecurrentNetwork {
    /// Runs `batch` forward without dropout, from the given state (zeros when nil):
    /// no loss, no gradients, and the batch's targets are not read. It uses the
    /// probe's buffers, so the training gradients, norms and carried state are left
    /// as they were (sampling text between training steps does not disturb them).
    public func infer(_ batch: SequenceBatch, hidden: [Float]? = nil, cell: [Float]? = nil) -> Inference {
        precondition(batch.inputSize == config.inputSize && batch.inputs.count == batch.steps * batch.size * batch.inputSize)
        let stateCount = config.layers * batch.size * config.hiddenSize
        let finalHidden = probeStates.reserve(2 * stateCount)
        let initial: InitialState = hidden.map { .given(hidden: $0, cell: cell) } ?? .zeros
        let shard = probeShard
        // One shard of several rows reads the packed weights: they must be this
        // version's (training at batch 1 never packs them).
        if batch.size > 1 { storage.packIfNeeded() }
        passInputs(
            batch, initialState: initial, carried: false, finalHidden: finalHidden, finalCell: finalHidden + stateCount,
            dropout: false
        ) { pass in
            let mode = rk_enter_flush_to_zero()
            defer { rk_leave_flush_to_zero(mode) }
            shard.prepare(firstRow: 0, rows: batch.size, steps: batch.steps, wantInputGradient: false)
            shard.forward(pass, part: .whole)
            shard.headAndLoss(pass, gradients: false, loss: false)
        }
        let predictionCount =
            config.head == .none ? 0 : (config.head == .everyStep ? batch.steps : 1) * batch.size * config.outputSize
        return Inference(
            predictions: Array(UnsafeBufferPointer(start: shard.headOutput.pointer, count: predictionCount)),
            finalHidden: Array(UnsafeBufferPointer(start: finalHidden, count: stateCount)),
            finalCell: config.cell.hasCellState
                ? Array(UnsafeBufferPointer(start: finalHidden + stateCount, count: stateCount)) : [])
    }
}
