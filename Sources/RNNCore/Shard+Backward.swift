import CKernels

extension Shard {
    /// Backpropagates through time from the top layer down, given the gradient of the
    /// loss with respect to the top layer's outputs in its `dHidden` slots 1...T.
    /// Writes the shard's parameter gradients (the head's are written by the head),
    /// the squared norms of dL/dh_t per layer and step, and, when asked, dL/dx.
    /// Cost: one packed product and one gate kernel per step, then three GEMMs over
    /// all steps per layer for the weight and input gradients.
    func backward(_ pass: PassInputs, wantInputGradient: Bool) {
        for l in stride(from: storage.config.layers - 1, through: 0, by: -1) {
            backwardThroughTime(l)
            accumulateWeightGradients(l)
            if l > 0 {
                propagateToLayerBelow(l, dropout: pass.dropout, batch: pass.batch)
            } else if wantInputGradient {
                let spec = storage.layout.layers[0]
                inputGradient(l, into: layers[0].dInput.pointer, width: spec.inputWidth)
            }
        }
    }

    private func backwardThroughTime(_ l: Int) {
        let config = storage.config
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h
        let rows = self.rows, steps = self.steps
        let buffers = layers[l]
        let gates = buffers.gates.pointer, hidden = buffers.hidden.pointer
        let dHidden = buffers.dHidden.pointer, dGates = buffers.dGates.pointer
        let relu: Int32 = config.activation == .relu ? 1 : 0
        let packed = storage.packedBackward[l].pointer
        let squares = hiddenSquares.pointer + l * steps
        let r32 = Int32(rows), h32 = Int32(h), g32 = Int32(gateWidth)

        dHidden.update(repeating: 0, count: rows * h)  // dL/dh0 accumulates here
        if config.cell == .lstm { buffers.dCell.pointer.update(repeating: 0, count: rows * h) }

        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dh = dHidden + (t + 1) * rows * h, dPrevious = dh - rows * h
            let stepGates = gates + t * rows * gateWidth
            let stepDGates = dGates + t * rows * gateWidth
            switch config.cell {
            case .rnn:
                squares[t] = rk_rnn_backward(r32, h32, hidden + (t + 1) * rows * h, dh, stepDGates, relu)
                rk_gemm_packed(r32, h32, g32, stepDGates, g32, packed, dPrevious, h32, 1)
            case .lstm:
                let cell = buffers.cell.pointer + t * rows * h
                squares[t] = rk_lstm_backward(
                    r32, h32, stepGates, cell, cell + rows * h, dh, buffers.dCell.pointer, stepDGates, relu)
                rk_gemm_packed(r32, h32, g32, stepDGates, g32, packed, dPrevious, h32, 1)
            case .gru:
                let stepDRecurrent = buffers.dGatesRecurrent.pointer + t * rows * gateWidth
                squares[t] = rk_gru_backward(
                    r32, h32, stepGates, buffers.gruHn.pointer + t * rows * h, hidden + t * rows * h, dh,
                    dPrevious, stepDGates, stepDRecurrent, relu)
                rk_gemm_packed(r32, h32, g32, stepDRecurrent, g32, packed, dPrevious, h32, 1)
            }
        }
    }

    /// dW_ih, dW_hh, db_ih, db_hh of layer l from the gate gradients of all steps.
    private func accumulateWeightGradients(_ l: Int) {
        let config = storage.config
        let spec = storage.layout.layers[l]
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h
        let count = steps * rows
        let buffers = layers[l]
        let dInputSide = buffers.dGates.pointer
        let dRecurrentSide = config.cell == .gru ? buffers.dGatesRecurrent.pointer : dInputSide
        BLAS.gemm(
            transposeA: true, m: gateWidth, n: spec.inputWidth, k: count, a: dInputSide, lda: gateWidth,
            b: layerInput(l, dropout: true), ldb: spec.inputWidth, beta: 0, c: gradients + spec.weightIH,
            ldc: spec.inputWidth)
        BLAS.gemm(
            transposeA: true, m: gateWidth, n: h, k: count, a: dRecurrentSide, lda: gateWidth,
            b: buffers.hidden.pointer, ldb: h, beta: 0, c: gradients + spec.weightHH, ldc: h)
        rk_column_sums(Int32(count), Int32(gateWidth), dInputSide, gradients + spec.biasIH, 0)
        rk_column_sums(Int32(count), Int32(gateWidth), dRecurrentSide, gradients + spec.biasHH, 0)
    }

    /// dL/d(input of layer l) = dgates * W_ih, `[T][rows][width]`.
    private func inputGradient(_ l: Int, into destination: UnsafeMutablePointer<Float>, width: Int) {
        let spec = storage.layout.layers[l]
        let gateWidth = storage.config.cell.gateCount * storage.config.hiddenSize
        BLAS.gemm(
            m: steps * rows, n: width, k: gateWidth, a: layers[l].dGates.pointer, lda: gateWidth,
            b: storage.parameters.pointer + spec.weightIH, ldb: width, beta: 0, c: destination, ldc: width)
    }

    /// Hands the gradient of layer l's input down as the gradient from above of layer
    /// l-1's outputs, through the inter-layer dropout mask.
    private func propagateToLayerBelow(_ l: Int, dropout: Bool, batch: Int) {
        let h = storage.config.hiddenSize
        let below = layers[l - 1].dHidden.pointer + rows * h
        inputGradient(l, into: below, width: h)
        guard dropout && storage.config.dropout > 0 else { return }
        let mask = storage.interLayerMasks[l].pointer
        for t in 0..<steps {
            let m = mask + (t * batch + firstRow) * h, g = below + t * rows * h
            for e in 0..<(rows * h) { g[e] *= m[e] }
        }
    }
}
