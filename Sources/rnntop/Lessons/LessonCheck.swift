import Foundation
import RNNCore
import Training

/// A figure a chapter reproduces, as a named condition on a logged quantity: "run 2's
/// validation loss falls below 0.01 within 1,000 steps", with the published figure
/// it stands for. `LessonJudge` watches the runs and gives its verdict.
struct LessonCheck: Sendable, Equatable {
    /// The check's name in its file (`[checks.NAME]`).
    let name: String
    /// What it shows, in a sentence for the learner.
    let says: String
    let quantity: LessonQuantity
    /// The run it watches, from 0 (a comparison's runs in the order of the flags).
    let run: Int
    /// What the value is divided by before it is compared: nothing, the task's
    /// baseline loss, or another run's same quantity.
    let relativeTo: Reference
    let condition: Condition
    let timing: Timing
    /// The figure as published, with its source ("< 0.01 (Hochreiter & Schmidhuber 1997)").
    let published: String

    enum Reference: Sendable, Equatable {
        case none
        case baseline
        case run(Int)
    }

    /// What the value must be.
    enum Condition: Sendable, Equatable {
        case below(Double)
        case above(Double)
        case between(Double, Double)
        /// For a yes/no quantity (`diverged`): 1 is yes.
        case yes(Bool)

        func holds(_ value: Double) -> Bool {
            switch self {
            case .below(let bound): value < bound
            case .above(let bound): value > bound
            case .between(let low, let high): value >= low && value <= high
            case .yes(let wanted): (value >= 0.5) == wanted
            }
        }

        /// "< 0.01", "in 0.45…0.7", "yes".
        var text: String {
            switch self {
            case .below(let bound): "< \(LessonFigure.text(bound))"
            case .above(let bound): "> \(LessonFigure.text(bound))"
            case .between(let low, let high): "in \(LessonFigure.text(low))…\(LessonFigure.text(high))"
            case .yes(let wanted): wanted ? "yes" : "no"
            }
        }
    }

    /// When the condition is judged.
    enum Timing: Sendable, Equatable {
        /// At any step up to this one: the first step it holds reproduces the figure.
        case within(Int)
        /// At this step (or the first moment seen at or after it).
        case at(Int)

        var step: Int {
            switch self {
            case .within(let step), .at(let step): step
            }
        }

        /// "within 1,000 steps", "at step 20".
        var text: String {
            switch self {
            case .within(let step): "within \(Format.count(step)) steps"
            case .at(let step): "at step \(Format.count(step))"
            }
        }
    }
}

/// The quantities a check may name: the figures a run records as it trains.
enum LessonQuantity: String, CaseIterable, Sendable {
    /// The training loss: the mean of the last 20 steps' batches.
    case loss
    case validationLoss = "validation-loss"
    /// A classifier's accuracy: the mean of the last 20 steps' batches.
    case accuracy
    case validationAccuracy = "validation-accuracy"
    /// The global gradient norm of the step, before clipping.
    case gradientNorm = "gradient-norm"
    /// ‖∂L/∂h_t‖ of the first time step over that of the last (layer 1, the latest profile).
    case profileRatio = "profile-ratio"
    /// The factor ‖∂L/∂h_t‖ changes by per step back: profile-ratio^(1/(T−1)).
    case profileStepFactor = "profile-step-factor"
    /// The model's parameter count.
    case parameters
    /// 1 once the run has diverged (a non-finite loss or gradient), else 0.
    case diverged

    /// Whether every training step records it (it is judged step by step, exactly,
    /// however fast the steps come), rather than the run's picture.
    var isPerStep: Bool {
        switch self {
        case .parameters, .diverged: false
        default: true
        }
    }

    /// Its value in a run's picture, for the quantities that are not per step.
    func value(in snapshot: Snapshot) -> Double? {
        switch self {
        case .parameters: Double(snapshot.parameterCount)
        case .diverged: snapshot.state == .diverged ? 1 : 0
        default: nil
        }
    }

    /// The profile's two figures from its ends: first/last, and its step factor.
    static func profile(_ ends: (first: Double, last: Double, steps: Int)) -> (ratio: Double, factor: Double)? {
        guard ends.last > 0, ends.first.isFinite, ends.last.isFinite, ends.steps > 1 else { return nil }
        let ratio = ends.first / ends.last
        return (ratio, Foundation.pow(ratio, 1 / Double(ends.steps - 1)))
    }

    /// Steps the training loss and accuracy are averaged over: one batch's figure
    /// depends on which sequences it held.
    static let window = 20
}

/// How lessons write a figure: three significant digits, powers of ten for the
/// very small and large (3.6e-11).
enum LessonFigure {
    static func text(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return String(format: "%.2g", value) }
        if value == value.rounded() { return Format.count(Int(value)) }
        return String(format: "%.3g", value)
    }
}
