import CKernels
import Foundation

extension Shard {
    /// Runs the head and the loss on this shard's rows: sets `loss` (this shard's part
    /// of the batch mean) and, when `gradients` is set, the head's parameter gradients
    /// and dL/d(top layer output) in the top layer's `dHidden` slots 1...T. Without
    /// `loss`, only the head's outputs (inference: the targets are not read).
    func headAndLoss(_ pass: PassInputs, gradients wantGradients: Bool, loss wantLoss: Bool = true) {
        let config = storage.config
        let h = config.hiddenSize
        let top = layers[config.layers - 1]
        let outputs = top.hidden.pointer + rows * h  // h_1 ... h_T, [T][rows][H]
        let dOutputs = top.dHidden.pointer + rows * h
        (correct, scored) = (0, 0)
        // Under a head on the last step only, dL/dh_t from above is zero before T. A min
        // cell's layer sets those zeros itself, block by block, where its scan reads them.
        if wantGradients && !(config.head == .lastStep && config.cell.isLinearRecurrence) {
            dOutputs.update(repeating: 0, count: steps * rows * h)
        }

        guard config.head != .none else {
            if wantLoss { weightedSumLoss(pass, outputs: outputs, dOutputs: wantGradients ? dOutputs : nil) }
            return
        }
        let everyStep = config.head == .everyStep
        let headRows = (everyStep ? steps : 1) * rows
        let firstOutput = everyStep ? outputs : outputs + (steps - 1) * rows * h
        let input = applyOutputDropout(pass, outputs: firstOutput, everyStep: everyStep)

        let spec = storage.layout
        let weights = storage.parameters.pointer
        let o = config.outputSize
        let prediction = headOutput.pointer
        rk_fill_rows(Int32(headRows), Int32(o), weights + spec.headBias!, nil, prediction, Int32(o))
        BLAS.gemm(
            transposeB: true, m: headRows, n: o, k: h, a: input, lda: h, b: weights + spec.headWeight!, ldb: h,
            beta: 1, c: prediction, ldc: o)

        guard wantLoss else {
            loss = 0
            return
        }
        let dPrediction = dHeadOutput.pointer
        switch config.loss {
        case .mse: meanSquaredError(pass, everyStep: everyStep, gradient: dPrediction)
        case .crossEntropy: crossEntropy(pass, everyStep: everyStep, gradient: dPrediction)
        }
        guard wantGradients else { return }

        BLAS.gemm(
            transposeA: true, m: o, n: h, k: headRows, a: dPrediction, lda: o, b: input, ldb: h, beta: 0,
            c: gradients + spec.headWeight!, ldc: h)
        rk_column_sums(Int32(headRows), Int32(o), dPrediction, Int32(o), gradients + spec.headBias!, 0)
        let dInput = everyStep ? dOutputs : dOutputs + (steps - 1) * rows * h
        BLAS.gemm(
            m: headRows, n: h, k: o, a: dPrediction, lda: o, b: weights + spec.headWeight!, ldb: h, beta: 0,
            c: dInput, ldc: h)
        if pass.dropout && config.outputDropout > 0 {
            forEachMaskedRow(pass, everyStep: everyStep) { row, mask in
                let g = dInput + row * h
                for u in 0..<h { g[u] *= mask[u] }
            }
        }
    }

    /// The head's input: the outputs themselves, or a masked copy in training.
    private func applyOutputDropout(
        _ pass: PassInputs, outputs: UnsafeMutablePointer<Float>, everyStep: Bool
    ) -> UnsafeMutablePointer<Float> {
        guard pass.dropout && storage.config.outputDropout > 0 else { return outputs }
        let h = storage.config.hiddenSize
        let input = headInput.pointer
        forEachMaskedRow(pass, everyStep: everyStep) { row, mask in
            let x = outputs + row * h, y = input + row * h
            for u in 0..<h { y[u] = x[u] * mask[u] }
        }
        return input
    }

    /// Calls `body(row, mask)` for each head row of this shard with its row of the
    /// output dropout mask (`[T][B][H]` or `[B][H]` for the whole batch).
    private func forEachMaskedRow(
        _ pass: PassInputs, everyStep: Bool, _ body: (Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        let h = storage.config.hiddenSize
        let mask = storage.outputMask.pointer
        for t in 0..<(everyStep ? steps : 1) {
            for r in 0..<rows {
                body(t * rows + r, mask + (t * pass.batch + firstRow + r) * h)
            }
        }
    }

    /// Index of a head row's target in the whole batch.
    private func targetRow(_ row: Int, batch: Int) -> Int {
        let t = row / rows, r = row % rows
        return t * batch + firstRow + r
    }

    private func meanSquaredError(_ pass: PassInputs, everyStep: Bool, gradient: UnsafeMutablePointer<Float>) {
        let o = storage.config.outputSize
        let headRows = (everyStep ? steps : 1) * rows
        let count = Double((everyStep ? steps : 1) * pass.batch * o)
        let targets = pass.targetValues!
        let prediction = headOutput.pointer
        var sum = 0.0
        for row in 0..<headRows {
            let target = targets + targetRow(row, batch: pass.batch) * o
            for j in 0..<o {
                let difference = prediction[row * o + j] - target[j]
                sum += Double(difference) * Double(difference)
                gradient[row * o + j] = Float(2 * Double(difference) / count)
            }
        }
        loss = sum / count
    }

    /// Softmax cross-entropy: log-sum-exp shifted by the row maximum, so large logits
    /// do not overflow. The mean is over the batch's scored positions; a position
    /// whose target is `Targets.ignored` gets no loss and a zero gradient. Counts the
    /// scored positions whose largest logit (the first, on a tie) is the target's.
    private func crossEntropy(_ pass: PassInputs, everyStep: Bool, gradient: UnsafeMutablePointer<Float>) {
        let o = storage.config.outputSize
        let headRows = (everyStep ? steps : 1) * rows
        let count = Double(max(pass.scoredClasses, 1))
        let classes = pass.targetClasses!
        let logits = headOutput.pointer
        var sum = 0.0
        for row in 0..<headRows {
            let z = logits + row * o, g = gradient + row * o
            let label = classes[targetRow(row, batch: pass.batch)]
            guard label != Targets.ignored else {
                g.update(repeating: 0, count: o)
                continue
            }
            let target = Int(label)
            var largest = z[0], predicted = 0
            for j in 1..<o where z[j] > largest { (largest, predicted) = (z[j], j) }
            scored += 1
            if predicted == target { correct += 1 }
            for j in 0..<o { g[j] = z[j] - largest }
            rk_exp(o, g, g)
            var total = 0.0
            for j in 0..<o { total += Double(g[j]) }
            sum += log(total) + Double(largest) - Double(z[target])
            let scale = 1 / (total * count)
            for j in 0..<o { g[j] = Float(Double(g[j]) * scale) }
            g[target] -= Float(1 / count)
        }
        loss = sum / count
    }

    /// L = sum(output * weights): the reference files' way to test the layers alone.
    private func weightedSumLoss(
        _ pass: PassInputs, outputs: UnsafeMutablePointer<Float>, dOutputs: UnsafeMutablePointer<Float>?
    ) {
        let h = storage.config.hiddenSize
        let weights = pass.targetValues!
        var sum = 0.0
        for t in 0..<steps {
            let w = weights + (t * pass.batch + firstRow) * h
            let y = outputs + t * rows * h
            for e in 0..<(rows * h) { sum += Double(y[e]) * Double(w[e]) }
            dOutputs?.advanced(by: t * rows * h).update(from: w, count: rows * h)
        }
        loss = sum
    }
}
