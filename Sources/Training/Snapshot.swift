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

    public let settings: RunSettings
    public let model: ModelConfig
    /// Parameter tensors by name, in the order of `parameterGradientNorms`.
    public let parameterNames: [String]
    public let parameterCount: Int
    public let taskSummary: String
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
    public let sequencesPerSecond: Double
    public let stepsPerSecond: Double
    /// The most recent events, oldest first, and how many there have been.
    public let events: [Event]
    public let eventCount: Int
    public let loss: MetricHistory
    public let validationLoss: MetricHistory
    /// Global gradient norm before clipping.
    public let gradientNorm: MetricHistory
    /// Per parameter tensor, layout order.
    public let parameterGradientNorms: [MetricHistory]
    /// ‖∂L/∂h_t‖ of the last step, `[layer][t]`.
    public let hiddenGradientProfile: [[Double]]
    /// The probe sequence's states, gates and gradients, and the step it was taken at.
    public let probe: ProbeReport?
    public let probeStep: Int
    public let modelChanges: [ModelChange]
    /// Whether a copy of the weights before the last update exists to roll back to.
    public let canRollBack: Bool
    /// For a text task: characters the model generated lately (control characters
    /// escaped), refreshed every few seconds.
    public let textSample: String?
    /// The task's name when a replayed run trained on one rnntop does not have.
    public var taskName: String? = nil
    /// The optimizer's name when a replayed run used one rnntop does not have.
    public var optimizerName: String? = nil
}
