import RNNCore
import RNNData

/// Everything that defines a run, as the user set it: the task and its data, the
/// model and training settings, the seed, when to validate and where to checkpoint.
public struct RunSettings: Sendable, Equatable, Codable {
    public var task: TaskOptions
    public var training: TaskDefaults
    public var seed: UInt64
    /// Validation every this many steps; nil for once an epoch, as long as
    /// validation takes under a tenth of the time.
    public var evaluationInterval: Int?
    /// Where checkpoints go when the run ends, is interrupted, or is asked to save.
    public var checkpointPath: String?

    public init(
        task: TaskOptions, training: TaskDefaults, seed: UInt64, evaluationInterval: Int? = nil,
        checkpointPath: String? = nil
    ) {
        self.task = task
        self.training = training
        self.seed = seed
        self.evaluationInterval = evaluationInterval
        self.checkpointPath = checkpointPath
    }
}
