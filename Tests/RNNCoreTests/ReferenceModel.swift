import Foundation

@testable import RNNCore

/// A deliberately plain float64 implementation of the engine's models (PyTorch's
/// equations, written out loop by loop), for finite-difference checks free of
/// float32 rounding.
struct ReferenceModel {
    let config: ModelConfig
    let layout: ParameterLayout

    init(_ config: ModelConfig) {
        self.config = config
        layout = ParameterLayout(config: config)
    }

    /// The loss of `batch` with parameters `p`, the given inter-layer masks
    /// (`masks[l]`, `[T][B][H]`, for l >= 1) and output mask.
    func loss(_ p: [Double], _ batch: SequenceBatch, masks: [[Double]?], outputMask: [Double]?) -> Double {
        let (steps, size, h) = (batch.steps, batch.size, config.hiddenSize)
        var input = batch.inputs.map(Double.init)  // [T][B][width]
        var width = config.inputSize
        for (l, spec) in layout.layers.enumerated() {
            if l > 0, let mask = masks[l] { input = zip(input, mask).map { $0 * $1 } }
            var output = [Double](repeating: 0, count: steps * size * h)
            for b in 0..<size {
                var state = [Double](repeating: 0, count: h), cell = state
                for t in 0..<steps {
                    let x = Array(input[((t * size + b) * width)..<((t * size + b + 1) * width)])
                    (state, cell) = step(p, spec, x: x, h: state, c: cell)
                    for u in 0..<h { output[(t * size + b) * h + u] = state[u] }
                }
            }
            input = output
            width = h
        }
        return headLoss(p, outputs: input, batch, outputMask: outputMask)
    }

    private func act(_ x: Double) -> Double { config.activation == .relu ? max(x, 0) : tanh(x) }
    private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// W x + b for rows `rows` of a [rows][cols] matrix at `offset`.
    private func affine(_ p: [Double], _ w: Int, _ b: Int?, rows: Range<Int>, x: [Double]) -> [Double] {
        rows.map { r in
            var sum = b.map { p[$0 + r] } ?? 0
            for (k, v) in x.enumerated() { sum += p[w + r * x.count + k] * v }
            return sum
        }
    }

    private func step(
        _ p: [Double], _ s: ParameterLayout.Layer, x: [Double], h: [Double], c: [Double]
    ) -> ([Double], [Double]) {
        let n = config.hiddenSize
        func block(_ g: Int) -> Range<Int> { (g * n)..<((g + 1) * n) }
        func input(_ g: Int) -> [Double] { affine(p, s.weightIH, s.biasIH, rows: block(g), x: x) }
        func recurrent(_ g: Int) -> [Double] { affine(p, s.weightHH, s.biasHH, rows: block(g), x: h) }
        switch config.cell {
        case .rnn:
            return (zip(input(0), recurrent(0)).map { act($0 + $1) }, c)
        case .lstm:
            let pre = (0..<4).map { g in zip(input(g), recurrent(g)).map(+) }
            var newC = c, newH = h
            for u in 0..<n {
                let i = sigmoid(pre[0][u]), f = sigmoid(pre[1][u]), g = act(pre[2][u]), o = sigmoid(pre[3][u])
                newC[u] = f * c[u] + i * g
                newH[u] = o * act(newC[u])
            }
            return (newH, newC)
        case .gru:
            let xi = (0..<3).map(input), hh = (0..<3).map(recurrent)
            var newH = h
            for u in 0..<n {
                let r = sigmoid(xi[0][u] + hh[0][u]), z = sigmoid(xi[1][u] + hh[1][u])
                let candidate = act(xi[2][u] + r * hh[2][u])
                newH[u] = (1 - z) * candidate + z * h[u]
            }
            return (newH, c)
        case .minGRU:
            let k = (0..<2).map(input)
            return ((0..<n).map { u in
                let z = sigmoid(k[0][u])
                return (1 - z) * h[u] + z * candidate(k[1][u])
            }, c)
        case .minLSTM:
            let k = (0..<3).map(input)
            return ((0..<n).map { u in
                let f = sigmoid(k[0][u]), i = sigmoid(k[1][u])
                return f / (f + i) * h[u] + i / (f + i) * candidate(k[2][u])
            }, c)
        }
    }

    /// The min cells' g(x): x + 0.5 for x >= 0, sigmoid(x) below.
    private func candidate(_ x: Double) -> Double { x >= 0 ? x + 0.5 : sigmoid(x) }

    private func headLoss(_ p: [Double], outputs: [Double], _ batch: SequenceBatch, outputMask: [Double]?) -> Double {
        let (steps, size, h, o) = (batch.steps, batch.size, config.hiddenSize, config.outputSize)
        if config.head == .none {
            guard case .values(let weights) = batch.targets else { return .nan }
            return zip(outputs, weights).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let slices = config.head == .everyStep ? Array(0..<steps) : [steps - 1]
        var total = 0.0, count = 0.0
        for (m, t) in slices.enumerated() {
            for b in 0..<size {
                var features = Array(outputs[((t * size + b) * h)..<((t * size + b + 1) * h)])
                if let outputMask {
                    for u in 0..<h { features[u] *= outputMask[(m * size + b) * h + u] }
                }
                let z = affine(p, layout.headWeight!, layout.headBias!, rows: 0..<o, x: features)
                let row = m * size + b
                switch batch.targets {
                case .values(let y):
                    for j in 0..<o { total += (z[j] - Double(y[row * o + j])) * (z[j] - Double(y[row * o + j])) }
                    count += Double(o)
                case .classes(let classes):
                    let largest = z.max()!
                    let logSum = log(z.reduce(0) { $0 + exp($1 - largest) }) + largest
                    total += logSum - z[Int(classes[row])]
                    count += 1
                }
            }
        }
        return total / count
    }
}
