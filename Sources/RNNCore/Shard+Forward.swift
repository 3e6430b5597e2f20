import CKernels

extension Shard {
    /// Runs every layer forward over this shard's rows of `pass`, keeping what the
    /// backward pass needs, and writes the final states to `pass.finalHidden/Cell`.
    /// Cost: the input projection of each layer as one GEMM over all steps, then one
    /// packed product and one gate kernel per step.
    func forward(_ pass: PassInputs) {
        let config = storage.config
        let h = config.hiddenSize, rows = self.rows, steps = self.steps
        loadInputs(pass)
        for l in 0..<config.layers {
            loadInitialState(pass, layer: l)
            if l > 0 { prepareInput(layer: l, pass: pass) }
            forwardLayer(l)
            let final = (l * pass.batch + firstRow) * h
            (pass.finalHidden + final).update(from: layers[l].hidden.pointer + steps * rows * h, count: rows * h)
            if config.cell == .lstm {
                (pass.finalCell + final).update(from: layers[l].cell.pointer + steps * rows * h, count: rows * h)
            }
        }
    }

    /// The layer's input, `[T][rows][width]`: its own buffer (the batch's inputs for
    /// layer 0, the dropped-out output below otherwise) or the layer below's outputs.
    func layerInput(_ l: Int, dropout: Bool) -> UnsafeMutablePointer<Float> {
        if l == 0 || (dropout && storage.config.dropout > 0) { return layers[l].input.pointer }
        return layers[l - 1].hidden.pointer + rows * storage.config.hiddenSize
    }

    /// Copies this shard's rows of the batch's inputs into layer 0's input buffer.
    private func loadInputs(_ pass: PassInputs) {
        let width = storage.config.inputSize
        let destination = layers[0].input.pointer
        for t in 0..<steps {
            (destination + t * rows * width).update(
                from: pass.inputs + (t * pass.batch + firstRow) * width, count: rows * width)
        }
    }

    private func loadInitialState(_ pass: PassInputs, layer l: Int) {
        let h = storage.config.hiddenSize
        let offset = (l * pass.batch + firstRow) * h
        if let initial = pass.initialHidden {
            layers[l].hidden.pointer.update(from: initial + offset, count: rows * h)
        } else {
            layers[l].hidden.pointer.update(repeating: 0, count: rows * h)
        }
        guard storage.config.cell == .lstm else { return }
        if let initial = pass.initialCell {
            layers[l].cell.pointer.update(from: initial + offset, count: rows * h)
        } else {
            layers[l].cell.pointer.update(repeating: 0, count: rows * h)
        }
    }

    /// Applies the inter-layer dropout mask to the output of layer l-1.
    private func prepareInput(layer l: Int, pass: PassInputs) {
        guard pass.dropout && storage.config.dropout > 0 else { return }
        let h = storage.config.hiddenSize
        let below = layers[l - 1].hidden.pointer + rows * h
        let mask = storage.interLayerMasks[l].pointer
        let input = layers[l].input.pointer
        for t in 0..<steps {
            let m = mask + (t * pass.batch + firstRow) * h
            let x = below + t * rows * h, y = input + t * rows * h
            for e in 0..<(rows * h) { y[e] = x[e] * m[e] }
        }
    }

    private func forwardLayer(_ l: Int) {
        let config = storage.config
        let spec = storage.layout.layers[l]
        let weights = storage.parameters.pointer
        let h = config.hiddenSize, gateWidth = config.cell.gateCount * h
        let rows = self.rows, steps = self.steps
        let buffers = layers[l]
        let gates = buffers.gates.pointer, hidden = buffers.hidden.pointer
        let relu: Int32 = config.activation == .relu ? 1 : 0
        let packed = storage.packedForward[l].pointer

        // Input projection of every step at once, biases included (for GRU only b_ih:
        // b_hh belongs inside r * (W_hn h + b_hn)).
        let biasHH = config.cell == .gru ? nil : UnsafePointer(weights + spec.biasHH)
        rk_fill_rows(Int32(steps * rows), Int32(gateWidth), weights + spec.biasIH, biasHH, gates)
        BLAS.gemm(
            transposeB: true, m: steps * rows, n: gateWidth, k: spec.inputWidth,
            a: layerInput(l, dropout: true), lda: spec.inputWidth, b: weights + spec.weightIH,
            ldb: spec.inputWidth, beta: 1, c: gates, ldc: gateWidth)

        let r32 = Int32(rows), h32 = Int32(h), g32 = Int32(gateWidth)
        for t in 0..<steps {
            let previous = hidden + t * rows * h, next = previous + rows * h
            let stepGates = gates + t * rows * gateWidth
            switch config.cell {
            case .rnn:
                rk_gemm_packed(r32, g32, h32, previous, h32, packed, stepGates, g32, 1)
                rk_rnn_forward(r32, h32, stepGates, next, relu)
            case .lstm:
                let cell = buffers.cell.pointer + t * rows * h
                rk_gemm_packed(r32, g32, h32, previous, h32, packed, stepGates, g32, 1)
                rk_lstm_forward(r32, h32, stepGates, cell, cell + rows * h, next, relu)
            case .gru:
                let recurrent = buffers.gruRecurrent.pointer
                rk_gemm_packed(r32, g32, h32, previous, h32, packed, recurrent, g32, 0)
                rk_gru_forward(
                    r32, h32, stepGates, recurrent, weights + spec.biasHH, previous,
                    buffers.gruHn.pointer + t * rows * h, next, relu)
            }
        }
    }
}
