import Foundation
import RNNCore
import RNNData
import Training

/// Trains without a terminal: a session on its queue, a progress line per epoch on
/// standard error in the spirit of Keras (`epoch 3/100  step 12/400  loss 0.0912
/// val 0.0950 ...`), a summary at the end. SIGINT and SIGTERM end the run cleanly:
/// the checkpoint (if one is configured) is written, and the exit status is 130 or 143.
struct HeadlessRunner {
    let session: Session

    /// Runs to the end and returns the exit status: 0 done, 1 diverged, 128 + the
    /// signal when interrupted.
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
        let trained = last.loss.last.map { "loss \(format($0.value)), " } ?? ""
        if let error = end.checkpointError { printError(error) }
        if let signal = signals.received {
            report("interrupted at step \(last.step); \(trained)\(validation)baseline \(format(last.baseline.loss))")
            return 128 + signal
        }
        switch end.reason {
        case .diverged:
            report(last.events.last { $0.name == "diverged" }?.message ?? "diverged at step \(last.step)")
            return 1
        case .done, .quit:
            report(
                "done: \(last.step) steps in \(String(format: "%.2f", last.elapsedSeconds)) s; "
                    + "\(trained)\(validation)baseline \(format(last.baseline.loss))")
            return 0
        }
    }

    private func describe(_ snapshot: Snapshot) -> String {
        let config = snapshot.model, training = snapshot.settings.training
        let layers = config.layers == 1 ? "" : " x\(config.layers)"
        var model = "\(config.cell.rawValue.uppercased())(\(config.hiddenSize), \(config.activation.rawValue))\(layers)"
        if config.outputDropout > 0 { model += " -> Dropout(\(config.outputDropout))" }
        model += " -> Dense(\(config.outputSize), \(config.head == .everyStep ? "every step" : "last step"))"
        let resumed = snapshot.step > 0 ? "; resumed at step \(snapshot.step)" : ""
        return "\(snapshot.taskSummary)\n\(model), \(snapshot.parameterCount) parameters; "
            + "\(training.optimizer.kind.rawValue) lr \(training.optimizer.learningRate), batch \(training.batchSize); "
            + "baseline \(format(snapshot.baseline.loss)) (\(snapshot.baseline.predictor))\(resumed)"
    }
}

/// Turns step records into a line per epoch: every epoch when there are at most 20,
/// otherwise at most one line a second, and always the last.
final class ProgressLines: Sendable {
    private struct State {
        var loss = 0.0
        var rows = 0
        var lastLine = -Double.infinity
        var totalSteps = 0
        var totalEpochs = 1
    }

    private let state = Locked(State())

    /// The run's length, once the session knows it (before it starts).
    func expect(steps: Int, epochs: Int) {
        state.withLock {
            $0.totalSteps = steps
            $0.totalEpochs = max(epochs, 1)
        }
    }

    func observe(_ record: StepRecord) {
        let line = state.withLock { s -> String? in
            let (totalSteps, totalEpochs) = (s.totalSteps, s.totalEpochs)
            s.loss += record.loss * Double(record.batchSize)
            s.rows += record.batchSize
            guard record.endsEpoch || record.step == totalSteps else { return nil }
            let epochLoss = s.loss / Double(max(s.rows, 1))
            s.loss = 0
            s.rows = 0
            guard totalEpochs <= 20 || record.step == totalSteps || record.elapsed - s.lastLine >= 1 else { return nil }
            s.lastLine = record.elapsed
            let epoch = min(Int((record.epochs - 1e-9).rounded(.up)), totalEpochs)
            let rate = Double(record.sequences) / max(record.elapsed, 1e-9)
            let remaining = record.elapsed / Double(record.step) * Double(max(totalSteps - record.step, 0))
            let validation = record.validationLoss.map { "  val \(format($0))" } ?? ""
            return "epoch \(max(epoch, 1))/\(totalEpochs)  step \(record.step)/\(totalSteps)  loss \(format(epochLoss))"
                + "\(validation)  \(String(format: "%.1e", rate)) seq/s  eta \(Format.duration(remaining.rounded()))"
        }
        if let line { report(line) }
    }
}

/// SIGINT and SIGTERM, noted (see `received`) and turned into a quit command for
/// the session, if there is one.
final class SignalWatch {
    private var sources: [DispatchSourceSignal] = []
    private let caught = CaughtSignal()

    init(session: Session?) {
        for number in [SIGINT, SIGTERM] {
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

func format(_ value: Double) -> String { String(format: "%.4f", value) }

func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
