import RNNCore
import RNNData

/// The memory check: a model and batch whose training would need more memory than
/// the session may use are refused before anything is allocated for them, at the
/// start and for every command that grows the run (batch, truncation, a new model).
extension TrainingLoop {
    /// Refuses `model` trained with `optimizer` on batches of `batch` × `steps` of
    /// `task`, when it would not fit in `limit` bytes.
    static func checkMemory(
        _ model: ModelConfig, optimizer: OptimizerKind, batch: Int, steps: Int, task: any TrainingTask, limit: Double,
        setting: String
    ) throws(ConfigError) {
        try checkMemory(
            model, optimizer: optimizer, batch: batch, steps: steps, evaluation: task.largestValidationBatch, limit: limit,
            setting: setting)
    }

    /// Refuses `model` as above, with its largest validation batch given: a task's
    /// plan checked before its data is drawn.
    static func checkMemory(
        _ model: ModelConfig, optimizer: OptimizerKind, batch: Int, steps: Int, evaluation: (sequences: Int, steps: Int),
        limit: Double, setting: String
    ) throws(ConfigError) {
        let need = MemoryFootprint(
            config: model, optimizerStates: optimizer.stateNames.count, batch: batch, steps: steps, evaluation: evaluation)
        let layers = model.layers > 1 ? " x\(model.layers)" : ""
        try MemoryLimit.check(
            need.total, limit: limit, setting: setting,
            what: "\(model.cell.rawValue.uppercased())(\(model.hiddenSize))\(layers) with batches of \(batch) × \(steps) steps",
            detail: "parameters, gradients and optimizer state \(MemoryFootprint.describe(need.parameters)), "
                + "activations \(MemoryFootprint.describe(need.activations))")
    }

    /// The run as it is, with batches of `batchSize`.
    func checkMemory(batchSize: Int) throws(ConfigError) {
        try Self.checkMemory(
            network.config, optimizer: trainer.optimizer.settings.kind, batch: batchSize, steps: task.shape.steps, task: task,
            limit: options.memoryLimit, setting: "batch")
    }

    /// The run as it is, with windows of `windowLength` steps.
    func checkMemory(windowLength: Int) throws(ConfigError) {
        try Self.checkMemory(
            network.config, optimizer: trainer.optimizer.settings.kind, batch: settings.training.batchSize, steps: windowLength,
            task: task, limit: options.memoryLimit, setting: "truncation")
    }

    /// The run with `model` in place of its own.
    func checkMemory(model: ModelConfig, setting: String) throws(ConfigError) {
        try Self.checkMemory(
            model, optimizer: trainer.optimizer.settings.kind, batch: settings.training.batchSize, steps: task.shape.steps,
            task: task, limit: options.memoryLimit, setting: setting)
    }
}
