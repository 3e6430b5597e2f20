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
            what: "\(model.cell.displayName)(\(model.hiddenSize))\(layers) with batches of \(batch) × \(steps) steps",
            detail: "parameters, gradients and optimizer state \(MemoryFootprint.describe(need.parameters)), "
                + "activations \(MemoryFootprint.describe(need.activations))")
    }

    /// The run's task and model, each checked: the model's settings, and the memory
    /// training them on the task takes, which a generated task's plan is checked for
    /// before its data is drawn. `model` is a checkpoint's, or nil for the settings'.
    static func checkedTask(
        _ settings: RunSettings, model saved: ModelConfig?, optimizer: OptimizerKind, limit: Double,
        generator: inout RandomGenerator
    ) throws -> (any TrainingTask, ModelConfig) {
        let batch = settings.training.batchSize, lengthGiven = settings.task.sequenceLength != nil
        let task = try makeTask(settings.task, generator: &generator, memoryLimit: limit) { shape, evaluation throws(ConfigError) in
            let model = saved ?? shape.modelConfig(from: settings.training)
            try model.validate()
            try checkMemory(
                model, optimizer: optimizer, batch: batch, steps: shape.steps, evaluation: evaluation, limit: limit,
                setting: memorySetting(model, optimizer: optimizer, lengthGiven: lengthGiven, limit: limit))
        }
        try task.checkBatchSize(batch)
        let model = saved ?? task.modelConfig(from: settings.training)
        try model.validate()
        try checkMemory(
            model, optimizer: optimizer, batch: batch, steps: task.shape.steps, task: task, limit: limit,
            setting: memorySetting(model, optimizer: optimizer, lengthGiven: lengthGiven, limit: limit))
        return (task, model)
    }

    /// The setting a run too large for the memory is refused under at the start: the
    /// length, when it was given (a --seq-len of 20,000) and the model's weights and
    /// their state alone fit; else "memory" (the model or the batch).
    static func memorySetting(_ model: ModelConfig, optimizer: OptimizerKind, lengthGiven: Bool, limit: Double) -> String {
        guard lengthGiven else { return "memory" }
        let weights = MemoryFootprint(
            config: model, optimizerStates: optimizer.stateNames.count, batch: 0, steps: 0, evaluation: (0, 0)).parameters
        return weights <= limit ? "seq-len" : "memory"
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
