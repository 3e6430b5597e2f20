import Foundation
import TerminalUI
import Training

/// The loss chart: training loss raw (faint) and smoothed (bold), validation loss,
/// and the task's baseline as a reference line; linear or log scale.
struct LossPanel {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let last = snapshot.loss.last.map { Format.value($0.value) } ?? "-"
        let validation = snapshot.validationLoss.last.map { "  val \(Format.value($0.value))" } ?? ""
        let scale = view.logLoss ? "  log" : ""
        let windowSteps = ViewState.lossWindows[view.lossWindow]
        let window = windowSteps > 0 ? "  last \(Format.count(windowSteps))" : ""
        let title = "loss \(last)\(validation)  baseline \(Format.value(snapshot.baseline.loss))\(scale)\(window)"
        let inside = theme.panel(title, focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 3 else { return }

        let raw = Self.points(snapshot.loss)
        var chart = LineChart()
        chart.logScale = view.logLoss
        chart.ignoresOutliers = true
        chart.axisStyle = theme.style(theme.border)
        chart.labelStyle = theme.style(theme.muted)
        if let lastStep = raw.last?.x {
            // A replay's axis spans the whole run, so the line grows into it as the cursor moves.
            let end = view.replay.map { Double($0.lastStep) } ?? lastStep
            chart.xRange = windowSteps > 0 ? max(0, lastStep - Double(windowSteps))...max(lastStep, 1) : Self.stepRange(upTo: end)
        }
        if view.smoothing {
            chart.series.append(.init(name: "train", points: raw, style: theme.style(theme.train, .dim)))
            chart.series.append(.init(name: "smoothed", points: Self.smoothed(raw), style: theme.style(theme.smoothed, .bold)))
        } else {
            chart.series.append(.init(name: "train", points: raw, style: theme.style(theme.smoothed)))
        }
        chart.series.append(.init(name: "val", points: Self.points(snapshot.validationLoss), style: theme.style(theme.validation, .bold)))
        chart.references.append(.init(label: "baseline", value: snapshot.baseline.loss, style: theme.style(theme.baseline)))
        chart.render(into: &buffer, area: inside, context: context)
        legend(&buffer, inside)
    }

    private func legend(_ buffer: inout Buffer, _ area: Rect) {
        let items: [(String, RGB)] =
            (view.smoothing ? [("smoothed", theme.smoothed), ("raw", theme.train)] : [("train", theme.smoothed)])
            + [("val", theme.validation), ("baseline", theme.baseline)]
        let text = items.map(\.0).joined(separator: " ") + "  "
        var x = area.maxX - text.count
        guard x > area.x + 10 else { return }
        for (label, color) in items {
            x += buffer.text(x, area.y, label, theme.style(color, .bold))
            x += buffer.text(x, area.y, " ", theme.style(theme.foreground))
        }
    }

    /// The x range of a chart of the whole run: from 0 to a round number of steps
    /// past the last (6,186 → 6,500), so the axis holds still while the line grows
    /// into it, instead of every point moving a little each frame.
    static func stepRange(upTo last: Double) -> ClosedRange<Double> {
        guard last >= 10 else { return 0...10 }
        let unit = pow(10, floor(log10(last))) / 2
        return 0...((last / unit).rounded(.down) + 1) * unit
    }

    /// A history as chart points: merged buckets by their means, then the exact points.
    static func points(_ history: MetricHistory) -> [(x: Double, y: Double)] {
        history.buckets.map { (Double($0.firstStep + $0.lastStep) / 2, $0.count > 0 ? $0.mean : .nan) }
            + history.recent.map { (Double($0.step), $0.value) }
    }

    /// An exponential moving average with TensorBoard's debiasing, skipping NaN, so
    /// the first values are not pulled towards zero.
    static func smoothed(_ points: [(x: Double, y: Double)], weight: Double = 0.95) -> [(x: Double, y: Double)] {
        var average = 0.0, debias = 0.0
        return points.map { point in
            guard point.y.isFinite else { return point }
            average = weight * average + (1 - weight) * point.y
            debias = weight * debias + (1 - weight)
            return (point.x, average / debias)
        }
    }
}
