import RNNCore
import RNNData

/// Commands, applied between steps, and the events that record them.
extension TrainingLoop {
    /// Applies one command and records it as an event.
    func apply(_ command: Command, from source: CommandSource) {
        do {
            try perform(command, source: source)
        } catch {
            record(command.eventKind, message: "refused: \(error)", source: source, applied: false)
        }
    }

    /// Applies one command, or throws why it cannot be.
    func perform(_ command: Command, source: CommandSource) throws {
        switch command {
        case .pause, .resume, .step, .extend, .quit:
            try performRunControl(command, source: source)
        case .setLearningRate, .setClipping, .switchOptimizer, .setBatchSize, .setDropout:
            try performSetting(command, source: source)
        case .setTruncation, .setEvaluationInterval:
            try performSchedule(command, source: source)
        case .resetWeights, .changeModel, .rollBack:
            try performModelChange(command, source: source)
        case .saveCheckpoint(let path):
            guard let target = path ?? settings.checkpointPath else {
                throw CommandRefusal("no checkpoint path: start with --checkpoint PATH")
            }
            try saveCheckpoint(to: target, source: source)
        case .saveWeights(let path):
            guard let target = path ?? settings.weightsPath else {
                throw CommandRefusal("no weights path: start with --save-weights PATH")
            }
            try saveWeights(to: target, source: source)
        case .adjust(let change):
            try perform(try self.command(for: change), source: source)
        }
    }

    /// Pausing, resuming, single steps, more steps for a finished run, and the end.
    private func performRunControl(_ command: Command, source: CommandSource) throws {
        switch command {
        case .pause:
            guard state == .running else { throw CommandRefusal("the run is \(state.rawValue), not running") }
            state = .paused
            record(.pause, message: "paused", source: source)
        case .resume:
            guard state == .paused || state == .diverged || (state == .done && step < totalSteps) else {
                throw CommandRefusal("the run is \(state.rawValue)")
            }
            if state == .diverged && !backup.isEmpty {
                record(.resume, message: "resumed after a divergence without rolling back", source: source)
            } else {
                record(.resume, message: "resumed", source: source)
            }
            state = .running
        case .step:
            guard state != .running else { throw CommandRefusal("single steps are for a paused run") }
            pendingSteps += 1
            record(.step, message: "one step", source: source)
        case .extend(let steps):
            guard state == .done else { throw CommandRefusal("only a finished run can be extended; this one is \(state.rawValue)") }
            try extend(by: steps, source: source)
        case .quit:
            record(.quit, message: "stopped at step \(step)", source: source)
            end(.quit)
        default:
            preconditionFailure("\(command) is not a run control")
        }
    }

    /// A new value of one of the training settings, checked before it is applied; one
    /// set to the value it has changes nothing and logs nothing (an optimizer switch
    /// to its own kind still resets its state, and says so).
    private func performSetting(_ command: Command, source: CommandSource) throws {
        let training = settings.training
        switch command {
        case .setLearningRate(let rate):
            guard rate != training.optimizer.learningRate else { return }
            var changed = trainer.optimizer.settings
            changed.learningRate = rate
            try trainer.optimizer.apply(changed)
            settings.training.optimizer = changed
            record(
                .learningRate, old: training.optimizer.learningRate.settingText, new: rate.settingText,
                message: "learning rate \(rate.settingText)", source: source)
        case .setClipping(let threshold, let mode):
            let rule = GradientClipping(mode: mode ?? training.clipping.mode, threshold: threshold)
            try rule.validate()
            guard rule != training.clipping else { return }
            trainer.clipping = rule
            settings.training.clipping = rule
            record(
                .clipping, old: training.clipping.text, new: rule.text,
                message: "clipping \(rule.text)", source: source)
        case .switchOptimizer(let kind):
            let fresh = training.optimizer.switched(to: kind)
            trainer.optimizer = try Optimizer(fresh, parameterCount: network.parameterCount)
            settings.training.optimizer = fresh
            record(
                .optimizer, old: training.optimizer.kind.rawValue, new: kind.rawValue,
                message: "optimizer \(kind.rawValue): state reset, learning rate \(fresh.learningRate.settingText) kept", source: source)
        case .setBatchSize(let size):
            guard size != training.batchSize else { return }
            try RunSettings.checkBatchSize(size)
            try task.checkBatchSize(size)
            try checkMemory(batchSize: size)
            settings.training.batchSize = size
            record(.batchSize, old: "\(training.batchSize)", new: "\(size)", message: "batch size \(size)", source: source)
        case .setDropout(let rate):
            guard rate != training.outputDropout || rate != training.dropout else { return }
            try network.setDropout(between: rate, output: rate)
            settings.training.dropout = rate
            settings.training.outputDropout = rate
            record(
                .dropout, old: training.outputDropout.settingText, new: rate.settingText, message: "dropout \(rate.settingText)",
                source: source)
        default:
            preconditionFailure("\(command) is not a setting")
        }
    }

    /// How the data is cut and how often validation comes; a value set to what it is
    /// logs nothing, as for the settings.
    private func performSchedule(_ command: Command, source: CommandSource) throws {
        switch command {
        case .setTruncation(let length):
            let old = task.shape.steps
            guard length != old else { return }
            try checkMemory(windowLength: length)
            try task.setWindowLength(length, batchSize: settings.training.batchSize)
            settings.task.sequenceLength = length
            record(.truncation, old: "\(old)", new: "\(length)", message: "windows of \(length) steps", source: source)
        case .setEvaluationInterval(let interval):
            guard interval >= 1 else { throw ConfigError(setting: "eval-every", problem: "must be at least 1 (got \(interval))") }
            guard interval != evaluationInterval else { return }
            let old = evaluationInterval.map { "\($0)" } ?? "auto"
            evaluationInterval = interval
            settings.evaluationInterval = interval
            record(.evaluationInterval, old: old, new: "\(interval)", message: "validation every \(interval) steps", source: source)
        default:
            preconditionFailure("\(command) is not a schedule")
        }
    }

    /// New weights, a new model, or the weights from before the last update.
    private func performModelChange(_ command: Command, source: CommandSource) throws {
        switch command {
        case .resetWeights(let seed):
            var generator = RandomGenerator(seed: (seed ?? settings.seed) &+ Self.modelSeedOffset)
            try replaceModel(network.config, generator: &generator)
            record(
                .reset, new: "\(seed ?? settings.seed)",
                message: "new weights from seed \(seed ?? settings.seed); optimizer state reset", source: source)
            lengthen(for: "new weights", source: source)
        case .changeModel(let cell, let hidden):
            var config = network.config
            if let cell { config.cell = cell }
            if let hidden { config.hiddenSize = hidden }
            try config.validate()
            try checkMemory(model: config, setting: hidden != nil ? "hidden" : "cell")
            let old = describe(network.config)
            var generator = trainer.generator
            try replaceModel(config, generator: &generator)
            trainer.generator = generator
            settings.training.cell = config.cell
            settings.training.hiddenSize = config.hiddenSize
            modelChanges.append(Snapshot.ModelChange(step: step, description: describe(config)))
            record(.model, old: old, new: describe(config), message: "a new model: \(describe(config))", source: source)
            lengthen(for: "a new model", source: source)
        case .rollBack:
            guard !backup.isEmpty else { throw CommandRefusal("there is no earlier copy of the weights yet") }
            backup.restore(into: network, trainer.optimizer)
            if state == .diverged { state = .paused }
            record(.rollback, message: "weights and optimizer state from before the last update", source: source)
        default:
            preconditionFailure("\(command) is not a model change")
        }
    }

    /// A finished run goes on for as long again as it was set to run, or for `steps`
    /// more; the new length is the event's value.
    private func extend(by steps: Int?, source: CommandSource) throws {
        if let steps {
            let most = RunSettings.maximumSteps - step
            guard steps >= 1 && steps <= most else {
                throw ConfigError(setting: "extend", problem: "must be between 1 and \(most) steps (got \(steps))")
            }
            setLength(.steps(step + steps), message: "extended", source: source)
        } else {
            setLength(budgetFromHere, message: "extended", source: source)
        }
    }

    /// A new model, or new weights, gets the run's whole length from here: a run that
    /// would end sooner goes on for longer (and a finished one trains again).
    private func lengthen(for what: String, source: CommandSource) {
        let kept = settings.training.length, keptTotal = totalSteps
        settings.training.length = budgetFromHere
        let longer = totalSteps > keptTotal
        settings.training.length = kept
        if longer { setLength(budgetFromHere, message: "\(what) gets the run's whole length", source: source) }
    }

    /// The run's length as set, counted from the present step.
    private var budgetFromHere: TrainingLength {
        switch budget {
        case .steps(let n): .steps(min(step + n, RunSettings.maximumSteps))
        case .epochs(let n): .epochs(epochCount.finished + n)
        }
    }

    private func setLength(_ length: TrainingLength, message: String, source: CommandSource) {
        let old = totalSteps
        settings.training.length = length
        if state == .done { state = .running }
        record(.extend, old: "\(old)", new: "\(totalSteps)", message: "\(message): to \(totalSteps) steps", source: source)
    }

    /// A new network and optimizer state, the settings and histories kept.
    private func replaceModel(_ config: ModelConfig, generator: inout RandomGenerator) throws {
        let fresh = try RecurrentNetwork(config: config, generator: &generator)
        let optimizer = try Optimizer(trainer.optimizer.settings, parameterCount: fresh.parameterCount)
        let carried = trainer.generator
        network = fresh
        trainer = Trainer(network: fresh, optimizer: optimizer, clipping: trainer.clipping, generator: carried)
        backup = WeightsBackup(parameterCount: fresh.parameterCount)
        trainer.backup = backup
        probe = nil
        hiddenGradientWindow.clear()
        if parameterGradientNorms.count != fresh.layout.specs.count {
            parameterGradientNorms = fresh.layout.specs.map { _ in MetricHistory() }
        }
        if state == .diverged { state = .paused }
    }

    // MARK: Events

    func record(
        _ kind: EventKind, old: String? = nil, new: String? = nil, message: String, source: CommandSource,
        applied: Bool = true
    ) {
        let event = Event(
            step: step, name: kind.rawValue, oldValue: old, newValue: new, message: message, source: source,
            time: (clock.now - started).seconds, applied: applied)
        events.append(event)
        if event.changesTraining { markers.append(Snapshot.Marker(step: step, kind: kind)) }
        let newModel = kind == .model && applied
        log?.event(event, model: newModel ? network.config : nil, parameterNames: newModel ? network.layout.specs.map(\.name) : nil)
        options.eventObserver?(event)
        noteWriteFailures()
    }

    /// Turns the log's failed writes into events, once each, so that they are
    /// reported at once and the run ends with exit status 1.
    func noteWriteFailures() {
        for failure in log?.takeFailures() ?? [] {
            writeFailures.append(failure)
            record(.writeFailed, message: failure, source: .program, applied: false)
        }
    }


    private func describe(_ config: ModelConfig) -> String {
        "\(config.cell.displayName)(\(config.hiddenSize))" + (config.layers > 1 ? " x\(config.layers)" : "")
    }
}


/// A command that does not apply to the run as it is.
struct CommandRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
