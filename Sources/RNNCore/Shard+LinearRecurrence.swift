import CKernels

/// The min cells' layers: every step's gates from one input projection, then the
/// linear recurrence h_t = a_t h_{t-1} + b_t by a parallel scan over time, and back.
/// Threads sharing a sequence split its time steps, not its units: nothing here
/// couples one unit to another, and the scan's chunks are what runs in parallel.
extension Shard {
    /// Layer l forward: projections (one GEMM over all steps), gate activations,
    /// decays a_t and inputs b_t of every step at once, then the scan.
    func forwardLinearLayer(_ l: Int, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h, lanes = rows * h
        let buffers = layers[l]
        projectInputs(layer: l, units: part.share(of: h), part: part)
        part.sync()
        let span = part.share(of: steps, alignment: 1)
        if !span.isEmpty {
            let first = span.lowerBound
            let gates = buffers.gates.pointer + first * rows * gateWidth, decay = buffers.decay.pointer + first * lanes
            let inputs = buffers.hidden.pointer + (first + 1) * lanes  // b_t, in h_t's slot until the scan
            let (r32, h32) = (Int32(span.count * rows), Int32(h))
            switch config.cell {
            case .minLSTM: rk_minlstm_forward(r32, h32, h32, gates, decay, inputs)
            default: rk_mingru_forward(r32, h32, h32, gates, decay, inputs)
            }
        }
        part.sync()
        scan(
            coefficients: buffers.decay.pointer, states: buffers.hidden.pointer + lanes, stride: lanes,
            before: buffers.hidden.pointer, part: part)
    }

    /// Layer l backward, from dL/dh_t from above in `dHidden` slots 1...T: the total
    /// gradients D_t = E_t + a_{t+1} D_{t+1} by the same scan run backwards (slot 0
    /// ends as dL/dh0 = a_1 D_1), then every step's gate gradients and the squared
    /// norms of D_t.
    func backwardLinearLayer(_ l: Int, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h, lanes = rows * h
        let buffers = layers[l]
        let dHidden = buffers.dHidden.pointer
        if part.isLead { dHidden.update(repeating: 0, count: lanes) }
        part.sync()
        scan(
            coefficients: buffers.decay.pointer + (steps - 1) * lanes, states: dHidden + (steps - 1) * lanes,
            stride: -lanes, before: dHidden + steps * lanes, part: part)
        let squares = (part.isLead ? hiddenSquares : partnerSquares).pointer + l * steps
        let span = part.share(of: steps, alignment: 1)
        let (r32, h32) = (Int32(rows), Int32(h))
        for t in 0..<steps {
            guard span.contains(t) else {
                squares[t] = 0  // the other thread's step
                continue
            }
            let gates = buffers.gates.pointer + t * rows * gateWidth, dGates = buffers.dGates.pointer + t * rows * gateWidth
            let previous = buffers.hidden.pointer + t * lanes, total = dHidden + (t + 1) * lanes
            switch config.cell {
            case .minLSTM: squares[t] = rk_minlstm_backward(r32, h32, h32, gates, previous, total, dGates)
            default: squares[t] = rk_mingru_backward(r32, h32, h32, gates, previous, total, dGates)
            }
        }
        part.sync()
    }

    /// x_s = a_s x_{s-1} + x_s for the `steps` elements from `states`, `stride` floats
    /// apart (negative: backwards in time), each of `rows * H` lanes, with x_{-1} at
    /// `before`. In the parallel form each thread scans its chunks from zero; the
    /// lead then finds the state entering each chunk; each thread adds it, times the
    /// product of the decays so far, to its chunks.
    private func scan(
        coefficients: UnsafePointer<Float>, states: UnsafeMutablePointer<Float>, stride: Int,
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
