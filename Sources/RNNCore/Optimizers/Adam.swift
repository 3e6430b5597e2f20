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
        let b1 = settings.beta1, b2 = settings.beta2, eps = settings.epsilon, decay = settings.weightDecay
        let t = Double(stepCount)
        let stepSize = Float(Double(settings.learningRate) / (1 - pow(Double(b1), t)))
        let correction2 = Float((1 - pow(Double(b2), t)).squareRoot())
        let p = parameters.baseAddress!, g = gradients.baseAddress!
        let m = state[0], v = state[1]
        for i in 0..<parameters.count {
            let d = decayedGradient(g[i], p[i], decay)
            m[i] += (d - m[i]) * (1 - b1)
            v[i] = b2 * v[i] + (1 - b2) * d * d
            p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
        }
    }

    public func stateBuffers() -> [String: [Float]] { state.snapshot() }

    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        try state.restore(buffers)
        self.stepCount = stepCount
    }
}
