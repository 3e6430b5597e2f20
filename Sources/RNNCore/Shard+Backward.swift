import CKernels

extension Shard {
    /// Backpropagates through time from the top layer down, given the gradient of the
    /// loss with respect to the top layer's outputs in its `dHidden` slots 1...T.
    /// Writes the shard's parameter gradients (the head's are written by the head),
    /// the squared norms of dL/dh_t per layer and step, and, when asked, dL/dx.
    /// Cost: one recurrent product and one gate kernel per step, then three GEMMs
    /// over all steps per layer for the weight and input gradients.
    func backward(_ pass: PassInputs, wantInputGradient: Bool, part: Partition) {
        let all = 0..<steps
        for l in stride(from: storage.config.layers - 1, through: 0, by: -1) {
            if storage.config.cell.isLinearRecurrence {
                // Block by block, the weight and input gradients included.
                backwardLinearLayer(l, pass: pass, wantInputGradient: wantInputGradient, part: part)
                continue
            }
            backwardThroughTime(l, part: part)
            part.sync()
            accumulateWeightGradients(l, steps: all, accumulate: false, part: part)
            if l > 0 {
                propagateToLayerBelow(l, steps: all, dropout: pass.dropout, batch: pass.batch, part: part)
            } else if wantInputGradient {
                inputGradient(l, steps: all, into: layers[0].dInput.pointer, width: storage.layout.layers[0].inputWidth, part: part)
            }
            part.sync()
        }
    }

    private func backwardThroughTime(_ l: Int, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h
        let rows = self.rows, steps = self.steps
        let buffers = layers[l]
        let gates = buffers.gates.pointer, hidden = buffers.hidden.pointer
        let dHidden = buffers.dHidden.pointer, dGates = buffers.dGates.pointer
        let relu: Int32 = config.activation == .relu ? 1 : 0
        let squares = (part.isLead ? hiddenSquares : partnerSquares).pointer + l * steps
        let units = part.share(of: h)
        let u0 = units.lowerBound, count = Int32(units.count)
        let whh = storage.parameters.pointer + storage.layout.layers[l].weightHH
        let r32 = Int32(rows), h32 = Int32(h), g32 = Int32(gateWidth)

        if part.isLead {
            dHidden.update(repeating: 0, count: rows * h)  // dL/dh0 accumulates here
            if config.cell.hasCellState { buffers.dCell.pointer.update(repeating: 0, count: rows * h) }
        }
        part.sync()

        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dh = dHidden + (t + 1) * rows * h, dPrevious = dh - rows * h
            let stepGates = gates + t * rows * gateWidth
            let stepDGates = dGates + t * rows * gateWidth
            // The gradient of the recurrent side's pre-activations, which W_hh sees:
            // for GRU its n block is scaled by r.
            let stepDRecurrent = config.cell == .gru ? buffers.dGatesRecurrent.pointer + t * rows * gateWidth : stepDGates
            switch config.cell {
            case .rnn:
                squares[t] = rk_rnn_backward(
                    r32, h32, count, hidden + (t + 1) * rows * h + u0, dh + u0, stepDGates + u0, relu)
            case .lstm:
                let cell = buffers.cell.pointer + t * rows * h
                squares[t] = rk_lstm_backward(
                    r32, h32, count, stepGates + u0, cell + u0, cell + rows * h + u0, dh + u0,
                    buffers.dCell.pointer + u0, stepDGates + u0, relu)
            case .gru:
                squares[t] = rk_gru_backward(
                    r32, h32, count, stepGates + u0, buffers.gruHn.pointer + t * rows * h + u0,
                    hidden + t * rows * h + u0, dh + u0, dPrevious + u0, stepDGates + u0, stepDRecurrent + u0, relu)
            case .minGRU, .minLSTM:
                preconditionFailure("the min cells' layers run in Shard+LinearRecurrence")
            }
            part.sync()  // every unit's gate gradients feed every unit's dL/dh_{t-1}
            if rows == 1 {
                if count > 0 { rk_gemv_columns(g32, count, whh + u0, h32, stepDRecurrent, dPrevious + u0, 1) }
            } else if count > 0 {
                // This part's panels of W_hh: its units' columns.
                let panels = storage.packedBackward[l].pointer + u0 * gateWidth
                rk_gemm_packed(r32, count, g32, stepDRecurrent, g32, panels, dPrevious + u0, h32, 1)
            }
        }
    }

    /// dW_ih, db_ih (and, where the cell has them, dW_hh, db_hh) of layer l from the
    /// gate gradients of `steps` (added to what the gradients hold when `accumulate`),
    /// which `dGates` holds from step `origin` on; shared threads take a share of the
    /// gate rows each.
    func accumulateWeightGradients(_ l: Int, steps span: Range<Int>, origin: Int = 0, accumulate: Bool, part: Partition) {
        let config = storage.config
        let spec = storage.layout.layers[l]
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h
        let count = span.count * rows, first = span.lowerBound * rows, stored = (span.lowerBound - origin) * rows
        let buffers = layers[l]
        let gateRows = part.share(of: gateWidth)
        guard !gateRows.isEmpty, count > 0 else { return }
        let g0 = gateRows.lowerBound, n = gateRows.count
        let beta: Float = accumulate ? 1 : 0
        let dInputSide = buffers.dGates.pointer + stored * gateWidth + g0
        let dRecurrentSide = (config.cell == .gru ? buffers.dGatesRecurrent.pointer : buffers.dGates.pointer) + stored * gateWidth + g0
        BLAS.gemm(
            transposeA: true, m: n, n: spec.inputWidth, k: count, a: dInputSide, lda: gateWidth,
            b: layerInput(l, dropout: true) + first * spec.inputWidth, ldb: spec.inputWidth, beta: beta,
            c: gradients + spec.weightIH + g0 * spec.inputWidth, ldc: spec.inputWidth)
        rk_column_sums(Int32(count), Int32(n), dInputSide, Int32(gateWidth), gradients + spec.biasIH + g0, accumulate ? 1 : 0)
        guard let recurrent = spec.recurrent else { return }  // the min cells: no W_hh, no b_hh
        BLAS.gemm(
            transposeA: true, m: n, n: h, k: count, a: dRecurrentSide, lda: gateWidth, b: buffers.hidden.pointer + first * h,
            ldb: h, beta: beta, c: gradients + recurrent.weight + g0 * h, ldc: h)
        rk_column_sums(
            Int32(count), Int32(n), dRecurrentSide, Int32(gateWidth), gradients + recurrent.bias + g0, accumulate ? 1 : 0)
    }

    /// dL/d(input of layer l) = dgates * W_ih for `steps`, `[T][rows][width]`, with the
    /// gate gradients in `dGates` from step `origin` on; shared threads take a share of
    /// the steps each.
    func inputGradient(
        _ l: Int, steps: Range<Int>, origin: Int = 0, into destination: UnsafeMutablePointer<Float>, width: Int, part: Partition
    ) {
        let spec = storage.layout.layers[l]
        let gateWidth = storage.config.cell.gateCount * storage.config.hiddenSize
        let share = part.share(of: steps.count * rows, alignment: 1)
        let span = (steps.lowerBound * rows + share.lowerBound)..<(steps.lowerBound * rows + share.upperBound)
        guard !span.isEmpty else { return }
        BLAS.gemm(
            m: span.count, n: width, k: gateWidth, a: layers[l].dGates.pointer + (span.lowerBound - origin * rows) * gateWidth,
            lda: gateWidth, b: storage.parameters.pointer + spec.weightIH, ldb: width, beta: 0,
            c: destination + span.lowerBound * width, ldc: width)
    }

    /// Hands the gradient of layer l's input at `steps` down as the gradient from
    /// above of layer l-1's outputs, through the inter-layer dropout mask.
    func propagateToLayerBelow(_ l: Int, steps: Range<Int>, origin: Int = 0, dropout: Bool, batch: Int, part: Partition) {
        let h = storage.config.hiddenSize
        let below = layers[l - 1].dHidden.pointer + rows * h
        inputGradient(l, steps: steps, origin: origin, into: below, width: h, part: part)
        guard dropout && storage.config.dropout > 0 else { return }
        let mask = storage.interLayerMasks[l].pointer
        let share = part.share(of: steps.count * rows, alignment: 1)
        for row in (steps.lowerBound * rows + share.lowerBound)..<(steps.lowerBound * rows + share.upperBound) {
            let t = row / rows, r = row % rows
            let m = mask + (t * batch + firstRow + r) * h, g = below + row * h
            for u in 0..<h { g[u] *= m[u] }
        }
    }
}
