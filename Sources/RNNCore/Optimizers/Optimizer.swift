/// The optimizers rnntop offers, each with PyTorch's exact update rule.
public enum OptimizerKind: String, CaseIterable, Sendable, Codable {
    case sgd, adam, rmsprop, adagrad

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
    /// L2 penalty added to the gradient, as PyTorch's `weight_decay`.
    public var weightDecay: Float

    /// PyTorch's defaults for `kind`, with the learning rate given or the default.
    public init(
        kind: OptimizerKind, learningRate: Float? = nil, momentum: Float = 0, nesterov: Bool = false,
        beta1: Float = 0.9, beta2: Float = 0.999, alpha: Float = 0.99, epsilon: Float? = nil,
        weightDecay: Float = 0
    ) {
        self.kind = kind
        self.learningRate = learningRate ?? kind.defaultLearningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.alpha = alpha
        self.epsilon = epsilon ?? kind.defaultEpsilon
        self.weightDecay = weightDecay
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
        try ConfigError.require(weightDecay >= 0 && weightDecay.isFinite, "weight decay", "must be >= 0 (got \(weightDecay))")
    }
}

/// Updates parameters from their gradients, keeping whatever state its rule needs
/// (moments, accumulators) in buffers sized once, so a step does not allocate.
public protocol Optimizer: AnyObject {
    var settings: OptimizerSettings { get set }
    /// Updates done so far.
    var stepCount: Int { get }
    /// One update: `parameters -= f(gradients, state)`. Cost: a few passes over the
    /// parameter vector.
    func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradients: UnsafeBufferPointer<Float>)
    /// The state buffers by name (e.g. "exp_avg"), for checkpoints.
    func stateBuffers() -> [String: [Float]]
    /// Restores what `stateBuffers` and `stepCount` described.
    func restore(stepCount: Int, buffers: [String: [Float]]) throws(ConfigError)
}

/// The optimizer for `settings`, with fresh state, for `parameterCount` values.
public func makeOptimizer(_ settings: OptimizerSettings, parameterCount: Int) throws(ConfigError) -> any Optimizer {
    try settings.validate()
    switch settings.kind {
    case .sgd: return SGD(settings: settings, parameterCount: parameterCount)
    case .adam: return Adam(settings: settings, parameterCount: parameterCount)
    case .rmsprop: return RMSProp(settings: settings, parameterCount: parameterCount)
    case .adagrad: return Adagrad(settings: settings, parameterCount: parameterCount)
    }
}

/// The state buffers an optimizer keeps, with their checkpoint names.
final class OptimizerState {
    let buffers: [(name: String, buffer: FloatBuffer)]

    init(names: [String], count: Int) {
        buffers = names.map { ($0, FloatBuffer(count: count)) }
    }

    subscript(_ index: Int) -> UnsafeMutablePointer<Float> { buffers[index].buffer.pointer }

    func snapshot() -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: buffers.map { ($0.name, Array($0.buffer.buffer)) })
    }

    func restore(_ saved: [String: [Float]]) throws(ConfigError) {
        for (name, buffer) in buffers {
            guard let values = saved[name] else {
                throw ConfigError(setting: "optimizer state", problem: "missing \(name)")
            }
            guard values.count == buffer.count else {
                throw ConfigError(
                    setting: "optimizer state", problem: "\(name) has \(values.count) values, expected \(buffer.count)")
            }
            values.withUnsafeBufferPointer { buffer.pointer.update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}
