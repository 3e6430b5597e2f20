import Foundation
import Training

/// Turns step records into progress lines in the spirit of Keras:
/// `epoch 3/100  step 40/40  loss 0.0912  val 0.0950  1.2e4 seq/s  eta 0:12`, with
/// the step counted within the epoch, the loss the epoch's running mean, and the
/// latest validation (its step said when it was not this line's). A classifier's
/// lines carry its accuracy beside each loss (`loss 0.84  acc 0.712  val 0.82
/// acc 0.720`), the epoch's running mean and the latest validation's. A line
/// ends every epoch when there are at most 20 (else at most one a second), comes
/// every 10 seconds within a long epoch, and always ends the run. A run of a
/// comparison has its name in front (`lstm: epoch 3/100 ...`).
final class ProgressLines: Sendable {
    /// Seconds between lines within an epoch.
    static let interval = 10.0

    private struct State {
        var loss = 0.0
        var rows = 0
        /// Correct answers summed over the epoch's rows, and the rows that had an
        /// accuracy (a classifier's steps).
        var correct = 0.0
        var scoredRows = 0
        var lastLine = 0.0
        var totalSteps = 0
        var totalEpochs = 1
        var stepsPerEpoch = 1
        /// The latest validation: every line carries it, with its step when it is
        /// not the line's own.
        var validation: (step: Int, value: Double, accuracy: Double?)?
    }

    private let state = Locked(State())
    private let prefix: String
    private let emit: @Sendable (String) -> Void

    /// - Parameters:
    ///   - name: the run's name in a comparison; empty for a run alone.
    ///   - emit: where lines go (standard error).
    init(name: String = "", emit: @escaping @Sendable (String) -> Void = report) {
        prefix = name.isEmpty ? "" : "\(name): "
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

    /// The run's length, from its session's snapshot before it starts.
    func expect(_ snapshot: Snapshot) {
        let epochs: Int
        switch snapshot.settings.training.length {
        case .epochs(let n): epochs = n
        case .steps(let n): epochs = (n + snapshot.stepsPerEpoch - 1) / max(snapshot.stepsPerEpoch, 1)
        }
        expect(steps: snapshot.totalSteps, epochs: epochs, stepsPerEpoch: snapshot.stepsPerEpoch)
    }

    func observe(_ record: StepRecord) {
        let line = state.withLock { s -> String? in
            s.loss += record.loss * Double(record.batchSize)
            s.rows += record.batchSize
            if let accuracy = record.accuracy {
                s.correct += accuracy * Double(record.batchSize)
                s.scoredRows += record.batchSize
            }
            if let value = record.validationLoss { s.validation = (record.step, value, record.validationAccuracy) }
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
                s.correct = 0
                s.scoredRows = 0
            }
            return line
        }
        if let line { emit(prefix + line) }
    }

    private static func line(_ record: StepRecord, _ s: State) -> String {
        // Half a step: the epochs, summed a step's fraction at a time, drift from the
        // whole number at an epoch's end by more than 1e-9 after a million steps.
        let tolerance = 0.5 / Double(s.stepsPerEpoch)
        let epoch = min(max(Int((record.epochs - tolerance).rounded(.up)), 1), s.totalEpochs)
        let rate = Double(record.sequences) / max(record.elapsed, 1e-9)
        let remaining = record.elapsed / Double(record.step) * Double(max(s.totalSteps - record.step, 0))
        let validation =
            s.validation.map {
                "  val \(format($0.value))" + accuracy($0.accuracy)
                    + ($0.step == record.step ? "" : " (step \(Format.count($0.step)))")
            } ?? ""
        let trained = accuracy(s.scoredRows > 0 ? s.correct / Double(s.scoredRows) : nil)
        // The step within the epoch, from the epochs' fraction: right after a resume too.
        let inEpoch = Int(((record.epochs - (record.epochs - tolerance).rounded(.down)) * Double(s.stepsPerEpoch)).rounded())
        return "epoch \(epoch)/\(s.totalEpochs)  step \(inEpoch)/\(s.stepsPerEpoch)  "
            + "loss \(format(s.loss / Double(max(s.rows, 1))))\(trained)\(validation)  \(Format.scientific(rate)) seq/s  "
            + "eta \(Format.duration(remaining.rounded()))"
    }

    /// `  acc 0.712` for a classifier's fraction, nothing otherwise.
    private static func accuracy(_ fraction: Double?) -> String {
        fraction.map { "  acc " + Format.fraction($0) } ?? ""
    }
}
