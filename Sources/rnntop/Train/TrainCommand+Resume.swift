import Foundation
import RNNCore
import RNNData
import Training

/// `--resume PATH`: the saved run goes on in PATH (unless `--checkpoint` names
/// another file), and every other flag is either applied to it, as the command its
/// key or control line would send (an event from the command line), or refused
/// with a reason. None is ignored.
extension TrainCommand {
    /// The session that continues the checkpoint at `resume`.
    func resumedSession(_ options: SessionOptions, _ choices: RunChoices) throws -> Session {
        guard let resume else { preconditionFailure("resumedSession without --resume") }
        let saved = try Checkpoint.read(resume)
        let contradictions = contradictions(of: saved, choices)
        guard contradictions.isEmpty else {
            throw InputError(
                file: resume,
                problem: "holds a \(saved.model.cell.rawValue.uppercased())(\(saved.model.hiddenSize)) run on "
                    + "\(saved.settings.task.kind.rawValue); \(contradictions.joined(separator: ", ")) asks for another "
                    + "(a resumed run keeps its model, data and random stream: leave these out, or start a new run)")
        }
        // A length the saved run has already reached would train nothing: said, not done.
        if let steps, steps <= saved.step {
            throw InputError(
                file: resume, field: "--steps",
                problem: "the run is at step \(saved.step): --steps \(steps) leaves nothing to train (give more, or leave --steps out)")
        }
        if let epochs, Double(epochs) <= saved.epochs {
            throw InputError(
                file: resume, field: "--epochs",
                problem: "the run is at epoch \(String(format: "%.1f", saved.epochs)): --epochs \(epochs) leaves nothing to train (give more, or leave --epochs out)")
        }
        let length: TrainingLength? = steps.map { .steps($0) } ?? epochs.map { .epochs($0) }
        return try Session(
            resuming: saved, length: length, checkpointPath: checkpoint ?? resume, weightsPath: saveWeights, changes: changes(to: saved, choices),
            options: options)
    }

    /// Flags that would make another run than the one saved: the model, the task and
    /// its data, the seed, the initialisation, the momentum (no command changes it).
    private func contradictions(of saved: Checkpoint, _ choices: RunChoices) -> [String] {
        let model = saved.model, settings = saved.settings
        func differs<T: Equatable>(_ given: T?, _ kept: T?, _ flag: String, _ shown: (T) -> String) -> String? {
            guard let given, given != kept else { return nil }
            return "\(flag) \(shown(given))"
        }
        let textWindow = settings.task.kind == .text
        return [
            differs(choices.cell, model.cell, "--cell", \.rawValue),
            differs(choices.hidden, model.hiddenSize, "--hidden", String.init),
            differs(choices.layers, model.layers, "--layers", String.init),
            differs(choices.activation, model.activation, "--activation", \.rawValue),
            differs(task, settings.task.kind, "--task", \.rawValue),
            differs(preset, nil, "--preset", \.rawValue),
            differs(seed, settings.seed, "--seed", String.init),
            differs(choices.initialization, model.initialization, "--init", \.rawValue),
            differs(momentum, settings.training.optimizer.momentum, "--momentum", { "\($0)" }),
            differs(validationSplit, settings.task.validationSplit, "--val-split", { "\($0)" }),
            differs(data.map(Self.absolute), settings.task.dataPath.map(Self.absolute), "--data", { $0 }),
            column.isEmpty || column == settings.task.columns ? nil : "--column \(column.joined(separator: ","))",
            differs(fill, settings.task.fill, "--fill", \.rawValue),
            textWindow ? nil : differs(sequenceLength, settings.task.sequenceLength, "--seq-len", String.init),
        ].compactMap { $0 }
    }

    /// The commands that bring the saved run to the flags given: each is applied
    /// before the first step, and one that cannot be is refused with its reason.
    private func changes(to saved: Checkpoint, _ choices: RunChoices) -> [Command] {
        let (optimizer, lr, batch, dropout, clip) = (choices.optimizer, choices.lr, choices.batch, choices.dropout, choices.clip)
        let training = saved.settings.training
        var changes: [Command] = []
        if let optimizer, optimizer != training.optimizer.kind { changes.append(.switchOptimizer(optimizer)) }
        if let lr, lr != training.optimizer.learningRate || optimizer != nil { changes.append(.setLearningRate(lr)) }
        if let batch, batch != training.batchSize { changes.append(.setBatchSize(batch)) }
        if let dropout, dropout != saved.model.outputDropout || dropout != saved.model.dropout { changes.append(.setDropout(dropout)) }
        let clipping = GradientClipping(mode: clipMode ?? training.clipping.mode, threshold: clip ?? training.clipping.threshold)
        if clipping != training.clipping { changes.append(.setClipping(threshold: clipping.threshold, mode: clipping.mode)) }
        if let evaluationInterval, evaluationInterval != saved.settings.evaluationInterval {
            changes.append(.setEvaluationInterval(evaluationInterval))
        }
        if saved.settings.task.kind == .text, let sequenceLength, sequenceLength != saved.settings.task.sequenceLength {
            changes.append(.setTruncation(sequenceLength))
        }
        return changes
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
