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
        let (changes, changesRefused) = changes(to: saved, choices)
        let contradictions = contradictions(of: saved) + changesRefused
        guard contradictions.isEmpty else {
            throw InputError(
                file: resume,
                problem: "holds a \(saved.model.cell.displayName)(\(saved.model.hiddenSize)) run on "
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
            resuming: saved, length: length, checkpointPath: checkpoint ?? resume, weightsPath: saveWeights, changes: changes,
            options: options)
    }

    /// Flags that would make another run than the one saved: the task and its data,
    /// the seed.
    private func contradictions(of saved: Checkpoint) -> [String] {
        let settings = saved.settings
        func differs<T: Equatable>(_ given: T?, _ kept: T?, _ flag: String, _ shown: (T) -> String) -> String? {
            guard let given, given != kept else { return nil }
            return "\(flag) \(shown(given))"
        }
        let textWindow = settings.task.kind == .text
        return [
            differs(task, settings.task.kind, "--task", \.rawValue),
            differs(preset, nil, "--preset", \.rawValue),
            differs(seed, settings.seed, "--seed", String.init),
            differs(validationSplit, settings.task.validationSplit, "--val-split", { "\($0)" }),
            differs(data.map(Self.absolute), settings.task.dataPath.map(Self.absolute), "--data", { $0 }),
            column.isEmpty || column == settings.task.columns ? nil : "--column \(column.joined(separator: ","))",
            differs(fill, settings.task.fill, "--fill", \.rawValue),
            textWindow ? nil : differs(sequenceLength, settings.task.sequenceLength, "--seq-len", String.init),
        ].compactMap { $0 }
    }

    /// The commands that bring the saved run to the flags given, each applied before
    /// the first step (one that cannot be is refused with its reason), and the flags
    /// no command can honour (the model, the initialisation, the momentum).
    private func changes(to saved: Checkpoint, _ choices: RunChoices) -> (commands: [Command], refused: [String]) {
        var held = saved.settings.training
        var commands: [Command] = [], refused: [String] = []
        for choice in choices.each + singleChoices {
            var asked = held
            choice.apply(&asked)
            guard let (made, after) = Self.commands(from: held, to: asked) else {
                refused.append("--\(choice.flag) \(choice.text)")
                continue
            }
            commands += made
            held = after
        }
        // Each clipping command carries the whole rule: the last says it.
        if let clipping = commands.last(where: { $0.eventKind == .clipping }) {
            commands = commands.filter { $0.eventKind != .clipping } + [clipping]
        }
        if let evaluationInterval, evaluationInterval != saved.settings.evaluationInterval {
            commands.append(.setEvaluationInterval(evaluationInterval))
        }
        if saved.settings.task.kind == .text, let sequenceLength, sequenceLength != saved.settings.task.sequenceLength {
            commands.append(.setTruncation(sequenceLength))
        }
        return (commands, refused)
    }

    /// The commands that take a run holding `old` to `new`, and the settings it holds
    /// after them; nil when `new` differs in what no command changes.
    private static func commands(from old: TaskDefaults, to new: TaskDefaults) -> ([Command], TaskDefaults)? {
        var commands: [Command] = []
        var held = old, untouched = new
        if new.optimizer.kind != old.optimizer.kind {
            commands.append(.switchOptimizer(new.optimizer.kind))
            held.optimizer = old.optimizer.switched(to: new.optimizer.kind)
            untouched.optimizer = old.optimizer
        } else if new.optimizer.learningRate != old.optimizer.learningRate {
            commands.append(.setLearningRate(new.optimizer.learningRate))
            held.optimizer.learningRate = new.optimizer.learningRate
            untouched.optimizer.learningRate = old.optimizer.learningRate
        }
        if new.batchSize != old.batchSize {
            commands.append(.setBatchSize(new.batchSize))
            (held.batchSize, untouched.batchSize) = (new.batchSize, old.batchSize)
        }
        if new.dropout != old.dropout || new.outputDropout != old.outputDropout {
            commands.append(.setDropout(new.outputDropout))
            (held.dropout, held.outputDropout) = (new.outputDropout, new.outputDropout)
            (untouched.dropout, untouched.outputDropout) = (old.dropout, old.outputDropout)
        }
        if new.clipping != old.clipping {
            commands.append(.setClipping(threshold: new.clipping.threshold, mode: new.clipping.mode))
            (held.clipping, untouched.clipping) = (new.clipping, old.clipping)
        }
        return untouched == old ? (commands, held) : nil
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
