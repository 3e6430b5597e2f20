import Foundation
import RNNCore
import RNNData
import Training

/// Trains without a terminal: a session on its queue, a progress line per epoch on
/// standard error in the spirit of Keras (`epoch 3/100  step 12/400  loss 0.0912
/// val 0.0950 ...`), a summary at the end; a refused command or a failed write on
/// standard error as it happens. SIGINT, SIGTERM and SIGHUP end the run cleanly: the
/// checkpoint (if one is configured) is written, and the exit status is 130, 143 or 129.
struct HeadlessRunner {
    let session: Session

    /// Runs to the end and returns the exit status: 0 done, 1 diverged or a write
    /// failed (the log, the CSV, the checkpoint, the weights), 128 + the signal when
    /// interrupted.
    func run() -> Int32 {
        for warning in session.warnings { printError(warning) }
        let start = session.snapshot
        report(describe(start))
        let signals = SignalWatch(session: session)
        session.start()
        let end = session.wait()
        signals.stop()
        let last = end.snapshot
        let validation = last.validationLoss.last.map { "validation \(format($0.value)), " } ?? ""
        let trained = last.epochLoss.map { "loss \(format($0.value)) (mean of the last \($0.steps) steps), " } ?? ""
        if let error = end.checkpointError { printError(error) }
        if let error = end.weightsError { printError(error) }
        if let signal = signals.received {
            report("interrupted at step \(last.step); \(trained)\(validation)baseline \(format(last.baseline.loss))")
            return 128 + signal
        }
        switch end.reason {
        case .diverged:
            report(last.events.last { $0.kind == .diverged }?.message ?? "diverged at step \(last.step)")
            return 1
        case .done, .quit:
            report(
                "done: \(last.step) steps in \(String(format: "%.2f", last.elapsedSeconds)) s; "
                    + "\(trained)\(validation)baseline \(format(last.baseline.loss))")
            return end.writeFailures.isEmpty && end.checkpointError == nil && end.weightsError == nil ? 0 : 1
        }
    }

    /// A refused command (from standard input, a control file or the command line)
    /// or a failed write, on standard error at once: headless, nothing else shows it.
    @Sendable static func reportProblem(_ event: Event) {
        guard !event.applied else { return }
        printError(Escaping.escape("step \(event.step): \(event.message)"))
    }

    private func describe(_ snapshot: Snapshot) -> String {
        let config = snapshot.model, training = snapshot.settings.training
        let layers = config.layers == 1 ? "" : " x\(config.layers)"
        var model = "\(config.cell.rawValue.uppercased())(\(config.hiddenSize), \(config.activation.rawValue))\(layers)"
        if config.outputDropout > 0 { model += " -> Dropout(\(config.outputDropout))" }
        model += " -> Dense(\(config.outputSize), \(config.head == .everyStep ? "every step" : "last step"))"
        let resumed = snapshot.step > 0 ? "; resumed at step \(snapshot.step)" : ""
        return "\(snapshot.taskSummary)\n\(model), \(snapshot.parameterCount) parameters; "
            + "\(training.optimizer.kind.rawValue) lr \(training.optimizer.learningRate.settingText), batch \(training.batchSize); "
            + "baseline \(format(snapshot.baseline.loss)) (\(snapshot.baseline.predictor))\(resumed)"
    }
}

/// Turns step records into progress lines in the spirit of Keras:
/// `epoch 3/100  step 40/40  loss 0.0912  val 0.0950  1.2e4 seq/s  eta 0:12`, with
/// the step counted within the epoch and the loss the epoch's running mean. A line
/// ends every epoch when there are at most 20 (else at most one a second), comes
/// every 10 seconds within a long epoch, and always ends the run.
final class ProgressLines: Sendable {
    /// Seconds between lines within an epoch.
    static let interval = 10.0

    private struct State {
        var loss = 0.0
        var rows = 0
        var lastLine = 0.0
        var totalSteps = 0
        var totalEpochs = 1
        var stepsPerEpoch = 1
    }

    private let state = Locked(State())
    private let emit: @Sendable (String) -> Void

    /// - Parameter emit: where lines go (standard error).
    init(emit: @escaping @Sendable (String) -> Void = report) {
        self.emit = emit
    }

    /// The run's length, once the session knows it (before it starts).
    func expect(steps: Int, epochs: Int, stepsPerEpoch: Int) {
        state.withLock {
            $0.totalSteps = steps
            $0.totalEpochs = max(epochs, 1)
            $0.stepsPerEpoch = max(stepsPerEpoch, 1)
        }
    }

    func observe(_ record: StepRecord) {
        let line = state.withLock { s -> String? in
            s.loss += record.loss * Double(record.batchSize)
            s.rows += record.batchSize
            let last = record.step == s.totalSteps
            let due =
                record.endsEpoch
                ? s.totalEpochs <= 20 || last || record.elapsed - s.lastLine >= 1
                : last || record.elapsed - s.lastLine >= Self.interval
            let line = due ? Self.line(record, s) : nil
            if due { s.lastLine = record.elapsed }
            if record.endsEpoch {
                s.loss = 0
                s.rows = 0
            }
            return line
        }
        if let line { emit(line) }
    }

    private static func line(_ record: StepRecord, _ s: State) -> String {
        let epoch = min(max(Int((record.epochs - 1e-9).rounded(.up)), 1), s.totalEpochs)
        let rate = Double(record.sequences) / max(record.elapsed, 1e-9)
        let remaining = record.elapsed / Double(record.step) * Double(max(s.totalSteps - record.step, 0))
        let validation = record.validationLoss.map { "  val \(format($0))" } ?? ""
        // The step within the epoch, from the epochs' fraction: right after a resume too.
        let inEpoch = Int(((record.epochs - (record.epochs - 1e-9).rounded(.down)) * Double(s.stepsPerEpoch)).rounded())
        return "epoch \(epoch)/\(s.totalEpochs)  step \(inEpoch)/\(s.stepsPerEpoch)  "
            + "loss \(format(s.loss / Double(max(s.rows, 1))))\(validation)  \(Format.scientific(rate)) seq/s  "
            + "eta \(Format.duration(remaining.rounded()))"
    }
}

/// SIGINT, SIGTERM and SIGHUP (a closed ssh session, a killed terminal), noted (see
/// `received`) and turned into a quit command for the session, if there is one: the
/// run ends as it would on `q`, its checkpoint and log written.
final class SignalWatch {
    private var sources: [DispatchSourceSignal] = []
    private let caught = CaughtSignal()

    init(session: Session?) {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)  // the dispatch source handles it instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [caught] in
                caught.note(number)
                session?.send(.quit, from: .program)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? { caught.first }

    func stop() {
        for source in sources { source.cancel() }
    }
}

/// The first signal that arrived.
private final class CaughtSignal: Sendable {
    private let value = Locked<Int32?>(nil)

    func note(_ signal: Int32) {
        value.withLock { if $0 == nil { $0 = signal } }
    }

    var first: Int32? { value.withLock { $0 } }
}

/// A loss or a metric as progress lines and summaries give it (see `Format.value`).
func format(_ value: Double) -> String { Format.value(value) }

func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
