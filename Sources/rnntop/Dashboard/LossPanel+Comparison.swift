import Foundation
import TerminalUI
import Training

/// The loss chart of a comparison: every run's smoothed loss in its colour (the
/// focused run's drawn last, on top, and its raw spread as a faint band under all),
/// each run's validation points, the baseline. A legend gives each run's colour,
/// name and latest smoothed loss; where the panel has room, a table under it gives
/// each run's loss, validation, best validation, steps and rate.
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

    func renderComparison(into buffer: inout Buffer, area: Rect) {
        let palette = RunPalette(theme: theme, context: context)
        let focus = min(view.focusedRun, runs.count - 1)
        let curves = runs.map { Curve($0.snapshot, smoothing: view.smoothing) }
        // A short panel keeps every row for the plot: the legend goes in its title.
        let compact = area.height < 12
        let inside = theme.panel("loss", focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 3 else { return }
        var plotArea = inside
        if compact {
            let titleRow = Rect(x: area.x + 7, y: area.y, width: area.width - 8, height: 1)
            drawRunLegend(into: &buffer, area: titleRow, palette: palette, curves: curves, focus: focus, inBorder: true)
        } else {
            let (legendRow, rest) = inside.splitTop(1)
            drawRunLegend(into: &buffer, area: legendRow, palette: palette, curves: curves, focus: focus, inBorder: false)
            plotArea = rest
            if rest.height - (runs.count + 1) >= 8 {
                let (table, below) = rest.splitTop(runs.count + 1)
                drawRunTable(into: &buffer, area: table, palette: palette, curves: curves, focus: focus)
                plotArea = below
            }
        }
        if let cursor = view.cursor {
            let (row, rest) = plotArea.splitTop(1)
            let values = zip(runs, curves).map { run, curve in "\(run.name) \(curve.value(at: cursor).map(Format.value) ?? "-")" }
            buffer.text(row.x, row.y, "step \(Format.count(cursor)): " + values.joined(separator: "  "), theme.style(theme.highlight), limit: row.width)
            plotArea = rest
        }
        var chart = TimeChart.make(snapshot: snapshot, lastStep: TimeChart.lastStep(runs, view), view: view, theme: theme)
        chart.logScale = view.logLoss
        chart.ignoresOutliers = true
        var series: [LineChart.Series] = [
            .init(name: "raw", kind: .band, samples: curves[focus].raw, style: palette.style(focus, .dim), glyph: ":")
        ]
        // The others first, the focused run last: on top.
        let order = runs.indices.filter { $0 != focus } + [focus]
        for index in order {
            series.append(
                .init(
                    name: "val \(runs[index].name)", kind: .points, samples: ChartData.samples(runs[index].snapshot.validationLoss),
                    style: palette.style(index), glyph: context.unicode ? "◆" : palette.glyph(index), dash: palette.dash(index)))
        }
        for index in order {
            series.append(
                .init(
                    name: runs[index].name, kind: .line, samples: curves[index].smoothed, style: palette.style(index, .bold),
                    glyph: palette.glyph(index), dash: palette.dash(index)))
        }
        chart.series = series
        chart.references = [.init(label: "baseline", value: snapshot.baseline.loss, style: theme.style(theme.baseline))]
        chart.render(into: &buffer, area: plotArea, context: context)
    }

    /// Each run's line sample, name and latest smoothed loss (the focused run's name
    /// bold, after a ▶), then the baseline, as many as fit; where not all runs fit
    /// with their values, their names alone. Then the scale note at the right.
    private func drawRunLegend(
        into buffer: inout Buffer, area: Rect, palette: RunPalette, curves: [Curve], focus: Int, inBorder: Bool
    ) {
        let pad = inBorder ? " " : ""
        let gap = inBorder ? "  " : "   "
        let number = inBorder ? Format.short : Format.value
        func items(values: Bool) -> [(sample: String, sampleStyle: Style, text: String, bold: Bool)] {
            var items = runs.indices.map { index in
                let mark = index == focus ? (context.unicode ? "▶" : ">") : ""
                let value = values ? " " + (curves[index].latest.map(number) ?? "-") : ""
                return (palette.sample(index), palette.style(index, .bold), mark + runs[index].name + value, index == focus)
            }
            items.append((context.unicode ? "┄" : "-", theme.style(theme.baseline), "\(inBorder ? "base" : "baseline") \(number(snapshot.baseline.loss))", false))
            return items
        }
        func width(_ item: (sample: String, sampleStyle: Style, text: String, bold: Bool)) -> Int {
            gap.count + item.sample.count + 1 + item.text.count
        }
        var shown = items(values: true)
        if shown.prefix(runs.count).map(width).reduce(0, +) + 2 * pad.count > area.width { shown = items(values: false) }
        var x = area.x + buffer.text(area.x, area.y, pad, theme.style(theme.border))
        for (n, item) in shown.enumerated() {
            let needed = (n > 0 ? gap.count : 0) + item.sample.count + 1 + item.text.count + pad.count
            guard x + needed <= area.maxX else { break }
            if n > 0 { x += buffer.text(x, area.y, gap, theme.style(theme.border)) }
            x += buffer.text(x, area.y, item.sample, item.sampleStyle)
            x += buffer.text(x, area.y, " " + item.text, theme.style(theme.foreground, item.bold ? .bold : []))
        }
        x += buffer.text(x, area.y, pad, theme.style(theme.border))
        let note = view.scaleNote(snapshot).trimmingCharacters(in: .whitespaces)
        if !note.isEmpty && x + note.count + 2 < area.maxX {
            buffer.text(area.maxX - note.count - pad.count, area.y, pad + note + pad, theme.style(theme.muted))
        }
    }

    /// A row per run: its smoothed loss, last and best validation, steps and rate;
    /// the focused run's row marked.
    private func drawRunTable(into buffer: inout Buffer, area: Rect, palette: RunPalette, curves: [Curve], focus: Int) {
        let header = ["run", "loss", "val", "best val", "steps", "seq/s"]
        var rows = [header]
        for (index, run) in runs.enumerated() {
            let s = run.snapshot, history = s.validationLoss
            let best = (history.buckets.map(\.minimum) + history.recent.map(\.value)).filter(\.isFinite).min()
            let rate = s.state == .running ? Format.rate(perSecond: s.sequencesPerSecond) : s.state.rawValue
            rows.append([
                run.name, curves[index].latest.map(Format.value) ?? "-", history.last.map { Format.value($0.value) } ?? "-",
                best.map(Format.value) ?? "-", Format.count(s.step), rate,
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (line, row) in rows.enumerated() {
            var x = area.x + 2
            let run = line - 1
            if run == focus { buffer.text(area.x, area.y + line, context.unicode ? "▶" : ">", palette.style(run, .bold)) }
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
