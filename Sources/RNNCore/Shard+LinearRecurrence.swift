import CKernels

/// The min cells' layers: every step's gates from one input projection, then the
/// linear recurrence h_t = a_t h_{t-1} + b_t by a parallel scan over time, and back.
/// Threads sharing a sequence split its time steps, not its units: nothing here
/// couples one unit to another, and the scan's chunks are what runs in parallel.
///
/// A thread alone on its rows works in blocks of time steps small enough that a
/// block's projections, gates, decays and states stay in the cache from one pass
/// over them to the next, where whole-sequence passes would stream every buffer
/// through memory several times. (What still travels to memory on a long sequence is
/// what backpropagation keeps for every step: gates, states and their gradients.)
/// Blocks hold whole chunks of the scan, which is the same computation either way;
/// two threads sharing a sequence run it as one block, split between them. On a long
/// sequence the layer keeps its decays only for the block at hand: the backward pass
/// computes them again from the gates, which it reads for its gradients anyway.
extension Shard {
    /// Layer l forward, block by block: projections (one GEMM over the block's steps),
    /// gate activations, decays a_t and inputs b_t, then the scan from the state the
    /// block before ended in.
    func forwardLinearLayer(_ l: Int, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h, lanes = rows * h
        let buffers = layers[l]
        let blocks = timeBlocks(layer: l, alone: part.count == 1)
        let keptDecays = keepsDecays(layer: l, alone: part.count == 1)
        for b in 0..<blocks.count {
            let block = blocks.steps(of: b), origin = keptDecays ? 0 : block.lowerBound
            projectInputs(layer: l, units: part.share(of: h), part: part, steps: block)
            part.sync()
            let span = part.share(of: block.count, alignment: 1)
            if !span.isEmpty {
                let first = block.lowerBound + span.lowerBound
                let gates = buffers.gates.pointer + first * rows * gateWidth, decay = buffers.decay.pointer + (first - origin) * lanes
                let inputs = buffers.hidden.pointer + (first + 1) * lanes  // b_t, in h_t's slot until the scan
                let (r32, h32) = (Int32(span.count * rows), Int32(h))
                switch config.cell {
                case .minLSTM: rk_minlstm_forward(r32, h32, h32, gates, decay, inputs)
                default: rk_mingru_forward(r32, h32, h32, gates, decay, inputs)
                }
            }
            part.sync()
            scan(
                steps: block.count, coefficients: buffers.decay.pointer + (block.lowerBound - origin) * lanes,
                states: buffers.hidden.pointer + (block.lowerBound + 1) * lanes, stride: lanes,
                before: buffers.hidden.pointer + block.lowerBound * lanes, part: part)
        }
    }

    /// Layer l backward, from dL/dh_t from above in `dHidden` slots 1...T, block by
    /// block from the last: the block's decays from its gates, unless they were kept;
    /// the total gradients D_t = E_t + a_{t+1} D_{t+1} by the same scan run backwards
    /// (slot 0 ends as dL/dh0 = a_1 D_1); the block's gate gradients and squared
    /// norms of D_t; then its share of dW_ih and db_ih and of the gradient of the
    /// layer's input (for the layer below, or dL/dx when asked).
    /// The block's gate gradients are used only here: each block writes them from the
    /// start of `dGates`, where they are still in the cache for the products.
    func backwardLinearLayer(_ l: Int, pass: PassInputs, wantInputGradient: Bool, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h, lanes = rows * h
        let buffers = layers[l]
        let dHidden = buffers.dHidden.pointer
        if part.isLead { dHidden.update(repeating: 0, count: lanes) }
        part.sync()
        let squares = (part.isLead ? hiddenSquares : partnerSquares).pointer + l * steps
        let (r32, h32) = (Int32(rows), Int32(h))
        let blocks = timeBlocks(layer: l, alone: part.count == 1)
        let keptDecays = keepsDecays(layer: l, alone: part.count == 1)
        let zeroFromAbove = l == config.layers - 1 && config.head == .lastStep  // see `headAndLoss`
        for b in stride(from: blocks.count - 1, through: 0, by: -1) {
            let block = blocks.steps(of: b), origin = keptDecays ? 0 : block.lowerBound
            if zeroFromAbove {  // slots 1..<T: the head wrote only slot T
                let first = max(block.lowerBound, 1)
                if part.isLead && first < block.upperBound {
                    (dHidden + first * lanes).update(repeating: 0, count: (block.upperBound - first) * lanes)
                }
                part.sync()
            }
            if !keptDecays && b < blocks.count - 1 {  // the last block's are still there from the forward pass
                let gates = buffers.gates.pointer + block.lowerBound * rows * gateWidth, decay = buffers.decay.pointer
                let r32 = Int32(block.count * rows)
                switch config.cell {
                case .minLSTM: rk_minlstm_decay(r32, h32, h32, gates, decay)
                default: rk_mingru_decay(r32, h32, h32, gates, decay)
                }
            }
            scan(
                steps: block.count, coefficients: buffers.decay.pointer + (block.upperBound - 1 - origin) * lanes,
                states: dHidden + (block.upperBound - 1) * lanes, stride: -lanes, before: dHidden + block.upperBound * lanes,
                part: part)
            let span = part.share(of: block.count, alignment: 1)
            for offset in 0..<block.count {
                let t = block.lowerBound + offset
                guard span.contains(offset) else {
                    squares[t] = 0  // the other thread's step
                    continue
                }
                let gates = buffers.gates.pointer + t * rows * gateWidth
                let dGates = buffers.dGates.pointer + offset * rows * gateWidth  // the block's, from the buffer's start
                let previous = buffers.hidden.pointer + t * lanes, total = dHidden + (t + 1) * lanes
                switch config.cell {
                case .minLSTM: squares[t] = rk_minlstm_backward(r32, h32, h32, gates, previous, total, dGates)
                default: squares[t] = rk_mingru_backward(r32, h32, h32, gates, previous, total, dGates)
                }
            }
            part.sync()
            accumulateWeightGradients(l, steps: block, origin: block.lowerBound, accumulate: b < blocks.count - 1, part: part)
            if l > 0 {
                propagateToLayerBelow(l, steps: block, origin: block.lowerBound, dropout: pass.dropout, batch: pass.batch, part: part)
            } else if wantInputGradient {
                inputGradient(
                    l, steps: block, origin: block.lowerBound, into: layers[0].dInput.pointer,
                    width: storage.layout.layers[0].inputWidth, part: part)
            }
            part.sync()
        }
    }

    /// The blocks of time steps layer l runs in: whole chunks of the scan, together
    /// about a megabyte of the buffers a step touches (half a core's L2 cache here),
    /// and at least 256 rows, so the projections stay efficient matrix products. The
    /// whole sequence when two threads share it, and in the sequential reference form.
    func timeBlocks(layer l: Int, alone: Bool) -> ScanChunks {
        guard alone, storage.recurrenceForm == .parallelScan else { return ScanChunks(steps: steps, length: max(steps, 1)) }
        let h = storage.config.hiddenSize, gateWidth = storage.config.cell.gateCount * h
        // Inputs, gates and their gradients, decays, states and their gradients.
        let floatsPerStep = rows * (storage.layout.layers[l].inputWidth + 2 * gateWidth + 3 * h)
        let chunk = RecurrenceForm.chunkLength
        let fitting = Self.cachedFloats / max(floatsPerStep, 1), enough = (256 + rows - 1) / rows
        return ScanChunks(steps: steps, length: (max(fitting, enough, 1) + chunk - 1) / chunk * chunk)
    }

    /// Whether layer l keeps its decays for all T steps: when they fit in the
    /// megabyte its blocks are cut to (computing them again would only cost time),
    /// when the layer is one block (two threads share the sequence, or the sequential
    /// form), and on a shard that must show every one (the probe). Otherwise it keeps
    /// one block's.
    func keepsDecays(layer l: Int, alone: Bool) -> Bool {
        keepsEveryDecay || steps * rows * storage.config.hiddenSize <= Self.cachedFloats
            || timeBlocks(layer: l, alone: alone).count == 1
    }

    /// About a megabyte of floats: half a core's L2 cache here.
    static let cachedFloats = 1 << 18

    /// x_s = a_s x_{s-1} + x_s for `steps` elements from `states`, `stride` floats
    /// apart (negative: backwards in time), each of `rows * H` lanes, with x_{-1} at
    /// `before`. In the parallel form each thread scans its chunks from zero (the
    /// first chunk from `before`); the lead then finds the state entering each chunk;
    /// each thread adds it, times the product of the decays so far, to its chunks.
    private func scan(
        steps: Int, coefficients: UnsafePointer<Float>, states: UnsafeMutablePointer<Float>, stride: Int,
        before: UnsafePointer<Float>, part: Partition
    ) {
        let lanes = rows * storage.config.hiddenSize, l32 = Int32(lanes)
        let chunks = storage.scanChunks(steps: steps)
        let products = scanProducts.pointer, carries = scanCarries.pointer
        let mine = part.share(of: chunks.count, alignment: 1)
        for c in mine {
            let range = chunks.steps(of: c)
            rk_scan_chunk(
                Int32(range.count), 1, l32, l32, coefficients + range.lowerBound * stride, stride,
                states + range.lowerBound * stride, stride, c == 0 ? before : nil, products + c * lanes)
        }
        if chunks.count > 1 {
            part.sync()
            if part.isLead {
                // carries[c]: the true state at the end of chunk c (chunk 0's is already).
                for c in 0..<(chunks.count - 1) {
                    (carries + c * lanes).update(from: states + (chunks.steps(of: c).upperBound - 1) * stride, count: lanes)
                }
                rk_scan_chunk(
                    Int32(chunks.count - 2), 1, l32, l32, products + lanes, lanes, carries + lanes, lanes, carries, nil)
            }
            part.sync()
            for c in mine where c > 0 {
                let range = chunks.steps(of: c)
                rk_scan_fix(
                    Int32(range.count), 1, l32, l32, coefficients + range.lowerBound * stride, stride,
                    states + range.lowerBound * stride, stride, carries + (c - 1) * lanes)
            }
        }
        part.sync()
    }
}
