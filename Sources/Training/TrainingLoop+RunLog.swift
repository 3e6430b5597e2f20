import RNNCore

/// The run log: the run record, step records and their sparser companions, the end.
extension TrainingLoop {
    /// The run record, first in the log (before a resumed run's events).
    func beginLog(program: String, at step: Int) {
        var header = RecordedRun.Header(
            program: program, settings: settings, model: network.config, parameterNames: network.layout.specs.map(\.name),
            parameterCount: network.parameterCount, taskSummary: task.summary, baseline: task.baseline, startStep: step,
            stepsPerEpoch: task.stepsPerEpoch(batchSize: settings.training.batchSize), totalSteps: totalSteps)
        header.name = options.log?.name
        log?.begin(header)
    }

    /// The step record when due, and the gradient profile, parameter norms and probe
    /// on their sparser schedules.
    func logStep(_ record: StepRecord, to log: RunLogWriter) {
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
    /// The loss is the last epoch's mean (see `Snapshot.epochLoss`), not one batch's.
    /// A write that fails here joins `writeFailures`, like one during the run.
    func closeLog() {
        let epochLoss = snapshot().epochLoss
        log?.end(
            reason: (endReason ?? .quit).rawValue, step: step, epochs: epochs, loss: epochLoss,
            validationLoss: validationLoss.last?.value, elapsed: (clock.now - started).seconds)
        noteWriteFailures()
    }
}
