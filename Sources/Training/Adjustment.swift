import RNNCore

/// A change relative to what the run holds when the change is applied: what a key
/// asks for (`+` doubles the learning rate). The training loop works out the new
/// value from its own, so that five quick presses make five changes, however many
/// of them arrive between two snapshots, and a key sent to every run of a
/// comparison changes each run's own value.
public enum Adjustment: Sendable, Equatable {
    /// Pauses a running run, resumes a paused or diverged one, and trains a finished
    /// one as long again.
    case pauseOrResume
    /// The learning rate times this.
    case learningRate(times: Float)
    /// The clipping threshold one rung up or down `clippingLadder` (up from off is 1;
    /// down from the lowest is off).
    case clipping(up: Bool)
    /// The batch doubled or halved.
    case batchSize(doubled: Bool)
    /// Dropout plus this (to the nearest tenth, within 0 to 0.9).
    case dropout(by: Float)
    /// The next optimizer in `OptimizerKind`'s order, with fresh state.
    case nextOptimizer
    /// The next cell in `CellKind`'s order: a new model on the same task.
    case nextCell

    /// The thresholds the clipping keys step through: round values, so a few presses
    /// go a long way.
    public static let clippingLadder: [Float] = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 1000]

    /// The kind of event the change records.
    var eventKind: EventKind {
        switch self {
        case .pauseOrResume: .pause
        case .learningRate: .learningRate
        case .clipping: .clipping
        case .batchSize: .batchSize
        case .dropout: .dropout
        case .nextOptimizer: .optimizer
        case .nextCell: .model
        }
    }
}

extension TrainingLoop {
    /// The command that makes `change` to the run as it is now, or why it cannot.
    func command(for change: Adjustment) throws -> Command {
        let training = settings.training
        switch change {
        case .pauseOrResume:
            if state == .running { return .pause }
            return state == .done && step >= totalSteps ? .extend(steps: nil) : .resume
        case .learningRate(let factor):
            return .setLearningRate(training.optimizer.learningRate * factor)
        case .clipping(let up):
            let current = training.clipping.isOff ? 0 : training.clipping.threshold
            if up {
                guard current > 0 else { return .setClipping(threshold: 1, mode: nil) }
                guard let next = Adjustment.clippingLadder.first(where: { $0 > current * 1.0001 }) else {
                    throw CommandRefusal("clipping is at its largest")
                }
                return .setClipping(threshold: next, mode: nil)
            }
            guard current > 0 else { throw CommandRefusal("clipping is off") }
            return .setClipping(threshold: Adjustment.clippingLadder.last { $0 < current * 0.9999 } ?? 0, mode: nil)
        case .batchSize(let doubled):
            guard doubled || training.batchSize > 1 else { throw CommandRefusal("the batch is 1") }
            return .setBatchSize(doubled ? training.batchSize * 2 : training.batchSize / 2)
        case .dropout(let delta):
            let tenths = (network.config.outputDropout * 10).rounded() / 10
            return .setDropout(min(0.9, max(0, tenths + delta)))
        case .nextOptimizer:
            return .switchOptimizer(training.optimizer.kind.cycled())
        case .nextCell:
            return .changeModel(cell: network.config.cell.cycled(), hiddenSize: nil)
        }
    }
}
