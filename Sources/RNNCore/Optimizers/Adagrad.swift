import CKernels

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
        rk_adagrad(
            parameters.count, parameters.baseAddress!, gradients.baseAddress!, state[0], settings.learningRate,
            settings.epsilon, settings.weightDecay)
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
