/// Stochastic gradient descent, PyTorch's `torch.optim.SGD`:
/// with momentum m, buf = g on the first step and buf = m*buf + g afterwards;
/// p -= lr * buf (or lr * (g + m*buf) with Nesterov).
public final class SGD: Optimizer {
    public var settings: OptimizerSettings
    public private(set) var stepCount = 0
    private let state: OptimizerState

    init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        state = OptimizerState(names: ["momentum_buffer"], count: parameterCount)
    }

    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>) {
        let lr = settings.learningRate, m = settings.momentum, decay = settings.weightDecay
        let p = parameters.baseAddress!, g = gradients.baseAddress!, buffer = state[0]
        let first = stepCount == 0
        stepCount += 1
        if m == 0 {
            for i in 0..<parameters.count { p[i] -= lr * decayedGradient(g[i], p[i], decay) }
            return
        }
        for i in 0..<parameters.count {
            let d = decayedGradient(g[i], p[i], decay)
            let b = first ? d : m * buffer[i] + d
            buffer[i] = b
            p[i] -= lr * (settings.nesterov ? d + m * b : b)
        }
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
