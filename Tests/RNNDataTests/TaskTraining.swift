import RNNCore

@testable import RNNData

/// Trains a task's default model (with changes) for a number of steps and reports
/// the validation loss: the same loop as `rnntop train`, without the printing.
enum TaskTraining {
    static func validationLoss(
        after steps: Int, on task: any TrainingTask, seed: UInt64 = 1, change: (inout TaskDefaults) -> Void = { _ in }
    ) throws -> (validation: Double, lastLoss: Double) {
        var settings = task.defaults
        change(&settings)
        var generator = RandomGenerator(seed: seed)
        let network = try RecurrentNetwork(config: task.modelConfig(from: settings), generator: &generator)
        let trainer = Trainer(
            network: network, optimizer: try Optimizer(settings.optimizer, parameterCount: network.parameterCount),
            clipping: settings.clipping, generator: generator)
        var last = Double.nan
        for _ in 0..<steps {
            let state = task.nextBatch(size: settings.batchSize, generator: &trainer.generator)
            last = trainer.step(task.batch, initialState: state).loss
        }
        return (task.validationScore(of: network).loss, last)
    }
}
