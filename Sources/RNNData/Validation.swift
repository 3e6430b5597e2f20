import RNNCore

extension TrainingTask {
    /// The task's name, the start of its summary ("adding", "copy", ...).
    public var title: String { String(summary.prefix { $0 != ":" }) }

    /// The loss on the validation set, without dropout: the batches' losses weighted
    /// by their sizes.
    public func validationLoss(of network: RecurrentNetwork) -> Double {
        var total = 0.0, rows = 0
        for batch in validation {
            total += network.evaluate(batch) * Double(batch.size)
            rows += batch.size
        }
        return total / Double(max(rows, 1))
    }

    /// The model settings for this task with the defaults' cell and sizes.
    public func modelConfig(from settings: TaskDefaults) -> ModelConfig {
        ModelConfig(
            cell: settings.cell, activation: settings.activation, inputSize: shape.inputSize,
            hiddenSize: settings.hiddenSize, layers: settings.layers, outputSize: shape.outputSize, head: shape.head,
            loss: shape.loss, dropout: settings.dropout, outputDropout: settings.outputDropout,
            initialization: settings.initialization)
    }
}
