import CKernels

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
        rk_rmsprop(
            parameters.count, parameters.baseAddress!, gradients.baseAddress!, state[0], state[1],
            settings.learningRate, settings.alpha, settings.epsilon, settings.momentum, settings.weightDecay)
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
