import RNNCore
import RNNData

/// A consistent picture of a session at one moment: an immutable value the
/// dashboard and the headless runner read while training goes on.
public struct Snapshot: Sendable {
    public enum State: String, Sendable, Codable {
        case running, paused, diverged, done
    }

    /// A point where the model was replaced (a new cell or size): the histories go
    /// on, with this mark.
    public struct ModelChange: Sendable, Equatable, Codable {
        public let step: Int
        public let description: String
    }

    /// An event that changed what is trained (a new model, new weights, a learning
    /// rate, ...), for the charts' x axis.
    public struct Marker: Sendable, Equatable {
        public let step: Int
        public let kind: EventKind

        public init(step: Int, kind: EventKind) {
            self.step = step
            self.kind = kind
        }
    }

    public let settings: RunSettings
    public let model: ModelConfig
    /// Parameter tensors by name, in the order of `parameterGradientNorms`.
    public let parameterNames: [String]
    public let parameterCount: Int
    public let taskSummary: String
    /// The task in a few words: its name, and its file and columns.
    public let taskTitle: String
    public let baseline: Baseline
    public let state: State
    /// Training steps done.
    public let step: Int
    /// Epochs done, with the fraction of the current one.
    public let epochs: Double
    /// Steps the run will take in all (from its length in steps or epochs).
    public let totalSteps: Int
    /// Steps in an epoch at the current batch size.
    public let stepsPerEpoch: Int
    public let elapsedSeconds: Double
    /// Training's rate over the last seconds while it runs; the run's average once it
    /// is done; 0 while paused or diverged.
    public let sequencesPerSecond: Double
    public let stepsPerSecond: Double
    /// The most recent events, oldest first, and how many there have been.
    public let events: [Event]
    public let eventCount: Int
    public let loss: MetricHistory
    public let validationLoss: MetricHistory
    /// Global gradient norm before clipping.
    public let gradientNorm: MetricHistory
    /// Seconds since the start and epochs done, by step: what the charts' x axis
    /// needs to count in time or in epochs.
    public let elapsedByStep: MetricHistory
    public let epochsByStep: MetricHistory
    /// Per parameter tensor, layout order.
    public let parameterGradientNorms: [MetricHistory]
    /// ‖∂L/∂h_t‖ of the last step, `[layer][t]`.
    public let hiddenGradientProfile: [[Double]]
    /// The last few profiles of the model now training, summarised: the range the
    /// profile's axis spans and the median first/last ratio per layer.
    public let hiddenGradientWindow: ProfileWindow
    /// The probe sequence's states, gates and gradients, and the step it was taken at.
    public let probe: ProbeReport?
    public let probeStep: Int
    public let modelChanges: [ModelChange]
    /// Every applied event that changed what is trained, oldest first.
    public let markers: [Marker]
    /// Whether a copy of the weights before the last update exists to roll back to.
    public let canRollBack: Bool
    /// For a text task: characters the model generated lately (control characters
    /// escaped), refreshed every few seconds.
    public let textSample: String?
    /// Settings a recorded run's log did not give ("parameters", "seed", "optimizer",
    /// "lr", "batch", "clip", "dropout"): their values here are stand-ins, to be shown
    /// as unknown.
    public var unknownSettings: Set<String> = []
    /// The optimizer's name when a replayed run used one rnntop does not have.
    public var optimizerName: String? = nil
    /// The step `hiddenGradientProfile` is from: the current step in a run rnntop
    /// trains, the last profile up to the step shown in a log's.
    public var hiddenGradientProfileStep = 0
    /// When another program took the profile on part of a batch: on how many sequences.
    public var hiddenGradientProfileSequences: Int? = nil
    /// What the training process costs: measured of itself by a run rnntop trains
    /// (about once a second), as the log recorded it up to the step shown in a replay.
    public var resources: ResourceUse? = nil
    /// A classifier's accuracy (the fraction of scored positions whose largest output
    /// is the target) by training step and at each validation; empty for a
    /// regression, and for a log that did not record it.
    public var accuracy = MetricHistory()
    public var validationAccuracy = MetricHistory()

    /// The training loss a summary should give: the mean over the last epoch (or over
    /// the steps since the model was last replaced, when fewer), and how many steps
    /// that is. One batch's loss depends on which sequences it held.
    public var epochLoss: (value: Double, steps: Int)? {
        let sinceModel = step - (modelChanges.last?.step ?? 0)
        return loss.mean(ofLast: max(1, min(stepsPerEpoch, sinceModel)))
    }
}
