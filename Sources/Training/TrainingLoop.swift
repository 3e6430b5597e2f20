import Foundation
import RNNCore
import RNNData

/// A session's training state and the one place it changes: commands applied
/// between steps, the steps themselves, validation, probes, snapshots and
/// checkpoints. Used only on the session's queue.
///
/// One file per concern: the steps here, then `TrainingLoop+Commands` (commands and
/// the events they record), `+RunLog`, `+Snapshots` and `+Checkpoints`. The state is
/// internal so that those extensions reach it; nothing outside the loop and its
/// session touches it.
final class TrainingLoop {
    var settings: RunSettings
    let task: any TrainingTask
    var network: RecurrentNetwork
    var trainer: Trainer
    var backup: WeightsBackup
    let options: SessionOptions
    /// The run's length as it was set: what `extend` adds again.
    let budget: TrainingLength

    var state: Snapshot.State {
        didSet { timeIdle(from: oldValue) }
    }
    var step = 0
    var epochCount = EpochCount()
    var epochs: Double { epochCount.epochs }
    /// Validation every this many steps; nil for the time budget (see `validationDue`).
    var evaluationInterval: Int?
    var lastValidation = (step: 0, at: 0.0, took: 0.0)
    /// Without an interval, validation every this many epochs: one, doubled each
    /// time a validation costs more than a fifth of the training time before it.
    var validationEpochs = 1
    /// Single steps asked for while paused.
    var pendingSteps = 0
    var quitRequested = false
    var endReason: SessionEnd.Reason?
    let dataFingerprint: UInt64?

    var loss = MetricHistory()
    var validationLoss = MetricHistory()
    /// A classifier's accuracy by step and at each validation (none for a regression).
    var accuracy = MetricHistory()
    var validationAccuracy = MetricHistory()
    var gradientNorm = MetricHistory()
    var elapsedByStep = MetricHistory()
    var epochsByStep = MetricHistory()
    var parameterGradientNorms: [MetricHistory]
    var hiddenProfile: [[Double]] = []
    /// The step `hiddenProfile` is from (the last step taken).
    var hiddenProfileStep = 0
    /// The last few steps' profiles of the model now training.
    var hiddenGradientWindow = ProfileWindow()
    var probe: ProbeReport?
    var probeStep = 0
    var processMeter = ProcessMeter()
    /// What the process cost at the last measurement.
    var resources: ResourceUse?
    var textSample: String?
    var lastSample = -Double.infinity
    /// Draws the text samples, apart from the training's generator, so that sampling
    /// never changes the run: seeded from the run's seed plus `sampleSeedOffset`.
    var sampleGenerator: RandomGenerator
    /// Any fixed offset works; it only keeps the sample stream apart from the
    /// training stream of the same seed.
    static let sampleSeedOffset: UInt64 = 0x5A3F
    /// Draws the batches (which sequences, in which order): the stream that made the
    /// task goes on here, apart from the model's, so that runs of one seed that differ
    /// in their model (a comparison: `--cell rnn,lstm`) see the same data in the same order.
    var dataGenerator: RandomGenerator
    /// Seeds the weights (the run's seed plus this) and then the dropout masks: the
    /// model's stream, apart from the data's.
    static let modelSeedOffset: UInt64 = 0x3C6E
    var events: [Event] = []
    /// Writes to the log or the CSV that failed, a sentence each.
    var writeFailures: [String] = []
    var modelChanges: [Snapshot.ModelChange] = []
    var markers: [Snapshot.Marker] = []

    let clock = ContinuousClock()
    var started: ContinuousClock.Instant
    var rate = ThroughputMeter()
    var sequences = 0
    /// Steps taken by this session (a resumed run's count starts again).
    var stepsTaken = 0
    /// Seconds the run spent not running (paused, diverged, done), and since when it
    /// has been idle now: a finished run's rate is over its training time only.
    var idleSeconds = 0.0
    var idleSince: Double?
    let log: RunLogWriter?

    /// A fresh run of `settings`, or the run a checkpoint saved.
    /// Settings, task, model and memory are checked before anything large is made.
    init(settings: RunSettings, checkpoint: Checkpoint?, options: SessionOptions) throws {
        try settings.validate()
        var generator = RandomGenerator(seed: settings.seed)
        let optimizerSettings = checkpoint?.header.optimizer ?? settings.training.optimizer
        let model: ModelConfig
        (task, model) = try Self.checkedTask(
            settings, model: checkpoint?.model, optimizer: optimizerSettings.kind, limit: options.memoryLimit,
            generator: &generator)
        dataGenerator = generator
        var modelGenerator = RandomGenerator(seed: settings.seed &+ Self.modelSeedOffset)
        network = try RecurrentNetwork(config: model, generator: &modelGenerator)
        if checkpoint == nil, let weights = options.initialWeights {
            let values = try PyTorchWeights.parameters(from: weights, path: settings.initialWeightsPath ?? "weights", for: model)
            network.withParameters { _ = $0.update(fromContentsOf: values) }
        }
        let optimizer = try Optimizer(optimizerSettings, parameterCount: network.parameterCount)
        trainer = Trainer(network: network, optimizer: optimizer, clipping: settings.training.clipping, generator: modelGenerator)
        backup = WeightsBackup(parameterCount: network.parameterCount)
        trainer.backup = backup
        self.settings = settings
        self.options = options
        budget = settings.training.length
        parameterGradientNorms = network.layout.specs.map { _ in MetricHistory() }
        dataFingerprint = Self.fingerprint(of: settings.task)
        sampleGenerator = RandomGenerator(seed: settings.seed &+ Self.sampleSeedOffset)
        evaluationInterval = settings.evaluationInterval
        started = clock.now
        state = options.startPaused ? .paused : .running
        if state != .running { idleSince = 0 }
        if let path = settings.checkpointPath { try AtomicFile.checkWritable(path, flag: "checkpoint") }
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
            return step + epochCount.stepsUntil(epochs: n, stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize))
        }
    }

    /// One training step, its histories, and what follows from it: a divergence, a
    /// validation, the end of the run.
    func trainStep() {
        if pendingSteps > 0 { pendingSteps -= 1 }
        let size = settings.training.batchSize
        let initial = task.nextBatch(size: size, generator: &dataGenerator)
        let batch = task.batch
        let summary = trainer.step(batch, initialState: initial)
        step += 1
        let endsEpoch = epochCount.advance(stepsPerEpoch: task.stepsPerEpoch(batchSize: size))
        sequences += batch.size
        stepsTaken += 1
        defer {
            let record = report(summary, batchSize: batch.size, endsEpoch: endsEpoch)
            if let log {
                logStep(record, to: log)
                noteWriteFailures()
            }
        }
        loss.append(step: step, value: summary.loss)
        if let fraction = summary.accuracy { accuracy.append(step: step, value: fraction) }
        gradientNorm.append(step: step, value: summary.gradientNorm)
        elapsedByStep.append(step: step, value: (clock.now - started).seconds)
        epochsByStep.append(step: step, value: epochs)
        for (i, norm) in trainer.parameterGradientNorms.enumerated() {
            parameterGradientNorms[i].append(step: step, value: norm)
        }
        recordHiddenProfile(steps: batch.steps)
        guard summary.finite else {
            diverge(summary)
            return
        }
        let validated = validationDue(endsEpoch: endsEpoch)
        if validated { validate() }
        if step >= totalSteps && state == .running {
            if !validated { validate() }
            state = .done
            record(.done, message: "finished after \(step) steps", source: .program)
            if options.stopWhenDone { end(.done) }
        }
    }

    /// The step's figures, told to the step observer if there is one.
    private func report(_ summary: StepSummary, batchSize: Int, endsEpoch: Bool) -> StepRecord {
        let validated = validationLoss.last.flatMap { $0.step == step ? $0.value : nil }
        var record = StepRecord(
            step: step, epochs: epochs, endsEpoch: endsEpoch, loss: summary.loss, gradientNorm: summary.gradientNorm,
            clipped: summary.clipped, learningRate: trainer.optimizer.settings.learningRate, batchSize: batchSize,
            validationLoss: validated, elapsed: (clock.now - started).seconds, sequences: sequences)
        record.accuracy = summary.accuracy
        record.validationAccuracy = validated == nil ? nil : validationAccuracy.last.flatMap { $0.step == step ? $0.value : nil }
        if let profile = hiddenProfile.first, let first = profile.first, let last = profile.last {
            record.profileEnds = (first, last, profile.count)
        }
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
        hiddenGradientWindow.add(hiddenProfile, step: step)
        hiddenProfileStep = step
    }

    /// Keeps count of the time the run does not train, and starts the rate afresh
    /// when it trains again (a rate across a pause would say nothing).
    private func timeIdle(from old: Snapshot.State) {
        guard old != state else { return }
        let now = (clock.now - started).seconds
        if old == .running {
            idleSince = now
        } else if state == .running, let since = idleSince {
            idleSeconds += now - since
            idleSince = nil
            rate = ThroughputMeter()
        }
    }

    /// Validation comes every `evaluationInterval` steps when one is set, otherwise
    /// at the end of every `validationEpochs`th epoch: a regular schedule, so that
    /// the points on the chart are measured ones, evenly spread.
    private func validationDue(endsEpoch: Bool) -> Bool {
        if let interval = evaluationInterval { return step % interval == 0 }
        return endsEpoch && epochCount.finished % validationEpochs == 0
    }

    private func validate() {
        let begun = (clock.now - started).seconds
        let score = task.validationScore(of: network)
        validationLoss.append(step: step, value: score.loss)
        if let fraction = score.accuracy { validationAccuracy.append(step: step, value: fraction) }
        log?.evaluation(step: step, loss: score.loss, accuracy: score.accuracy)
        let now = (clock.now - started).seconds
        let training = begun - lastValidation.at
        lastValidation = (step, now, now - begun)
        // A validation set can cost hundreds of small training steps: it must not
        // take over the run. The schedule stretches, and says so.
        if evaluationInterval == nil && 5 * lastValidation.took > training && state == .running && step < totalSteps {
            validationEpochs *= 2
            record(
                .evaluationInterval, old: "every \(validationEpochs / 2) epochs", new: "every \(validationEpochs) epochs",
                message: "validation every \(validationEpochs) epochs: one took \(String(format: "%.2g", lastValidation.took)) s, "
                    + "more than a fifth of the training time", source: .program)
        }
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
        record(.diverged, message: "diverged at step \(step): \(what)", source: .program)
        if options.stopOnDivergence { end(.diverged) }
    }


    func end(_ reason: SessionEnd.Reason) {
        quitRequested = true
        if endReason == nil { endReason = reason }
    }
}
