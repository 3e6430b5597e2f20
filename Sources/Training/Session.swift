import Foundation
import RNNCore
import RNNData

/// How a session behaves around its run.
public struct SessionOptions: Sendable {
    /// End the session when the run reaches its length (headless), instead of
    /// waiting for commands (dashboard).
    public var stopWhenDone = false
    /// End the session on a divergence instead of pausing.
    public var stopOnDivergence = false
    /// Start paused.
    public var startPaused = false
    /// Seconds between snapshots while training: 30 a second.
    public var publishInterval = 1.0 / 30
    /// Seconds between probes of the heatmap sequence.
    public var probeInterval = 0.3
    /// Seconds between text samples (text tasks; nil for none).
    public var sampleInterval: Double? = 3
    /// Called on the session's queue after every training step, with that step's
    /// figures: for logs and progress lines that must see every step. It must be
    /// quick; it runs between steps.
    public var stepObserver: (@Sendable (StepRecord) -> Void)?
    /// Called on the session's queue with every event as it is recorded: a headless
    /// run reports refused commands and failed writes on standard error at once. It
    /// must be quick.
    public var eventObserver: (@Sendable (Event) -> Void)?
    /// The run log to write, if any.
    public var log: RunLogOptions?
    /// Bytes the run may plan for: settings, commands and keys that would need more
    /// are refused (the run goes on). The machine's memory unless set.
    public var memoryLimit = MemoryLimit.machine
    /// Weights to start from instead of the seed's (`--init-from`), checked against the
    /// model when the session is made.
    public var initialWeights: SafetensorsFile?
    /// The cores this session shares with the other runs of a comparison, taken in
    /// turns (nil: a run alone, which has them all the time).
    public var turns: StepTurns?

    public init(stopWhenDone: Bool = false, stopOnDivergence: Bool = false, startPaused: Bool = false) {
        self.stopWhenDone = stopWhenDone
        self.stopOnDivergence = stopOnDivergence
        self.startPaused = startPaused
    }
}

/// One training step's figures, as a step observer sees them.
public struct StepRecord: Sendable {
    public let step: Int
    /// Epochs done after this step, with the fraction of the current one.
    public let epochs: Double
    /// Whether this step finished an epoch.
    public let endsEpoch: Bool
    public let loss: Double
    public let gradientNorm: Double
    public let clipped: Bool
    public let learningRate: Float
    public let batchSize: Int
    /// Validation loss, when this step was followed by a validation.
    public let validationLoss: Double?
    /// A classifier's accuracy on the step's batch, and on the validation set when
    /// this step was followed by one; nil for a regression.
    public var accuracy: Double? = nil
    public var validationAccuracy: Double? = nil
    /// ‖∂L/∂h_t‖ of the first layer at the first and the last time step of the
    /// step's sequences, and how many time steps apart: how much the gradient
    /// shrank (or grew) on its way back through time.
    public var profileEnds: (first: Double, last: Double, steps: Int)? = nil
    /// Seconds since the session started.
    public let elapsed: Double
    /// Sequences trained on so far.
    public let sequences: Int
}

/// How a session ended.
public struct SessionEnd: Sendable {
    public enum Reason: String, Sendable {
        /// The run reached its length.
        case done
        /// A NaN or infinite loss or gradient (with `stopOnDivergence`).
        case diverged
        /// A quit command (a key, a control line, a signal).
        case quit
    }

    public let reason: Reason
    public let snapshot: Snapshot
    /// A checkpoint that should have been written at the end and could not be.
    public let checkpointError: String?
    /// Writes to the run log or the CSV that failed during the run, a sentence each
    /// (already reported as `write-failed` events when they happened).
    public let writeFailures: [String]
    /// Weights that should have been written at the end (`--save-weights`) and could not be.
    public let weightsError: String?
}

/// A training run on its own serial queue, taking commands while it runs and handing
/// out snapshots of itself.
///
/// ```swift
/// let session = try Session(settings: settings)
/// session.start()
/// session.send(.setLearningRate(5e-4))
/// let picture = session.snapshot        // never waits for a training step
/// let end = session.wait()
/// ```
///
/// Commands are applied between steps in the order they arrive, each recorded as an
/// event with the step at which it took effect. Snapshots are published at most 30
/// times a second (once a step when steps are slower).
public final class Session: Sendable {
    private let queue = DispatchQueue(label: "rnntop.session", qos: .userInitiated)
    private let loop: LoopBox
    private let inbox = Locked<[(Command, CommandSource)]>([])
    private let latest: Locked<Snapshot>
    private let wakeUp = DispatchSemaphore(value: 0)
    private let lifecycle = Locked(Lifecycle())
    private let ended = DispatchSemaphore(value: 0)

    /// Notes about the task's data for the user.
    public let warnings: [String]

    private struct Lifecycle {
        var started = false
        var end: SessionEnd?
    }

    /// A new run; the task, model and optimizer are built and checked here, so bad
    /// settings and data fail before anything starts.
    public init(settings: RunSettings, options: SessionOptions = SessionOptions()) throws {
        let trainingLoop = try TrainingLoop(settings: settings, checkpoint: nil, options: options)
        loop = LoopBox(trainingLoop)
        latest = Locked(trainingLoop.snapshot())
        warnings = trainingLoop.task.warnings
    }

    /// The run a checkpoint saved, continuing exactly where it stopped, to its own
    /// length or to `length`, checkpointing where it did or at `checkpointPath`, and
    /// writing its weights where it did or to `weightsPath`. `changes` (settings given
    /// beside `--resume`) are applied before the first step, each an event from the
    /// command line; one that cannot be applied is thrown, naming its setting.
    public init(
        resuming checkpoint: Checkpoint, length: TrainingLength? = nil, checkpointPath: String? = nil, weightsPath: String? = nil,
        changes: [Command] = [],
        options: SessionOptions = SessionOptions()
    ) throws {
        var settings = checkpoint.settings
        if let length { settings.training.length = length }
        if let checkpointPath { settings.checkpointPath = checkpointPath }
        if let weightsPath { settings.weightsPath = weightsPath }
        let trainingLoop = try TrainingLoop(settings: settings, checkpoint: checkpoint, options: options)
        for change in changes { try trainingLoop.perform(change, source: .commandLine) }
        loop = LoopBox(trainingLoop)
        latest = Locked(trainingLoop.snapshot())
        warnings = trainingLoop.task.warnings
    }

    /// Starts training on the session's queue; does nothing the second time.
    public func start() {
        let first = lifecycle.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        queue.async { [self] in run() }
    }

    /// Queues a command for the next pause between steps.
    public func send(_ command: Command, from source: CommandSource = .key) {
        inbox.withLock { $0.append((command, source)) }
        wakeUp.signal()
    }

    /// The latest snapshot. Taking it holds a lock for the time of a copy of a few
    /// references; it never waits for a training step.
    public var snapshot: Snapshot {
        latest.withLock { $0 }
    }

    /// Blocks until the session has ended, and says how.
    public func wait() -> SessionEnd {
        ended.wait()
        ended.signal()  // for the next caller
        return lifecycle.withLock { $0.end! }
    }

    // MARK: The loop

    private func run() {
        let loop = self.loop.loop
        let clock = ContinuousClock()
        let origin = clock.now
        var lastPublish = -Double.infinity, lastProbe = -Double.infinity
        var turn = Turn(loop.options.turns)
        while true {
            applyPendingCommands(loop)
            if loop.quitRequested { break }
            let now = (clock.now - origin).seconds
            if loop.wantsStep {
                turn.begin()
                // What came while waiting for the cores (a quit, a pause) comes first.
                applyPendingCommands(loop)
                guard loop.wantsStep else { continue }
                loop.trainStep()
                if (clock.now - origin).seconds - lastPublish >= loop.options.publishInterval {
                    publish(loop, now: (clock.now - origin).seconds, lastPublish: &lastPublish, lastProbe: &lastProbe)
                }
                // A probe is work too: done in the turn, it never runs beside
                // another session's step, whose threads would wait for a core.
                turn.stepped()
            } else {
                turn.end()
                publish(loop, now: now, lastPublish: &lastPublish, lastProbe: &lastProbe)
                _ = wakeUp.wait(timeout: .now() + .milliseconds(250))
            }
            if loop.quitRequested { break }
        }
        turn.end()
        finish(loop, now: (clock.now - origin).seconds)
    }

    private func applyPendingCommands(_ loop: TrainingLoop) {
        let commands = inbox.withLock { pending -> [(Command, CommandSource)] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        for (command, source) in commands { loop.apply(command, from: source) }
    }

    private func publish(_ loop: TrainingLoop, now: Double, lastPublish: inout Double, lastProbe: inout Double) {
        loop.refreshProbeIfDue(now: now, last: &lastProbe)
        loop.refreshSampleIfDue(now: now)
        loop.measureResourcesIfDue()
        let picture = loop.snapshot()
        latest.withLock { $0 = picture }
        lastPublish = now
    }

    /// Writes the checkpoint and the weights (when their paths are set), publishes the
    /// last snapshot and tells whoever waits.
    private func finish(_ loop: TrainingLoop, now: Double) {
        var checkpointError: String?, weightsError: String?
        if let path = loop.settings.checkpointPath {
            do {
                try loop.saveCheckpoint(to: path, source: .program)
            } catch {
                checkpointError = "\(error)"
            }
        }
        if let path = loop.settings.weightsPath {
            do {
                try loop.saveWeights(to: path, source: .program)
            } catch {
                weightsError = "\(error)"
            }
        }
        var lastPublish = 0.0, lastProbe = now
        publish(loop, now: now, lastPublish: &lastPublish, lastProbe: &lastProbe)
        // After the last snapshot, whose sample goes into the log; a failure to close
        // it is in `writeFailures`.
        loop.closeLog()
        let end = SessionEnd(
            reason: loop.endReason ?? .quit, snapshot: snapshot, checkpointError: checkpointError,
            writeFailures: loop.writeFailures, weightsError: weightsError)
        lifecycle.withLock { $0.end = end }
        ended.signal()
    }
}

/// The training loop, reachable from the session's queue only.
private final class LoopBox: @unchecked Sendable {
    // SAFETY: `loop` is created in Session.init before the queue exists for it, and
    // afterwards used only inside `run()` and `finish()`, which execute on the
    // session's serial queue (a single `queue.async` started once by `start()`); no
    // other code touches it.
    let loop: TrainingLoop
    init(_ loop: TrainingLoop) { self.loop = loop }
}
