import CKernels
import Foundation

/// Adam, PyTorch's `torch.optim.Adam` (bias-corrected moments, epsilon added after
/// the square root of the corrected second moment):
/// m = b1*m + (1-b1)*g, v = b2*v + (1-b2)*g^2,
/// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
public final class Adam: Optimizer {
    public var settings: OptimizerSettings
    public private(set) var stepCount = 0
    private let state: OptimizerState

    init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        state = OptimizerState(names: ["exp_avg", "exp_avg_sq"], count: parameterCount)
    }

    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = Float(Double(settings.learningRate) / (1 - pow(Double(settings.beta1), t)))
        let correction2 = Float((1 - pow(Double(settings.beta2), t)).squareRoot())
        rk_adam(
            parameters.count, parameters.baseAddress!, gradients.baseAddress!, state[0], state[1], stepSize,
            settings.beta1, settings.beta2, settings.epsilon, correction2, settings.weightDecay)
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
