import RNNCore

/// A change to a running session, applied between training steps in the order the
/// session received it.
public enum Command: Sendable, Equatable {
    case pause
    case resume
    /// One training step, while paused.
    case step
    case setLearningRate(Float)
    /// Clipping threshold (0 turns it off) and, when given, the mode.
    case setClipping(threshold: Float, mode: ClipMode?)
    /// Another optimizer, with fresh state; the learning rate carries over.
    case switchOptimizer(OptimizerKind)
    case setBatchSize(Int)
    /// Dropout between layers and before the head.
    case setDropout(Float)
    /// The window length of backpropagation through time (text streams).
    case setTruncation(Int)
    /// Validation every this many steps.
    case setEvaluationInterval(Int)
    /// New weights and optimizer state: from the run's seed, or from `seed`.
    case resetWeights(seed: UInt64?)
    /// A new model on the same task (fresh weights and optimizer state); the
    /// histories continue, with the change marked.
    case changeModel(cell: CellKind?, hiddenSize: Int?)
    /// Back to the weights and optimizer state before the step that diverged.
    case rollBack
    /// Writes a checkpoint, to `path` or to the run's checkpoint path.
    case saveCheckpoint(path: String?)
    /// Writes the weights with PyTorch's names (safetensors), to `path` or to the run's
    /// weights path.
    case saveWeights(path: String?)
    /// A finished run goes on for as long again as it was set to run (its steps or
    /// epochs), or for `steps` more.
    case extend(steps: Int?)
    /// Ends the run.
    case quit
    /// A change relative to the run's value when it is applied (a key's).
    case adjust(Adjustment)

    /// The kind of event the command records.
    public var eventKind: EventKind {
        switch self {
        case .pause: .pause
        case .resume: .resume
        case .step: .step
        case .setLearningRate: .learningRate
        case .setClipping: .clipping
        case .switchOptimizer: .optimizer
        case .setBatchSize: .batchSize
        case .setDropout: .dropout
        case .setTruncation: .truncation
        case .setEvaluationInterval: .evaluationInterval
        case .resetWeights: .reset
        case .changeModel: .model
        case .rollBack: .rollback
        case .saveCheckpoint: .checkpoint
        case .saveWeights: .weights
        case .extend: .extend
        case .quit: .quit
        case .adjust(let change): change.eventKind
        }
    }

    /// The command's name in events and logs.
    public var name: String { eventKind.rawValue }
}

/// Where a command came from, for the record.
public enum CommandSource: String, Sendable, Codable {
    /// A key on the dashboard.
    case key
    /// A line on standard input or in a control file (headless runs).
    case control
    /// The program itself (a signal, the end of a run).
    case program
    /// A setting given on the command line beside `--resume`, applied to the
    /// resumed run before its first step.
    case commandLine = "command-line"
}

/// The events rnntop records, by the name they carry in events and logs: one for
/// each command, and what the run itself does (diverging, finishing).
public enum EventKind: String, Sendable, CaseIterable {
    case pause, resume, step
    case learningRate = "lr"
    case clipping = "clip"
    case optimizer
    case batchSize = "batch"
    case dropout, truncation
    case evaluationInterval = "eval-every"
    case reset, model, rollback, checkpoint, weights, quit
    /// A finished run given more steps.
    case extend
    /// A NaN or infinite loss or gradient.
    case diverged
    /// The run reached its length.
    case done
    /// A write to the run log, the CSV or a checkpoint failed (a full disk): what
    /// followed is not in that file.
    case writeFailed = "write-failed"

    /// Whether the event changes what is trained, so that a jump in the curves after
    /// it may be its doing: these are marked on the charts.
    public var changesTraining: Bool {
        switch self {
        case .learningRate, .clipping, .optimizer, .batchSize, .dropout, .truncation, .reset, .model, .rollback: true
        case .resume, .pause, .step, .evaluationInterval, .checkpoint, .weights, .quit, .extend, .diverged, .done, .writeFailed: false
        }
    }
}

/// What happened at a step: a command applied (or refused), a divergence, a
/// checkpoint. Events are kept in the session, the snapshots and the checkpoints.
public struct Event: Sendable, Equatable, Codable {
    /// The step at which it took effect: the next training step is `step + 1`.
    public let step: Int
    /// The command or occurrence: "lr", "pause", "diverged", "checkpoint", ...; a
    /// string, because a log written by another program may name events of its own.
    public let name: String
    public let oldValue: String?
    public let newValue: String?
    /// A sentence for people.
    public let message: String
    public let source: CommandSource
    /// Seconds since the session started.
    public let time: Double
    /// False when the command was refused; `message` says why.
    public let applied: Bool

    /// The event's kind, when it is one rnntop records.
    public var kind: EventKind? { EventKind(rawValue: name) }

    /// Whether the event changed what is trained, so that the charts mark it: an
    /// applied change of model, weights or settings, or a resume from a checkpoint
    /// (not a resume after a pause).
    public var changesTraining: Bool {
        guard applied, let kind else { return false }
        return kind.changesTraining || (kind == .resume && source == .program && newValue != nil)
    }

    public init(
        step: Int, name: String, oldValue: String? = nil, newValue: String? = nil, message: String,
        source: CommandSource, time: Double, applied: Bool = true
    ) {
        self.step = step
        self.name = name
        self.oldValue = oldValue
        self.newValue = newValue
        self.message = message
        self.source = source
        self.time = time
        self.applied = applied
    }
}
