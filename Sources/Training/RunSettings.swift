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
