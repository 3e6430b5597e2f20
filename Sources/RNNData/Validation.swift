import RNNCore

/// What a validation measured.
public struct ValidationScore: Sendable, Equatable {
    public var loss: Double
    /// The fraction of scored positions predicted right; nil for a regression.
    public var accuracy: Double?

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }
}

extension TrainingTask {
    /// The task's name, the start of its summary ("adding", "copy", ...).
    public var title: String { String(summary.prefix { $0 != ":" }) }

    /// The loss on the validation set, without dropout: the batches' losses weighted
    /// by their sizes; a classifier's accuracy over all the scored positions.
    public func validationScore(of network: RecurrentNetwork) -> ValidationScore {
        var total = 0.0, rows = 0, correct = 0, scored = 0
        for batch in validation {
            let result = network.evaluation(of: batch)
            total += result.loss * Double(batch.size)
            rows += batch.size
            correct += result.correct
            scored += result.scored
        }
        return ValidationScore(
            loss: total / Double(max(rows, 1)), accuracy: scored > 0 ? Double(correct) / Double(scored) : nil)
    }

    /// The model settings for this task with the defaults' cell and sizes.
    public func modelConfig(from settings: TaskDefaults) -> ModelConfig {
        shape.modelConfig(from: settings)
    }

    /// The validation batch with the most time steps in all: the largest pass a
    /// validation makes, which the memory must hold as a training step's.
    public var largestValidationBatch: (sequences: Int, steps: Int) {
        validation.map { ($0.size, $0.steps) }.max { $0.0 * $0.1 < $1.0 * $1.1 } ?? (0, 0)
    }
}

extension TaskShape {
    /// The model settings for a task of this shape with the defaults' cell and sizes.
    public func modelConfig(from settings: TaskDefaults) -> ModelConfig {
        ModelConfig(
            cell: settings.cell, activation: settings.activation, inputSize: inputSize,
            hiddenSize: settings.hiddenSize, layers: settings.layers, outputSize: outputSize, head: head,
            loss: loss, dropout: settings.dropout, outputDropout: settings.outputDropout,
            initialization: settings.initialization)
    }
}
