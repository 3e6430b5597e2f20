import Foundation
import TerminalUI
import Training

/// The loss chart of a comparison: every run's smoothed loss in its colour (the
/// focused run's drawn last, on top, and its raw spread as a faint band under all),
/// each run's validation points, the baseline. A legend gives each run's colour,
/// name and latest smoothed loss; where the panel has room, a table under it gives
/// each run's loss, validation, best validation, a classifier's validation
/// accuracy, steps and rate.
extension LossPanel {
    /// A run's training loss as chart samples, and the same smoothed.
    struct Curve {
        let raw: [ChartSample]
        let smoothed: [ChartSample]

        init(_ snapshot: Snapshot, smoothing: Double) {
            raw = ChartData.samples(snapshot.loss, breaks: ChartData.breaks(snapshot))
            smoothed = ChartData.smoothed(raw, weight: smoothing)
        }

        var latest: Double? { smoothed.last { $0.mean.isFinite }?.mean }

        /// The smoothed value at or before `step`.
        func value(at step: Int) -> Double? {
            smoothed.last { !$0.isGap && $0.x0 <= Double(step) && $0.mean.isFinite }?.mean
        }
    }

    func renderComparison(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let palette = RunPalette(theme: theme, context: context)
        let focus = min(view.focusedRun, runs.count - 1)
        let curves = runs.map { Curve($0.snapshot, smoothing: view.smoothing) }
        guard let (legend, inBorder, rest) = frame(into: &buffer, area: area, context: context) else { return }
        drawLegend(runLegendItems(width: legend.width, curves: curves, focus: focus, inBorder: inBorder, context: context), into: &buffer, area: legend, inBorder: inBorder)
        var plotArea = rest
        if !inBorder && rest.height - (runs.count + 1) >= 8 {
            let (table, below) = rest.splitTop(runs.count + 1)
            drawRunTable(into: &buffer, area: table, palette: palette, curves: curves, focus: focus, unicode: context.unicode)
            plotArea = below
        }
        if let cursor = view.cursor {
            let (row, rest) = plotArea.splitTop(1)
            let values = zip(runs, curves).map { run, curve in "\(run.name) \(curve.value(at: cursor).map(Format.value) ?? "-")" }
            buffer.text(row.x, row.y, "step \(Format.count(cursor)): " + values.joined(separator: "  "), theme.style(theme.highlight), limit: row.width)
            plotArea = rest
        }
        plotArea = drawAccuracy(into: &buffer, plotArea: plotArea, context: context)
        var chart = lossChart()
        var series: [LineChart.Series] = [
            .init(name: "raw", kind: .band, samples: curves[focus].raw, style: palette.style(focus, .dim), glyph: ":")
        ]
        // The others first, the focused run last: on top.
        let order = runs.indices.filter { $0 != focus } + [focus]
        for index in order {
            series.append(
                .init(
                    name: "val \(runs[index].name)", kind: .points, samples: ChartData.validationSamples(runs[index].snapshot),
                    style: palette.style(index), glyph: context.unicode ? "◆" : palette.glyph(index), dash: palette.dash(index)))
        }
        for index in order {
            series.append(
                .init(
                    name: runs[index].name, kind: .line, samples: curves[index].smoothed, style: palette.style(index, .bold),
                    glyph: palette.glyph(index), dash: palette.dash(index)))
        }
        chart.series = series
        chart.render(into: &buffer, area: plotArea, context: context)
    }

    /// Each run's line sample, name and latest smoothed loss (the focused run's name
    /// bold, after a ▶), then the baseline; where not all runs fit in `width` with
    /// their values, their names alone.
    private func runLegendItems(width: Int, curves: [Curve], focus: Int, inBorder: Bool, context: RenderContext) -> [LegendItem] {
        let palette = RunPalette(theme: theme, context: context)
        let number = inBorder ? Format.short : Format.value
        func items(values: Bool) -> [LegendItem] {
            runs.indices.map { index in
                let mark = index == focus ? (context.unicode ? "▶" : ">") : ""
                let value = values ? " " + (curves[index].latest.map(number) ?? "-") : ""
                return LegendItem(
                    sample: palette.sample(index), sampleStyle: palette.style(index, .bold), text: mark + runs[index].name + value,
                    bold: index == focus)
            }
        }
        var shown = items(values: true)
        let gap = inBorder ? 2 : 3, pad = inBorder ? 2 : 0
        if shown.reduce(pad, { $0 + $1.width(gap: gap) }) > width { shown = items(values: false) }
        return shown + LossPanel.baselineItem(snapshot, theme: theme, short: inBorder, unicode: context.unicode)
    }

    /// A row per run: its smoothed loss, last and best validation, a classifier's
    /// last validation accuracy (which runs solve the task, beside chance in the
    /// accuracy chart), steps and rate; the focused run's row marked.
    private func drawRunTable(into buffer: inout Buffer, area: Rect, palette: RunPalette, curves: [Curve], focus: Int, unicode: Bool) {
        // The loss is the smoothed line's, and says so.
        let classifies = snapshot.baseline.accuracy != nil
        let header = ["run", view.smoothing > 0 ? "ema loss" : "mean loss", "val", "best val"] + (classifies ? ["val acc"] : []) + ["steps", "seq/s"]
        var rows = [header]
        for (index, run) in runs.enumerated() {
            let s = run.snapshot, history = s.validationLoss
            let best = (history.buckets.map(\.minimum) + history.recent.map(\.value)).filter(\.isFinite).min()
            let rate = s.state == .running ? Format.rate(perSecond: s.sequencesPerSecond) : s.state.rawValue
            let accuracy = classifies ? [s.validationAccuracy.last.map { Format.fraction($0.value) } ?? "-"] : []
            rows.append(
                [
                    run.name, curves[index].latest.map(Format.value) ?? "-", ChartData.latestValidation(s).map { Format.value($0.value) } ?? "-",
                    best.map(Format.value) ?? "-",
                ] + accuracy + [Format.count(s.step), rate])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (line, row) in rows.enumerated() {
            var x = area.x + 2
            let run = line - 1
            if run == focus { buffer.text(area.x, area.y + line, unicode ? "▶" : ">", palette.style(run, .bold)) }
            for (column, cell) in row.enumerated() {
                let text = column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[column] - cell.count) + cell
                let style =
                    line == 0 ? theme.style(theme.muted) : column == 0 ? palette.style(run, .bold) : theme.style(theme.foreground, run == focus ? .bold : [])
                guard x + text.count <= area.maxX else { break }
                x += buffer.text(x, area.y + line, text, style) + 2
            }
        }
    }
}
