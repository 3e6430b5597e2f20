import Foundation
import RNNCore
import RNNData

/// A session's training state and the one place it changes: commands applied
/// between steps, the steps themselves, validation, probes, snapshots and
/// checkpoints. Used only on the session's queue.
final class TrainingLoop {
    private(set) var settings: RunSettings
    let task: any TrainingTask
    private(set) var network: RecurrentNetwork
    private(set) var trainer: Trainer
    private var backup: WeightsBackup
    let options: SessionOptions

    private(set) var state: Snapshot.State
    private(set) var step = 0
    private(set) var epochs = 0.0
    /// Validation every this many steps; nil for the time budget (see `validationDue`).
    private var evaluationInterval: Int?
    private var lastValidation = (step: 0, at: -Double.infinity, took: 0.0)
    /// Single steps asked for while paused.
    private var pendingSteps = 0
    private(set) var quitRequested = false
    private(set) var endReason: SessionEnd.Reason?
    private let dataFingerprint: UInt64?

    private var loss = MetricHistory()
    private var validationLoss = MetricHistory()
    private var gradientNorm = MetricHistory()
    private var parameterGradientNorms: [MetricHistory]
    private var hiddenProfile: [[Double]] = []
    private var probe: ProbeReport?
    private var probeStep = 0
    private var textSample: String?
    private var lastSample = -Double.infinity
    /// Draws the text samples, apart from the training's generator.
    private var sampleGenerator: RandomGenerator
    private var events: [Event] = []
    private var modelChanges: [Snapshot.ModelChange] = []

    private let clock = ContinuousClock()
    private var started: ContinuousClock.Instant
    private var rate = ThroughputMeter()
    private var sequences = 0
    private let log: RunLogWriter?

    /// A fresh run of `settings`, or the run a checkpoint saved.
    init(settings: RunSettings, checkpoint: Checkpoint?, options: SessionOptions) throws {
        var generator = RandomGenerator(seed: settings.seed)
        task = try makeTask(settings.task, generator: &generator)
        let model = checkpoint?.model ?? task.modelConfig(from: settings.training)
        network = try RecurrentNetwork(config: model, generator: &generator)
        let optimizer = try Optimizer(checkpoint?.header.optimizer ?? settings.training.optimizer, parameterCount: network.parameterCount)
        try settings.training.clipping.validate()
        trainer = Trainer(network: network, optimizer: optimizer, clipping: settings.training.clipping, generator: generator)
        backup = WeightsBackup(parameterCount: network.parameterCount)
        trainer.backup = backup
        self.settings = settings
        self.options = options
        parameterGradientNorms = network.layout.specs.map { _ in MetricHistory() }
        dataFingerprint = Self.fingerprint(of: settings.task)
        sampleGenerator = RandomGenerator(seed: settings.seed &+ 0x5A3F)
        evaluationInterval = settings.evaluationInterval
        state = options.startPaused ? .paused : .running
        started = clock.now
        log = try options.log.map(RunLogWriter.init)
        if let program = options.log?.program { beginLog(program: program, at: checkpoint?.header.step ?? 0) }
        if let checkpoint { try resume(from: checkpoint) }
    }

    // MARK: Steps

    /// Whether the loop has a step to take now.
    var wantsStep: Bool { !quitRequested && (state == .running || pendingSteps > 0) }

    /// Steps in the whole run, from its length in steps or in epochs.
    var totalSteps: Int {
        switch settings.training.length {
        case .steps(let n): return n
        case .epochs(let n):
            let perEpoch = task.stepsPerEpoch(batchSize: settings.training.batchSize)
            // Less a hair: epochs add up 1/perEpoch at a time, and 97 × (1/97) is a
            // rounding error short of 1, which must not cost a 98th step.
            return step + Int(((Double(n) - epochs) * Double(perEpoch) - 1e-6).rounded(.up))
        }
    }

    /// One training step, its histories, and what follows from it: a divergence, a
    /// validation, the end of the run.
    func trainStep() {
        if pendingSteps > 0 { pendingSteps -= 1 }
        let size = settings.training.batchSize
        let initial = task.nextBatch(size: size, generator: &trainer.generator)
        let batch = task.batch
        let summary = trainer.step(batch, initialState: initial)
        step += 1
        let epochBefore = epochs
        epochs += 1 / Double(task.stepsPerEpoch(batchSize: size))
        sequences += batch.size
        defer {
            let record = report(summary, batchSize: batch.size, endsEpoch: Int(epochs + 1e-9) > Int(epochBefore + 1e-9))
            if let log { logStep(record, to: log) }
        }
        loss.append(step: step, value: summary.loss)
        gradientNorm.append(step: step, value: summary.gradientNorm)
        for (i, norm) in trainer.parameterGradientNorms.enumerated() {
            parameterGradientNorms[i].append(step: step, value: norm)
        }
        recordHiddenProfile(steps: batch.steps)
        guard summary.finite else {
            diverge(summary)
            return
        }
        let validated = validationDue(endsEpoch: Int(epochs + 1e-9) > Int(epochBefore + 1e-9))
        if validated { validate() }
        if step >= totalSteps && state == .running {
            if !validated { validate() }
            state = .done
            record("done", message: "finished after \(step) steps", source: .program)
            if options.stopWhenDone { end(.done) }
        }
    }

    /// The step's figures, told to the step observer if there is one.
    private func report(_ summary: StepSummary, batchSize: Int, endsEpoch: Bool) -> StepRecord {
        let validated = validationLoss.last.flatMap { $0.step == step ? $0.value : nil }
        let record = StepRecord(
            step: step, epochs: epochs, endsEpoch: endsEpoch, loss: summary.loss, gradientNorm: summary.gradientNorm,
            clipped: summary.clipped, learningRate: trainer.optimizer.settings.learningRate, batchSize: batchSize,
            validationLoss: validated, elapsed: (clock.now - started).seconds, sequences: sequences)
        options.stepObserver?(record)
        return record
    }

    private func recordHiddenProfile(steps: Int) {
        let layers = network.config.layers
        if hiddenProfile.count != layers || hiddenProfile.first?.count != steps {
            hiddenProfile = Array(repeating: Array(repeating: 0, count: steps), count: layers)
        }
        for l in 0..<layers {
            for t in 0..<steps { hiddenProfile[l][t] = network.hiddenGradientNorm(layer: l, step: t) }
        }
    }

    /// Validation comes every `evaluationInterval` steps when one is set. Otherwise
    /// at the end of an epoch (or after an epoch's worth of steps), unless the last
    /// validation took more than a tenth of the time since: a validation set can cost
    /// hundreds of small training steps, and must not take over the run.
    private func validationDue(endsEpoch: Bool) -> Bool {
        if let interval = evaluationInterval { return step % interval == 0 }
        let perEpoch = task.stepsPerEpoch(batchSize: settings.training.batchSize)
        guard endsEpoch || step - lastValidation.step >= perEpoch else { return false }
        return (clock.now - started).seconds - lastValidation.at >= 9 * lastValidation.took
    }

    private func validate() {
        let begun = (clock.now - started).seconds
        let value = task.validationLoss(of: network)
        validationLoss.append(step: step, value: value)
        log?.evaluation(step: step, loss: value)
        let now = (clock.now - started).seconds
        lastValidation = (step, now, now - begun)
    }

    /// A NaN or infinite loss or gradient: the run pauses, with an event saying what
    /// blew up and where. The update was not applied; the weights before the last
    /// update are kept for `rollBack`.
    private func diverge(_ summary: StepSummary) {
        var what: String
        if !summary.loss.isFinite {
            what = "the loss is \(summary.loss)"
        } else {
            let names = network.layout.specs.map(\.name)
            let culprits = zip(names, trainer.parameterGradientNorms).filter { !$0.1.isFinite }.map(\.0)
            what = "the gradient norm is \(summary.gradientNorm)"
            if !culprits.isEmpty { what += " (in \(culprits.joined(separator: ", ")))" }
        }
        state = .diverged
        record("diverged", message: "diverged at step \(step): \(what)", source: .program)
        if options.stopOnDivergence { end(.diverged) }
    }

    // MARK: Commands

    /// Applies one command and records it as an event.
    func apply(_ command: Command, from source: CommandSource) {
        do {
            try perform(command, source: source)
        } catch {
            record(command.name, message: "refused: \(error)", source: source, applied: false)
        }
    }

    private func perform(_ command: Command, source: CommandSource) throws {
        let training = settings.training
        switch command {
        case .pause:
            guard state == .running else { throw CommandRefusal("the run is \(state.rawValue), not running") }
            state = .paused
            record("pause", message: "paused", source: source)
        case .resume:
            guard state == .paused || state == .diverged || (state == .done && step < totalSteps) else {
                throw CommandRefusal("the run is \(state.rawValue)")
            }
            if state == .diverged && !backup.isEmpty {
                record("resume", message: "resumed after a divergence without rolling back", source: source)
            } else {
                record("resume", message: "resumed", source: source)
            }
            state = .running
        case .step:
            guard state != .running else { throw CommandRefusal("single steps are for a paused run") }
            pendingSteps += 1
            record("step", message: "one step", source: source)
        case .setLearningRate(let rate):
            var changed = trainer.optimizer.settings
            changed.learningRate = rate
            try trainer.optimizer.apply(changed)
            settings.training.optimizer = changed
            record("lr", old: "\(training.optimizer.learningRate)", new: "\(rate)", message: "learning rate \(rate)", source: source)
        case .setClipping(let threshold, let mode):
            let rule = GradientClipping(mode: mode ?? training.clipping.mode, threshold: threshold)
            try rule.validate()
            trainer.clipping = rule
            settings.training.clipping = rule
            record(
                "clip", old: describe(training.clipping), new: describe(rule),
                message: "clipping \(describe(rule))", source: source)
        case .switchOptimizer(let kind):
            var fresh = OptimizerSettings(kind: kind, learningRate: training.optimizer.learningRate)
            fresh.momentum = kind == .sgd || kind == .rmsprop ? training.optimizer.momentum : 0
            trainer.optimizer = try Optimizer(fresh, parameterCount: network.parameterCount)
            settings.training.optimizer = fresh
            record(
                "optimizer", old: training.optimizer.kind.rawValue, new: kind.rawValue,
                message: "optimizer \(kind.rawValue): state reset, learning rate \(fresh.learningRate) kept", source: source)
        case .setBatchSize(let size):
            guard size >= 1 else { throw ConfigError(setting: "batch", problem: "must be at least 1 (got \(size))") }
            settings.training.batchSize = size
            record("batch", old: "\(training.batchSize)", new: "\(size)", message: "batch size \(size)", source: source)
        case .setDropout(let rate):
            try network.setDropout(between: rate, output: rate)
            settings.training.dropout = rate
            settings.training.outputDropout = rate
            record("dropout", old: "\(training.outputDropout)", new: "\(rate)", message: "dropout \(rate)", source: source)
        case .setTruncation(let length):
            let old = task.shape.steps
            try task.setWindowLength(length)
            settings.task.sequenceLength = length
            record("truncation", old: "\(old)", new: "\(length)", message: "windows of \(length) steps", source: source)
        case .setEvaluationInterval(let interval):
            guard interval >= 1 else { throw ConfigError(setting: "eval-every", problem: "must be at least 1 (got \(interval))") }
            let old = evaluationInterval.map { "\($0)" } ?? "auto"
            evaluationInterval = interval
            settings.evaluationInterval = interval
            record("eval-every", old: old, new: "\(interval)", message: "validation every \(interval) steps", source: source)
        case .resetWeights(let seed):
            var generator = RandomGenerator(seed: seed ?? settings.seed)
            try replaceModel(network.config, generator: &generator)
            record(
                "reset", new: "\(seed ?? settings.seed)",
                message: "new weights from seed \(seed ?? settings.seed); optimizer state reset", source: source)
        case .changeModel(let cell, let hidden):
            var config = network.config
            if let cell { config.cell = cell }
            if let hidden { config.hiddenSize = hidden }
            try config.validate()
            let old = describe(network.config)
            var generator = trainer.generator
            try replaceModel(config, generator: &generator)
            trainer.generator = generator
            settings.training.cell = config.cell
            settings.training.hiddenSize = config.hiddenSize
            modelChanges.append(Snapshot.ModelChange(step: step, description: describe(config)))
            record("model", old: old, new: describe(config), message: "a new model: \(describe(config))", source: source)
        case .rollBack:
            guard !backup.isEmpty else { throw CommandRefusal("there is no earlier copy of the weights yet") }
            backup.restore(into: network, trainer.optimizer)
            if state == .diverged { state = .paused }
            record("rollback", message: "weights and optimizer state from before the last update", source: source)
        case .saveCheckpoint(let path):
            guard let target = path ?? settings.checkpointPath else {
                throw CommandRefusal("no checkpoint path: start with --checkpoint PATH")
            }
            try saveCheckpoint(to: target, source: source)
        case .quit:
            record("quit", message: "stopped at step \(step)", source: source)
            end(.quit)
        }
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
        if parameterGradientNorms.count != fresh.layout.specs.count {
            parameterGradientNorms = fresh.layout.specs.map { _ in MetricHistory() }
        }
        if state == .diverged { state = .paused }
    }

    func end(_ reason: SessionEnd.Reason) {
        quitRequested = true
        if endReason == nil { endReason = reason }
    }

    // MARK: Events

    private func record(
        _ name: String, old: String? = nil, new: String? = nil, message: String, source: CommandSource,
        applied: Bool = true
    ) {
        let event = Event(
            step: step, name: name, oldValue: old, newValue: new, message: message, source: source,
            time: (clock.now - started).seconds, applied: applied)
        events.append(event)
        let newModel = name == "model" && applied
        log?.event(event, model: newModel ? network.config : nil, parameterNames: newModel ? network.layout.specs.map(\.name) : nil)
    }

    var allEvents: [Event] { events }

    private func describe(_ rule: GradientClipping) -> String {
        rule.isOff ? "off" : "\(rule.mode.rawValue) \(rule.threshold)"
    }

    private func describe(_ config: ModelConfig) -> String {
        "\(config.cell.rawValue.uppercased())(\(config.hiddenSize))" + (config.layers > 1 ? " x\(config.layers)" : "")
    }

    // MARK: The run log

    /// The run record, first in the log (before a resumed run's events).
    private func beginLog(program: String, at step: Int) {
        log?.begin(
            RecordedRun.Header(
                program: program, settings: settings, model: network.config, parameterNames: network.layout.specs.map(\.name),
                parameterCount: network.parameterCount, taskSummary: task.summary, baseline: task.baseline, startStep: step,
                stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize), totalSteps: totalSteps))
    }

    /// The step record when due, and the gradient profile, parameter norms and probe
    /// on their sparser schedules.
    private func logStep(_ record: StepRecord, to log: RunLogWriter) {
        if log.stepDue(step, validated: record.validationLoss != nil) { log.step(record) }
        if log.detailDue(step) {
            log.gradientProfile(step: step, profile: hiddenProfile)
            let weights = network.withParameters { p in
                network.layout.specs.map { spec in
                    spec.range.reduce(0.0) { $0 + Double(p[$1]) * Double(p[$1]) }.squareRoot()
                }
            }
            log.parameterNorms(step: step, gradient: trainer.parameterGradientNorms, weight: weights)
        }
        if log.probeDue(step) || (state == .done && step == totalSteps) {
            log.probe(step: step, report: network.probe(task.probe))
        }
    }

    /// Ends the log with the run's final figures; called once, as the session ends.
    func closeLog() {
        log?.end(
            reason: (endReason ?? .quit).rawValue, step: step, epochs: epochs, loss: loss.last?.value,
            validationLoss: validationLoss.last?.value, elapsed: (clock.now - started).seconds)
    }

    // MARK: Snapshots

    /// Refreshes the probe when it is older than the probe interval.
    func refreshProbeIfDue(now: Double, last: inout Double) {
        guard probe == nil || now - last >= options.probeInterval else { return }
        probe = network.probe(task.probe)
        probeStep = step
        last = now
    }

    /// Generates a fresh text sample when the task is a text and the last one is old.
    func refreshSampleIfDue(now: Double) {
        guard let text = task as? TextTask, let interval = options.sampleInterval,
            now - lastSample >= interval, step > 0 || textSample == nil
        else { return }
        let prime = text.vocabulary.tokens(of: "The ").count == 4 ? "The " : ""
        let sample = prime + text.sample(from: network, prime: prime, count: 240, temperature: 0.8, generator: &sampleGenerator)
        textSample = sample
        lastSample = now
        log?.sample(step: step, text: sample)
    }

    func snapshot() -> Snapshot {
        let elapsed = (clock.now - started).seconds
        rate.record(time: elapsed, steps: step, sequences: sequences)
        return Snapshot(
            settings: settings, model: network.config, parameterNames: network.layout.specs.map(\.name),
            parameterCount: network.parameterCount, taskSummary: task.summary, baseline: task.baseline, state: state,
            step: step, epochs: epochs, totalSteps: totalSteps,
            stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize), elapsedSeconds: elapsed,
            sequencesPerSecond: rate.sequencesPerSecond, stepsPerSecond: rate.stepsPerSecond,
            events: Array(events.suffix(100)), eventCount: events.count, loss: loss, validationLoss: validationLoss,
            gradientNorm: gradientNorm, parameterGradientNorms: parameterGradientNorms,
            hiddenGradientProfile: hiddenProfile, probe: probe, probeStep: probeStep, modelChanges: modelChanges,
            canRollBack: !backup.isEmpty, textSample: textSample)
    }

    // MARK: Checkpoints

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
        record("checkpoint", new: path, message: "checkpoint written to \(path) at step \(step)", source: source)
    }

    /// Puts the saved run in place; called on a fresh loop, before any step.
    private func resume(from checkpoint: Checkpoint) throws {
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
        record("resume", new: "\(step)", message: "resumed from a checkpoint at step \(step)", source: .program)
        if step >= totalSteps {
            state = .done
            if options.stopWhenDone { end(.done) }
        }
    }

    /// FNV-1a of the task's data file, so a resumed run can tell the data changed.
    private static func fingerprint(of task: TaskOptions) -> UInt64? {
        guard let path = task.dataPath, let data = FileManager.default.contents(atPath: path) else { return nil }
        return Checkpoint.checksum([UInt8](data)[...])
    }
}

/// A command that does not apply to the run as it is.
struct CommandRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sequences and steps per second over the last few seconds.
struct ThroughputMeter {
    private var samples: [(time: Double, steps: Int, sequences: Int)] = []

    mutating func record(time: Double, steps: Int, sequences: Int) {
        samples.append((time, steps, sequences))
        while let first = samples.first, time - first.time > 2, samples.count > 2 { samples.removeFirst() }
    }

    var sequencesPerSecond: Double { perSecond(\.sequences) }
    var stepsPerSecond: Double { perSecond(\.steps) }

    private func perSecond(_ value: KeyPath<(time: Double, steps: Int, sequences: Int), Int>) -> Double {
        guard let first = samples.first, let last = samples.last, last.time > first.time else { return 0 }
        return Double(last[keyPath: value] - first[keyPath: value]) / (last.time - first.time)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
