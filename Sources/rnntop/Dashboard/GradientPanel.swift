import Foundation
import TerminalUI
import Training

/// The gradient panel: ‖∂L/∂h_t‖ over the time steps of a layer as bars on a log
/// scale, with the ratio of the first step's to the last's and a word for it; under
/// it the global gradient norm over training, with the clip threshold.
struct GradientPanel {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let profiles = snapshot.hiddenGradientProfile
        let layer = min(view.layer, max(profiles.count - 1, 0))
        let layerText = profiles.count > 1 ? " layer \(layer + 1)/\(profiles.count)" : ""
        var verdict = ""
        if let profile = profiles.indices.contains(layer) ? profiles[layer] : nil, let first = profile.first, let last = profile.last {
            verdict = "  \(Self.ratio(first: first, last: last)) \(Health(first: first, last: last).word)"
        }
        let inside = theme.panel("∂L/∂h_t by step\(layerText)\(verdict)", focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 4, profiles.indices.contains(layer) else {
            buffer.text(inside.x, inside.y, "waiting for the first step", theme.style(theme.muted), limit: inside.width)
            return
        }
        let (top, bottom) = inside.splitTop(inside.height * 11 / 20)
        let profile = profiles[layer]
        let health = Health(first: profile.first ?? .nan, last: profile.last ?? .nan)
        var bars = BarProfile(values: profile, style: theme.style(health.color(theme)))
        bars.labelStyle = theme.style(theme.muted)
        let (barArea, caption) = top.splitTop(top.height - 1)
        bars.render(into: &buffer, area: barArea, context: context)
        buffer.text(
            caption.x, caption.y, "t=1..\(profile.count): \(health.explanation)", theme.style(theme.muted),
            limit: caption.width)

        var chart = LineChart()
        chart.logScale = true
        chart.axisStyle = theme.style(theme.border)
        chart.labelStyle = theme.style(theme.muted)
        let norms = LossPanel.points(snapshot.gradientNorm)
        chart.series = [.init(name: "‖g‖", points: norms, style: theme.style(theme.smoothed))]
        // A replay's axis spans the whole run, as the loss chart's does.
        chart.xRange = LossPanel.stepRange(upTo: view.replay.map { Double($0.lastStep) } ?? norms.last?.x ?? 0)
        let clipping = snapshot.settings.training.clipping
        if !clipping.isOff && clipping.mode == .norm {
            chart.references = [.init(label: "clip", value: Double(clipping.threshold), style: theme.style(theme.clip))]
        }
        buffer.text(bottom.x, bottom.y, "gradient norm (before clipping)", theme.style(theme.muted), limit: bottom.width)
        chart.render(into: &buffer, area: Rect(x: bottom.x, y: bottom.y + 1, width: bottom.width, height: bottom.height - 1), context: context)
    }

    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ as text; a first step whose gradient underflowed to
    /// zero is below the smallest float, not "0".
    static func ratio(first: Double, last: Double) -> String {
        guard last > 0, first.isFinite, last.isFinite else { return "t1/tT -" }
        return first == 0 ? "t1/tT <1e-38" : "t1/tT \(Format.value(first / last))"
    }
}

/// How the gradient fares going back through time, from ‖∂L/∂h‖ at the first and
/// the last step: vanishing when the first is a thousandth of the last or less,
/// exploding when a thousand times more, healthy between.
enum Health {
    case vanishing, exploding, healthy, blownUp, none

    init(first: Double, last: Double) {
        guard first.isFinite, last.isFinite else {
            self = .blownUp
            return
        }
        guard last > 0 else {
            self = .none
            return
        }
        let ratio = first / last
        self = ratio < 1e-3 ? .vanishing : ratio > 1e3 ? .exploding : .healthy
    }

    var word: String {
        switch self {
        case .vanishing: "vanishing"
        case .exploding: "exploding"
        case .healthy: "healthy"
        case .blownUp: "blown up"
        case .none: "no gradient"
        }
    }

    var explanation: String {
        switch self {
        case .vanishing: "the gradient dies on its way back"
        case .exploding: "the gradient grows on its way back"
        case .healthy: "the gradient reaches the first step"
        case .blownUp: "NaN or infinity"
        case .none: "no gradient reaches the last step"
        }
    }

    func color(_ theme: Theme) -> RGB {
        switch self {
        case .vanishing, .none: theme.paused
        case .exploding, .blownUp: theme.diverged
        case .healthy: theme.running
        }
    }
}
