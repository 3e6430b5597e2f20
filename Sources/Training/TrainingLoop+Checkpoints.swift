import Foundation
import RNNCore
import RNNData

/// Checkpoints: writing the whole run, and putting a saved one in place.
extension TrainingLoop {
    func saveCheckpoint(to path: String, source: CommandSource) throws {
        try checkNotTheRunsOtherFile(path, writing: "a checkpoint", own: \.checkpointPath)
        let optimizer = trainer.optimizer
        let buffers = optimizer.stateBuffers()
        let names = optimizer.settings.kind.stateNames
        // A diverged run keeps the copy a rollback goes back to.
        let rollback = state == .diverged ? backup.saved : nil
        let header = Checkpoint.Header(
            settings: settings, model: network.config, step: step, epochs: epochs, generator: trainer.generator,
            dataGenerator: dataGenerator,
            taskCursor: task.cursor, carriedState: network.carriedState, optimizer: optimizer.settings, optimizerSteps: optimizer.stepCount,
            optimizerBuffers: names, parameterCount: network.parameterCount, evaluationInterval: evaluationInterval,
            dataFingerprint: dataFingerprint, events: events,
            histories: Checkpoint.Histories(
                loss: loss, validationLoss: validationLoss, gradientNorm: gradientNorm,
                parameterGradientNorms: parameterGradientNorms, modelChanges: modelChanges, accuracy: accuracy,
                validationAccuracy: validationAccuracy),
            diverged: state == .diverged ? true : nil, rollbackOptimizerSteps: rollback?.optimizerSteps)
        let checkpoint = Checkpoint(
            header: header, parameters: network.withParameters { Array($0) }, optimizerState: buffers,
            rollback: rollback.map { Checkpoint.RollbackCopy(parameters: $0.parameters, optimizerState: $0.optimizerState, optimizerSteps: $0.optimizerSteps) })
        try checkpoint.write(to: path)
        record(.checkpoint, new: path, message: "checkpoint written to \(path) at step \(step)", source: source)
    }

    /// Puts the saved run in place; called on a fresh loop, before any step. A run
    /// saved after a divergence comes back diverged (to look at, roll back or go on
    /// from); a headless run, which stops on a divergence, is rolled back and goes on
    /// (with the lower learning rate its command line may give).
    func resume(from checkpoint: Checkpoint) throws {
        let header = checkpoint.header
        if let saved = header.dataFingerprint, saved != dataFingerprint {
            throw ConfigError(setting: "resume", problem: "the data file has changed since the checkpoint was written")
        }
        let expected = task.modelConfig(from: settings.training)
        guard header.model.inputSize == expected.inputSize, header.model.outputSize == expected.outputSize,
            header.model.head == expected.head, header.model.loss == expected.loss
        else {
            throw ConfigError(setting: "checkpoint", problem: "its model does not fit its task's data")
        }
        try task.restore(header.taskCursor)
        try task.checkBatchSize(settings.training.batchSize)
        try Self.checkMemory(
            network.config, optimizer: trainer.optimizer.settings.kind, batch: settings.training.batchSize, steps: task.shape.steps,
            task: task, limit: options.memoryLimit, setting: "memory")
        network.withParameters { p in
            checkpoint.parameters.withUnsafeBufferPointer { p.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
        try trainer.optimizer.restore(stepCount: header.optimizerSteps, buffers: checkpoint.optimizerState)
        if let copy = checkpoint.rollback {
            try backup.load(
                parameters: copy.parameters, optimizerState: copy.optimizerState, optimizerSteps: copy.optimizerSteps, for: trainer.optimizer)
        }
        if let carried = header.carriedState { network.carriedState = carried }
        trainer.generator = header.generator
        // Files from before the data had a stream of its own drew both from one.
        dataGenerator = header.dataGenerator ?? header.generator
        step = header.step
        epochCount = EpochCount(epochs: header.epochs, stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize))
        evaluationInterval = header.evaluationInterval
        events = header.events
        loss = header.histories.loss
        validationLoss = header.histories.validationLoss
        gradientNorm = header.histories.gradientNorm
        accuracy = header.histories.accuracy ?? MetricHistory()
        validationAccuracy = header.histories.validationAccuracy ?? MetricHistory()
        if header.histories.parameterGradientNorms.count == parameterGradientNorms.count {
            parameterGradientNorms = header.histories.parameterGradientNorms
        }
        modelChanges = header.histories.modelChanges
        if checkpoint.diverged {
            // Headless, nobody looks first: the weights that diverged are no place to
            // go on from, so the run goes back to the ones before their update.
            var what = ": roll back (u), or resume to go on"
            if !options.stopOnDivergence {
                state = .diverged
            } else if !backup.isEmpty {
                backup.restore(into: network, trainer.optimizer)
                what = ": rolled back to the weights before its last update"
            }
            record(
                .resume, new: "\(step)", message: "resumed from a checkpoint at step \(step), written after a divergence\(what)",
                source: .program)
        } else {
            record(.resume, new: "\(step)", message: "resumed from a checkpoint at step \(step)", source: .program)
        }
        if step >= totalSteps && state != .diverged {
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
