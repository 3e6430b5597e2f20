import RNNCore
import RNNData

/// Everything that defines a run, as the user set it: the task and its data, the
/// model and training settings, the seed, when to validate, where to checkpoint, and
/// where its weights come from and go to.
public struct RunSettings: Sendable, Equatable, Codable {
    public var task: TaskOptions
    public var training: TaskDefaults
    public var seed: UInt64
    /// Validation every this many steps; nil for once an epoch, as long as
    /// validation takes under a tenth of the time.
    public var evaluationInterval: Int?
    /// Where checkpoints go when the run ends, is interrupted, or is asked to save.
    public var checkpointPath: String?
    /// The safetensors file the weights were read from (`--init-from`); nil for weights
    /// drawn from the seed.
    public var initialWeightsPath: String?
    /// Where the weights go, with PyTorch's names, when the run ends or is asked to save.
    public var weightsPath: String?

    public init(
        task: TaskOptions, training: TaskDefaults, seed: UInt64, evaluationInterval: Int? = nil,
        checkpointPath: String? = nil, initialWeightsPath: String? = nil, weightsPath: String? = nil
    ) {
        self.task = task
        self.training = training
        self.seed = seed
        self.evaluationInterval = evaluationInterval
        self.checkpointPath = checkpointPath
        self.initialWeightsPath = initialWeightsPath
        self.weightsPath = weightsPath
    }
}

extension RunSettings {
    /// The largest batch: 2^31 - 1 sequences, far beyond what memory allows, so
    /// that the memory check (which names the figure) is what refuses large batches
    /// and arithmetic on batch sizes cannot overflow.
    public static let maximumBatchSize = Int(Int32.max)
    /// The longest run in steps (2^53: beyond any run, exact as a double, and far
    /// from overflowing when added to); runs in epochs stop at 2^40 epochs.
    public static let maximumSteps = 1 << 53
    public static let maximumEpochs = 1 << 40

    /// Refuses settings no run can have, naming the setting: for new runs and for
    /// the settings a checkpoint brings back.
    public func validate() throws(ConfigError) {
        try Self.checkBatchSize(training.batchSize)
        if let interval = evaluationInterval, interval < 1 {
            throw ConfigError(setting: "eval-every", problem: "must be at least 1 (got \(interval))")
        }
        switch training.length {
        case .steps(let n) where !(0...Self.maximumSteps).contains(n):
            throw ConfigError(setting: "steps", problem: "must be between 0 and \(Self.maximumSteps) (got \(n))")
        case .epochs(let n) where !(0...Self.maximumEpochs).contains(n):
            throw ConfigError(setting: "epochs", problem: "must be between 0 and \(Self.maximumEpochs) (got \(n))")
        default: break
        }
        try training.optimizer.validate()
        try training.clipping.validate()
    }

    /// A batch size from 1 to `maximumBatchSize`.
    public static func checkBatchSize(_ size: Int) throws(ConfigError) {
        guard size >= 1 && size <= maximumBatchSize else {
            throw ConfigError(setting: "batch", problem: "must be between 1 and \(maximumBatchSize) (got \(size))")
        }
    }
}
