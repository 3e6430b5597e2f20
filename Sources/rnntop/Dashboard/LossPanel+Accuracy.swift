import Foundation
import TerminalUI
import Training

/// A classifier's accuracy under its loss: the fraction of scored positions whose
/// largest output is the target, drawn as the loss is (the raw spread as a band, the
/// smoothed line, validation points) with the chance level dashed, on the loss
/// chart's time axis. A panel too short for a second chart gives it one line of
/// figures instead. Accuracy says what the loss does not: a copy model at 0.9 nats
/// may still get every symbol wrong, or most of them right.
extension LossPanel {
    /// Rows the loss chart keeps above an accuracy chart; fewer than this and the
    /// accuracy is a line of figures.
    static let rowsForTwoCharts = 14

    /// Whether any shown run has an accuracy to show (a classifier's).
    var showsAccuracy: Bool {
        snapshot.accuracy.count > 0 || runs.contains { $0.snapshot.accuracy.count > 0 }
    }

    /// Splits `plotArea` between the loss and the accuracy, draws the accuracy in
    /// its part, and returns the loss chart's part.
    func drawAccuracy(into buffer: inout Buffer, plotArea: Rect, context: RenderContext) -> Rect {
        guard showsAccuracy, plotArea.height >= 6 else { return plotArea }
        let accuracyRows = plotArea.height >= Self.rowsForTwoCharts ? plotArea.height * 2 / 5 : 1
        let (loss, accuracy) = plotArea.splitTop(plotArea.height - accuracyRows)
        let shown = runs.count > 1 ? runs : [ShownRun(name: "", snapshot: snapshot)]
        let focus = min(view.focusedRun, shown.count - 1)
        let raw = shown.map { ChartData.samples($0.snapshot.accuracy, breaks: ChartData.breaks($0.snapshot)) }
        let smoothed = raw.map { ChartData.smoothed($0, weight: view.smoothing) }
        let heading = accuracyHeading(shown[focus], name: shown.count > 1 ? shown[focus].name : nil, smoothed: smoothed[focus], width: accuracy.width)
        buffer.text(accuracy.x, accuracy.y, heading, theme.style(theme.muted), limit: accuracy.width)
        guard accuracy.height >= 4 else { return loss }
        var chart = TimeChart.make(snapshot: snapshot, runs: runs, view: view, theme: theme)
        chart.series = accuracySeries(shown, raw: raw, smoothed: smoothed, focus: focus, context: context)
        if let chance = snapshot.baseline.accuracy, chance.isFinite {
            chart.references = [.init(label: "chance", value: chance, style: theme.style(theme.baseline))]
        }
        chart.render(into: &buffer, area: Rect(x: accuracy.x, y: accuracy.y + 1, width: accuracy.width, height: accuracy.height - 1), context: context)
        return loss
    }

    /// "accuracy 0.913 (ema 0.6)  ◆ val 0.925 @600  ┄ chance 0.125", or the value at
    /// the cursor's step; shorter forms where the panel is narrow.
    private func accuracyHeading(_ run: ShownRun, name: String?, smoothed: [ChartSample], width: Int) -> String {
        var value = " -"
        if let cursor = view.cursor, let at = smoothed.last(where: { !$0.isGap && $0.x0 <= Double(cursor) && $0.mean.isFinite }) {
            value = " at step \(Format.count(cursor)): \(Format.short(at.mean))"
        } else if let last = smoothed.last(where: { $0.mean.isFinite }) {
            value = " \(Format.short(last.mean))"
        }
        let of = name.map { " of \($0)" } ?? ""
        let smoothing = view.smoothing > 0 ? "ema" : "mean"
        let validation = run.snapshot.validationAccuracy.last.map { "  ◆ val \(Format.short($0.value))" } ?? ""
        let chance = run.snapshot.baseline.accuracy.map { "  ┄ chance \(Format.short($0))" } ?? ""
        return DataAge.fitting(
            [
                "accuracy\(of)\(value) (\(smoothing))\(validation)\(chance)",
                "acc\(of)\(value)\(validation)\(chance)",
                "acc\(value)\(chance)",
            ], width: width)
    }

    /// The focused run's spread as a band; every run's validation points and smoothed
    /// line, the focused run's last (on top); one run in the loss chart's styles.
    private func accuracySeries(
        _ shown: [ShownRun], raw: [[ChartSample]], smoothed: [[ChartSample]], focus: Int, context: RenderContext
    ) -> [LineChart.Series] {
        let palette = RunPalette(theme: theme, context: context)
        let alone = shown.count == 1
        var series: [LineChart.Series] = [
            .init(
                name: "accuracy spread", kind: .band, samples: raw[focus], style: alone ? theme.style(theme.train, .dim) : palette.style(focus, .dim),
                glyph: ":", dash: alone ? ChartData.bandDash(theme, context) : nil)
        ]
        for index in shown.indices.filter({ $0 != focus }) + [focus] {
            let validation = ChartData.validationSamples(shown[index].snapshot.validationAccuracy, breaks: ChartData.breaks(shown[index].snapshot))
            series.append(
                .init(
                    name: "val accuracy", kind: .points, samples: validation,
                    style: alone ? theme.style(theme.validation) : palette.style(index), glyph: context.unicode ? "◆" : "o",
                    dash: alone ? (ChartData.colorless(theme, context) ? LineChart.Dash(on: 1, off: 2) : nil) : palette.dash(index)))
            series.append(
                .init(
                    name: "accuracy", kind: .line, samples: smoothed[index],
                    style: alone ? theme.style(theme.smoothed, .bold) : palette.style(index, .bold),
                    glyph: alone ? "*" : palette.glyph(index), dash: alone ? nil : palette.dash(index)))
        }
        return series
    }
}
