import Foundation
import RNNCore
import RNNData

/// Checkpoints: writing the whole run, and putting a saved one in place.
extension TrainingLoop {
    func saveCheckpoint(to path: String, source: CommandSource) throws {
        let optimizer = trainer.optimizer
        let buffers = optimizer.stateBuffers()
        let names = optimizer.settings.kind.stateNames
        let header = Checkpoint.Header(
            settings: settings, model: network.config, step: step, epochs: epochs, generator: trainer.generator,
            taskCursor: task.cursor, carriedState: network.carriedState, optimizer: optimizer.settings, optimizerSteps: optimizer.stepCount,
            optimizerBuffers: names, parameterCount: network.parameterCount, evaluationInterval: evaluationInterval,
            dataFingerprint: dataFingerprint, events: events,
            histories: Checkpoint.Histories(
                loss: loss, validationLoss: validationLoss, gradientNorm: gradientNorm,
                parameterGradientNorms: parameterGradientNorms, modelChanges: modelChanges))
        let checkpoint = Checkpoint(
            header: header, parameters: network.withParameters { Array($0) }, optimizerState: buffers)
        try checkpoint.write(to: path)
        record(.checkpoint, new: path, message: "checkpoint written to \(path) at step \(step)", source: source)
    }

    /// Puts the saved run in place; called on a fresh loop, before any step.
    func resume(from checkpoint: Checkpoint) throws {
        let header = checkpoint.header
        if let saved = header.dataFingerprint, saved != dataFingerprint {
            throw ConfigError(setting: "resume", problem: "the data file has changed since the checkpoint was written")
        }
        try task.restore(header.taskCursor)
        network.withParameters { p in
            checkpoint.parameters.withUnsafeBufferPointer { p.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
        try trainer.optimizer.restore(stepCount: header.optimizerSteps, buffers: checkpoint.optimizerState)
        if let carried = header.carriedState {
            let count = network.config.layers * carried.batch * network.config.hiddenSize
            guard carried.hidden.count == count, carried.cell.isEmpty || carried.cell.count == count else {
                throw ConfigError(setting: "checkpoint", problem: "its carried state does not fit its model")
            }
            network.carriedState = carried
        }
        trainer.generator = header.generator
        step = header.step
        epochs = header.epochs
        evaluationInterval = header.evaluationInterval
        events = header.events
        loss = header.histories.loss
        validationLoss = header.histories.validationLoss
        gradientNorm = header.histories.gradientNorm
        if header.histories.parameterGradientNorms.count == parameterGradientNorms.count {
            parameterGradientNorms = header.histories.parameterGradientNorms
        }
        modelChanges = header.histories.modelChanges
        record(.resume, new: "\(step)", message: "resumed from a checkpoint at step \(step)", source: .program)
        if step >= totalSteps {
            state = .done
            if options.stopWhenDone { end(.done) }
        }
    }

    /// FNV-1a of the task's data file, so a resumed run can tell the data changed.
    static func fingerprint(of task: TaskOptions) -> UInt64? {
        guard let path = task.dataPath, let data = FileManager.default.contents(atPath: path) else { return nil }
        return Checkpoint.checksum([UInt8](data)[...])
    }
}
