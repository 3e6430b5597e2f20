import Foundation
import RNNCore
import RNNData
import Training

/// Trains without a terminal: the sessions on their queues (one, or the runs of a
/// comparison sharing the cores), a progress line per epoch on standard error in
/// the spirit of Keras (`epoch 3/100  step 12/400  loss 0.0912 val 0.0950 ...`), a
/// summary at the end (a table for a comparison); a refused command or a failed
/// write on standard error as it happens. SIGINT, SIGTERM and SIGHUP end the runs
/// cleanly: their checkpoints (if configured) are written, and the exit status is
/// 130, 143 or 129.
struct HeadlessRunner {
    let runs: [LiveRun]

    /// Runs to the end and returns the exit status: 0 done, 1 a run diverged or a
    /// write failed (the log, the CSV, the checkpoint, the weights), 128 + the
    /// signal when interrupted.
    func run() -> Int32 {
        for warning in runs[0].session.warnings { printError(warning) }
        report(describe(runs.map { ($0.name, $0.session.snapshot) }))
        let signals = SignalWatch(sessions: runs.map(\.session))
        for run in runs { run.session.start() }
        let ends = runs.map { $0.session.wait() }
        signals.stop()
        for (run, end) in zip(runs, ends) {
            let prefix = run.name.isEmpty ? "" : "\(run.name): "
            if let error = end.checkpointError { printError(prefix + error) }
            if let error = end.weightsError { printError(prefix + error) }
        }
        if runs.count > 1 {
            for line in Self.table(zip(runs, ends).map { ($0.name, $1) }) { report(line) }
            if let signal = signals.received { return 128 + signal }
            return ends.allSatisfy(Self.succeeded) ? 0 : 1
        }
        let end = ends[0], last = end.snapshot
        let validationAccuracy = last.validationAccuracy.last.map { Format.accuracyNote($0.value) } ?? ""
        let validation = last.validationLoss.last.map { "validation \(format($0.value))\(validationAccuracy), " } ?? ""
        let chance = last.baseline.accuracy.map(Format.accuracyNote) ?? ""
        let trained = last.epochLoss.map { "loss \(format($0.value)) (mean of the last \($0.steps) steps), " } ?? ""
        if let signal = signals.received {
            report("interrupted at step \(last.step); \(trained)\(validation)baseline \(format(last.baseline.loss))\(chance)")
            return 128 + signal
        }
        switch end.reason {
        case .diverged:
            report(last.events.last { $0.kind == .diverged }?.message ?? "diverged at step \(last.step)")
            return 1
        case .done, .quit:
            report(
                "done: \(last.step) steps in \(String(format: "%.2f", last.elapsedSeconds)) s; "
                    + "\(trained)\(validation)baseline \(format(last.baseline.loss))\(chance)")
            return Self.succeeded(end) ? 0 : 1
        }
    }

    /// Whether a run ended without diverging and wrote everything it had to.
    private static func succeeded(_ end: SessionEnd) -> Bool {
        end.reason != .diverged && end.writeFailures.isEmpty && end.checkpointError == nil && end.weightsError == nil
    }

    /// A comparison's summary: a row per run (its steps, last epoch's mean loss, last
    /// and best validation, a classifier's last validation accuracy, average rate, how
    /// it ended), then the baseline.
    static func table(_ ends: [(name: String, end: SessionEnd)]) -> [String] {
        let classifies = ends.contains { $0.end.snapshot.baseline.accuracy != nil }
        let header = ["run", "steps", "loss", "validation", "best val"] + (classifies ? ["val acc"] : []) + ["seq/s", "ended"]
        var rows = [header]
        for (name, end) in ends {
            let last = end.snapshot
            let history = last.validationLoss
            let best = (history.buckets.map(\.minimum) + history.recent.map(\.value)).filter(\.isFinite).min()
            let accuracy = classifies ? [last.validationAccuracy.last.map { Format.fraction($0.value) } ?? "-"] : []
            rows.append(
                [
                    name, Format.count(last.step), last.epochLoss.map { format($0.value) } ?? "-",
                    last.validationLoss.last.map { format($0.value) } ?? "-", best.map(format) ?? "-",
                ] + accuracy + [Format.rate(perSecond: last.sequencesPerSecond), end.reason.rawValue])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).enumerated().map { column, cell in
                column == 0 ? cell.0.padding(toLength: cell.1, withPad: " ", startingAt: 0) : String(repeating: " ", count: cell.1 - cell.0.count) + cell.0
            }.joined(separator: "  ")
        }
        if let first = ends.first?.end.snapshot {
            let chance = first.baseline.accuracy.map { ", accuracy \(Format.fraction($0))" } ?? ""
            lines.append("loss: the mean of each run's last epoch; baseline \(format(first.baseline.loss)) (\(first.baseline.predictor)\(chance))")
        }
        return lines
    }

    /// A refused command (from standard input, a control file or the command line)
    /// or a failed write, on standard error at once, with the run's name in a
    /// comparison: headless, nothing else shows it.
    static func problemReporter(run name: String) -> @Sendable (Event) -> Void {
        let prefix = name.isEmpty ? "" : "\(name): "
        return { event in
            guard !event.applied else { return }
            printError("\(prefix)step \(event.step): \(event.message)")
        }
    }

    /// The task, then each run's model and optimizer (named in a comparison), and
    /// the baseline.
    private func describe(_ runs: [(name: String, snapshot: Snapshot)]) -> String {
        let first = runs[0].snapshot
        let baseline = "baseline \(format(first.baseline.loss)) (\(first.baseline.predictor))"
        guard runs.count > 1 else {
            let resumed = first.step > 0 ? "; resumed at step \(first.step)" : ""
            return "\(first.taskSummary)\n\(Self.model(first)); \(baseline)\(resumed)"
        }
        let models = runs.map { name, snapshot in "\(name): \(Self.model(snapshot))" }
        return "\(first.taskSummary)\n\(models.joined(separator: "\n"))\n\(baseline); the \(runs.count) runs take turns on the cores"
    }

    private static func model(_ snapshot: Snapshot) -> String {
        let config = snapshot.model, training = snapshot.settings.training
        let layers = config.layers == 1 ? "" : " x\(config.layers)"
        var model = config.cellSummary + layers
        if config.outputDropout > 0 { model += " -> Dropout(\(config.outputDropout))" }
        model += " -> Dense(\(config.outputSize), \(config.head == .everyStep ? "every step" : "last step"))"
        return "\(model), \(snapshot.parameterCount) parameters; "
            + "\(training.optimizer.kind.rawValue) lr \(training.optimizer.learningRate.settingText), batch \(training.batchSize)"
    }
}

/// A loss or a metric as progress lines and summaries give it (see `Format.value`).
func format(_ value: Double) -> String { Format.value(value) }

/// Writes a progress or summary line to standard error, control characters escaped
/// (a run's name or a data file's can hold them).
func report(_ line: String) {
    FileHandle.standardError.write(Data((Escaping.escape(line, keepingLineBreaks: true) + "\n").utf8))
}
