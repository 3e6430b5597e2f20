/// RMSProp, PyTorch's `torch.optim.RMSprop` (not centered):
/// v = alpha*v + (1-alpha)*g^2; with momentum m, buf = m*buf + g/(sqrt(v)+eps) and
/// p -= lr*buf; without, p -= lr * g/(sqrt(v)+eps).
public final class RMSProp: Optimizer {
    public var settings: OptimizerSettings
    public private(set) var stepCount = 0
    private let state: OptimizerState

    init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        state = OptimizerState(names: ["square_avg", "momentum_buffer"], count: parameterCount)
    }

    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>) {
        stepCount += 1
        let lr = settings.learningRate, alpha = settings.alpha, eps = settings.epsilon
        let momentum = settings.momentum, decay = settings.weightDecay
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        let v = state[0], buffer = state[1]
        for i in 0..<parameters.count {
            let d = decayedGradient(g[i], p[i], decay)
            v[i] = alpha * v[i] + (1 - alpha) * d * d
            let scaled = d / (v[i].squareRoot() + eps)
            if momentum > 0 {
                buffer[i] = momentum * buffer[i] + scaled
                p[i] -= lr * buffer[i]
            } else {
                p[i] -= lr * scaled
            }
        }
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
