/// Adagrad, PyTorch's `torch.optim.Adagrad` (no learning-rate decay, zero initial
/// accumulator): sum += g^2, p -= lr * g/(sqrt(sum)+eps). min-char-rnn trains with it.
public final class Adagrad: Optimizer {
    public var settings: OptimizerSettings
    public private(set) var stepCount = 0
    private let state: OptimizerState

    init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        state = OptimizerState(names: ["sum"], count: parameterCount)
    }

    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>) {
        stepCount += 1
        let lr = settings.learningRate, eps = settings.epsilon, decay = settings.weightDecay
        let p = parameters.baseAddress!, g = gradients.baseAddress!, sum = state[0]
        for i in 0..<parameters.count {
            let d = decayedGradient(g[i], p[i], decay)
            sum[i] += d * d
            p[i] -= lr * d / (sum[i].squareRoot() + eps)
        }
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
