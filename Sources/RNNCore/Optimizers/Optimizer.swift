import CKernels
import Foundation

/// The optimizers rnntop offers, each with PyTorch's exact update rule.
public enum OptimizerKind: String, CaseIterable, Sendable, Codable {
    /// `torch.optim.SGD`: with momentum m, buf = g on the first step and
    /// m*buf + g afterwards; p -= lr * buf (or lr * (g + m*buf) with Nesterov).
    case sgd
    /// `torch.optim.Adam`: bias-corrected moments, epsilon added after the square
    /// root of the corrected second moment.
    case adam
    /// `torch.optim.RMSprop`, not centered: v = alpha*v + (1-alpha)*g^2,
    /// p -= lr * g/(sqrt(v)+eps), through a momentum buffer when momentum > 0.
    case rmsprop
    /// `torch.optim.Adagrad`, no learning-rate decay: sum += g^2,
    /// p -= lr * g/(sqrt(sum)+eps). min-char-rnn trains with it.
    case adagrad

    /// PyTorch's default learning rate for the optimizer.
    public var defaultLearningRate: Float {
        switch self {
        case .sgd: 0.01
        case .adam: 0.001
        case .rmsprop: 0.01
        case .adagrad: 0.01
        }
    }

    /// PyTorch's default epsilon for the optimizer (SGD has none).
    public var defaultEpsilon: Float {
        switch self {
        case .sgd: 0
        case .adam, .rmsprop: 1e-8
        case .adagrad: 1e-10
        }
    }

    /// The per-parameter state the rule keeps, by PyTorch's names.
    public var stateNames: [String] {
        switch self {
        case .sgd: ["momentum_buffer"]
        case .adam: ["exp_avg", "exp_avg_sq"]
        case .rmsprop: ["square_avg", "momentum_buffer"]
        case .adagrad: ["sum"]
        }
    }
}

/// Hyperparameters of an optimizer; the ones a kind does not use are ignored.
public struct OptimizerSettings: Sendable, Codable, Equatable {
    public var kind: OptimizerKind
    public var learningRate: Float
    /// SGD and RMSProp momentum.
    public var momentum: Float
    /// SGD: Nesterov momentum.
    public var nesterov: Bool
    /// Adam's beta1 and beta2.
    public var beta1: Float
    public var beta2: Float
    /// RMSProp's smoothing constant.
    public var alpha: Float
    public var epsilon: Float
    /// Adam: epsilon added as Keras and TensorFlow add it, to √v before the bias
    /// correction ("epsilon hat" in the Adam paper's efficient form) rather than after
    /// it as PyTorch does. Early in a run that makes Keras's epsilon 1/√(1 − β2^t) times
    /// larger (30× at step 1), which moves parameters with small gradients less.
    public var epsilonHat: Bool
    /// L2 penalty added to the gradient, as PyTorch's `weight_decay`.
    public var weightDecay: Float

    /// PyTorch's defaults for `kind`, with the learning rate given or the default.
    public init(
        kind: OptimizerKind, learningRate: Float? = nil, momentum: Float = 0, nesterov: Bool = false,
        beta1: Float = 0.9, beta2: Float = 0.999, alpha: Float = 0.99, epsilon: Float? = nil,
        epsilonHat: Bool = false, weightDecay: Float = 0
    ) {
        self.kind = kind
        self.learningRate = learningRate ?? kind.defaultLearningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.alpha = alpha
        self.epsilon = epsilon ?? kind.defaultEpsilon
        self.epsilonHat = epsilonHat
        self.weightDecay = weightDecay
    }

    /// Settings as encoded; files from before `epsilonHat` have PyTorch's epsilon.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        kind = try values.decode(OptimizerKind.self, forKey: .kind)
        learningRate = try values.decode(Float.self, forKey: .learningRate)
        momentum = try values.decode(Float.self, forKey: .momentum)
        nesterov = try values.decode(Bool.self, forKey: .nesterov)
        beta1 = try values.decode(Float.self, forKey: .beta1)
        beta2 = try values.decode(Float.self, forKey: .beta2)
        alpha = try values.decode(Float.self, forKey: .alpha)
        epsilon = try values.decode(Float.self, forKey: .epsilon)
        epsilonHat = try values.decodeIfPresent(Bool.self, forKey: .epsilonHat) ?? false
        weightDecay = try values.decode(Float.self, forKey: .weightDecay)
    }

    /// Another optimizer with PyTorch's defaults, as a running session switches to it:
    /// the learning rate carries over, and the momentum where the new kind uses one.
    public func switched(to kind: OptimizerKind) -> OptimizerSettings {
        OptimizerSettings(kind: kind, learningRate: learningRate, momentum: kind == .sgd || kind == .rmsprop ? momentum : 0)
    }

    /// Refuses values PyTorch would refuse, naming the setting.
    public func validate() throws(ConfigError) {
        try ConfigError.require(
            learningRate.isFinite && learningRate >= 0, "learning rate",
            "must be a finite number >= 0 (got \(learningRate))")
        try ConfigError.require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1) (got \(momentum))")
        try ConfigError.require(
            !nesterov || (kind == .sgd && momentum > 0), "nesterov", "needs SGD with momentum > 0")
        try ConfigError.require(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1) (got \(beta1))")
        try ConfigError.require(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1) (got \(beta2))")
        try ConfigError.require(alpha >= 0 && alpha < 1, "alpha", "must be in [0, 1) (got \(alpha))")
        try ConfigError.require(epsilon >= 0 && epsilon.isFinite, "epsilon", "must be >= 0 (got \(epsilon))")
        try ConfigError.require(
            weightDecay >= 0 && weightDecay.isFinite, "weight decay", "must be >= 0 (got \(weightDecay))")
    }
}

/// Updates parameters from their gradients with one of PyTorch's rules, keeping the
/// rule's state (moments, accumulators) in buffers sized once, so a step does not
/// allocate.
///
/// ```swift
/// let adam = try Optimizer(OptimizerSettings(kind: .adam, learningRate: 1e-3), parameterCount: n)
/// adam.step(parameters, gradients)
/// ```
public final class Optimizer {
    public private(set) var settings: OptimizerSettings
    /// Updates done so far.
    public private(set) var stepCount = 0
    let state: [(name: String, buffer: FloatBuffer)]

    /// A fresh optimizer (zero state) for `parameterCount` values.
    public init(_ settings: OptimizerSettings, parameterCount: Int) throws(ConfigError) {
        try settings.validate()
        self.settings = settings
        state = settings.kind.stateNames.map { ($0, FloatBuffer(count: parameterCount)) }
    }

    /// Changes hyperparameters between steps, keeping the state. Another kind of
    /// optimizer needs a new `Optimizer`: the state would not carry over.
    public func apply(_ newSettings: OptimizerSettings) throws(ConfigError) {
        try newSettings.validate()
        try ConfigError.require(
            newSettings.kind == settings.kind, "optimizer", "switching from \(settings.kind) to \(newSettings.kind) needs fresh state")
        settings = newSettings
    }

    /// One update: `parameters -= f(gradients, state)`. Cost: a few passes over the
    /// parameter vector.
    public func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>) {
        precondition(parameters.count == gradients.count && parameters.count == state[0].buffer.count)
        stepCount += 1
        let n = parameters.count, p = parameters.baseAddress!, g = gradients.baseAddress!
        let s = settings
        switch s.kind {
        case .sgd:
            rk_sgd(n, p, g, state[0].buffer.pointer, s.learningRate, s.momentum, s.nesterov ? 1 : 0,
                   stepCount == 1 ? 1 : 0, s.weightDecay)
        case .adam:
            let t = Double(stepCount)
            let stepSize = Float(Double(s.learningRate) / (1 - pow(Double(s.beta1), t)))
            let correction2 = Float((1 - pow(Double(s.beta2), t)).squareRoot())
            // The kernel adds epsilon after the correction: Keras's, added before it, is epsilon / correction2 there.
            let epsilon = s.epsilonHat ? s.epsilon / correction2 : s.epsilon
            rk_adam(n, p, g, state[0].buffer.pointer, state[1].buffer.pointer, stepSize, s.beta1, s.beta2,
                    epsilon, correction2, s.weightDecay)
        case .rmsprop:
            rk_rmsprop(n, p, g, state[0].buffer.pointer, state[1].buffer.pointer, s.learningRate, s.alpha,
                       s.epsilon, s.momentum, s.weightDecay)
        case .adagrad:
            rk_adagrad(n, p, g, state[0].buffer.pointer, s.learningRate, s.epsilon, s.weightDecay)
        }
    }

    /// Sets the update count back, with the state a backup restored.
    func rewind(to steps: Int) {
        stepCount = steps
    }

    /// The state buffers by PyTorch's names (e.g. "exp_avg"), for checkpoints.
    public func stateBuffers() -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: state.map { ($0.name, Array($0.buffer.buffer)) })
    }

    /// Restores what `stateBuffers` and `stepCount` described; nothing changes when
    /// a buffer is missing or of the wrong size.
    public func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError) {
        for (name, buffer) in state {
            guard let values = buffers[name] else {
                throw ConfigError(setting: "optimizer state", problem: "missing \(name)")
            }
            guard values.count == buffer.count else {
                throw ConfigError(
                    setting: "optimizer state", problem: "\(name) has \(values.count) values, expected \(buffer.count)")
            }
        }
        for (name, buffer) in state {
            buffers[name]!.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: $0.count) }
        }
        self.stepCount = stepCount
    }
}
