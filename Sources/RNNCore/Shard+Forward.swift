import CKernels

extension Shard {
    /// Runs every layer forward over this shard's rows of `pass`, keeping what the
    /// backward pass needs, and writes the final states to `pass.finalHidden/Cell`.
    /// Cost: the input projection of each layer as one GEMM over all steps, then one
    /// recurrent product and one gate kernel per step.
    func forward(_ pass: PassInputs, part: Partition) {
        let config = storage.config
        let h = config.hiddenSize, rows = self.rows, steps = self.steps
        if part.isLead { loadInputs(pass) }
        for l in 0..<config.layers {
            if part.isLead {
                loadInitialState(pass, layer: l)
                if l > 0 { prepareInput(layer: l, pass: pass) }
            }
            part.sync()
            if config.cell.isLinearRecurrence {
                forwardLinearLayer(l, part: part)
            } else {
                forwardLayer(l, part: part)
            }
            if part.isLead {
                let final = (l * pass.batch + firstRow) * h
                (pass.finalHidden + final).update(from: layers[l].hidden.pointer + steps * rows * h, count: rows * h)
                if config.cell.hasCellState {
                    (pass.finalCell + final).update(from: layers[l].cell.pointer + steps * rows * h, count: rows * h)
                }
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
        guard storage.config.cell.hasCellState else { return }
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

    /// The input projection of every step of `steps` (all, unless told) at once,
    /// biases included (for GRU only b_ih: b_hh belongs inside r * (W_hn h + b_hn)),
    /// into the layer's gates. Alone, one GEMM over all gates; shared, one per gate
    /// block over this part's units.
    func projectInputs(layer l: Int, units: Range<Int>, part: Partition, steps span: Range<Int>? = nil) {
        let span = span ?? 0..<steps
        let config = storage.config
        let spec = storage.layout.layers[l]
        let weights = storage.parameters.pointer
        let h = config.hiddenSize, gateCount = config.cell.gateCount, gateWidth = gateCount * h
        let gates = layers[l].gates.pointer + span.lowerBound * rows * gateWidth
        let input = layerInput(l, dropout: true) + span.lowerBound * rows * spec.inputWidth
        let projections = part.count == 1 ? 1 : gateCount
        for block in 0..<projections {
            let column = part.count == 1 ? 0 : block * h + units.lowerBound
            let width = part.count == 1 ? gateWidth : units.count
            guard width > 0 else { continue }
            let biasHH = config.cell == .gru ? nil : spec.recurrent.map { UnsafePointer(weights + $0.bias + column) }
            rk_fill_rows(
                Int32(span.count * rows), Int32(width), weights + spec.biasIH + column, biasHH, gates + column,
                Int32(gateWidth))
            BLAS.gemm(
                transposeB: true, m: span.count * rows, n: width, k: spec.inputWidth,
                a: input, lda: spec.inputWidth, b: weights + spec.weightIH + column * spec.inputWidth,
                ldb: spec.inputWidth, beta: 1, c: gates + column, ldc: gateWidth)
        }
    }

    private func forwardLayer(_ l: Int, part: Partition) {
        let config = storage.config
        let spec = storage.layout.layers[l]
        let weights = storage.parameters.pointer
        let h = config.hiddenSize, gateCount = config.cell.gateCount, gateWidth = gateCount * h
        let rows = self.rows, steps = self.steps
        let buffers = layers[l]
        let gates = buffers.gates.pointer, hidden = buffers.hidden.pointer
        let relu: Int32 = config.activation == .relu ? 1 : 0
        let units = part.share(of: h)
        let u0 = units.lowerBound, count = Int32(units.count)
        let whh = weights + spec.weightHH
        projectInputs(layer: l, units: units, part: part)

        let r32 = Int32(rows), h32 = Int32(h), g32 = Int32(gateWidth)
        for t in 0..<steps {
            let previous = hidden + t * rows * h, next = previous + rows * h
            let stepGates = gates + t * rows * gateWidth
            // The recurrent product lands on the pre-activations (RNN, LSTM) or, for
            // GRU, in a buffer of its own.
            let recurrent = config.cell == .gru ? buffers.gruRecurrent.pointer : stepGates
            let accumulate: Int32 = config.cell == .gru ? 0 : 1
            if rows == 1 {
                for block in 0..<gateCount where count > 0 {
                    let row = block * h + u0
                    rk_gemv_rows(count, h32, whh + row * h, h32, previous, recurrent + row, accumulate)
                }
            } else if part.count == 1 {
                rk_gemm_packed(r32, g32, h32, previous, h32, storage.packedForward[l].pointer, recurrent, g32, accumulate)
            } else {
                // This part's columns of each gate block: whole panels, since shared
                // units start at multiples of the panel width.
                for block in 0..<gateCount where count > 0 {
                    let column = block * h + u0
                    let panels = storage.packedForward[l].pointer + column * h
                    rk_gemm_packed(r32, count, h32, previous, h32, panels, recurrent + column, g32, accumulate)
                }
            }
            switch config.cell {
            case .rnn:
                rk_rnn_forward(r32, h32, count, stepGates + u0, next + u0, relu)
            case .lstm:
                let cell = buffers.cell.pointer + t * rows * h
                rk_lstm_forward(r32, h32, count, stepGates + u0, cell + u0, cell + rows * h + u0, next + u0, relu)
            case .gru:
                rk_gru_forward(
                    r32, h32, count, stepGates + u0, recurrent + u0, weights + spec.biasHH + u0, previous + u0,
                    buffers.gruHn.pointer + t * rows * h + u0, next + u0, relu)
            case .minGRU, .minLSTM:
                preconditionFailure("the min cells' layers run in Shard+LinearRecurrence")
            }
            part.sync()
        }
    }
}
