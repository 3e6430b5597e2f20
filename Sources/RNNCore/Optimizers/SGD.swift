import CKernels

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
        let first: Int32 = stepCount == 0 ? 1 : 0
        stepCount += 1
        rk_sgd(
            parameters.count, parameters.baseAddress!, gradients.baseAddress!, state[0], settings.learningRate,
            settings.momentum, settings.nesterov ? 1 : 0, first, settings.weightDecay)
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
