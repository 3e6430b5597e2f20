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
        header.comparison = options.log?.comparison
        log?.begin(header)
    }

    /// The step record when due, and the gradient profile, parameter norms and probe
    /// on their sparser schedules. The step where the run ends or diverges gets all of
    /// them, so that a log never ends on old figures.
    func logStep(_ record: StepRecord, to log: RunLogWriter) {
        let last = (state == .done && step == totalSteps) || state == .diverged
        log.step(record, due: last || log.stepDue(step, validated: record.validationLoss != nil), resources: resources)
        if last || log.detailDue(step) { logDetail(to: log) }
        if last || log.probeDue(step) {
            log.probe(step: step, report: network.probe(task.probe))
        }
    }

    /// The gradient profile and the parameter norms of the last step.
    private func logDetail(to log: RunLogWriter) {
        log.gradientProfile(step: step, profile: hiddenProfile)
        let weights = network.withParameters { p in
            network.layout.specs.map { spec in
                spec.range.reduce(0.0) { $0 + Double(p[$1]) * Double(p[$1]) }.squareRoot()
            }
        }
        log.parameterNorms(step: step, gradient: trainer.parameterGradientNorms, weight: weights)
    }

    /// Ends the log with the run's final figures; called once, as the session ends.
    /// The loss is the last epoch's mean (see `Snapshot.epochLoss`), not one batch's.
    /// A run stopped between two gradient profiles gets its last step's first.
    /// A write that fails here joins `writeFailures`, like one during the run.
    func closeLog() {
        if let log, stepsTaken > 0, log.lastDetailStep != step { logDetail(to: log) }
        let epochLoss = snapshot().epochLoss
        log?.end(
            reason: (endReason ?? .quit).rawValue, step: step, epochs: epochs, loss: epochLoss,
            validationLoss: validationLoss.last?.value, elapsed: (clock.now - started).seconds)
        noteWriteFailures()
    }
}
