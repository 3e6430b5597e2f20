import Foundation
import TerminalUI
import Training

/// The loss chart: the raw training loss as a faint band (each column's spread), the
/// smoothed loss as a bold line on top, validation as a line with markers, and the
/// task's baseline across the plot; event markers on the x axis, a cursor that
/// reads values off. The legend sits on its own row, or in the title when the panel
/// is short.
struct LossPanel {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool
    let context: RenderContext
    /// Every run of a comparison (the focused one is `snapshot`); one run or none
    /// draws the run alone.
    var runs: [ShownRun] = []

    func render(into buffer: inout Buffer, area: Rect) {
        guard runs.count <= 1 else {
            renderComparison(into: &buffer, area: area)
            return
        }
        let series = Series(snapshot: snapshot, view: view, theme: theme, context: context)
        // A short panel keeps every row for the plot: the legend goes in its title.
        let compact = area.height < 12
        let inside = theme.panel("loss", focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 3 else { return }
        var plotArea = inside
        if compact {
            let titleRow = Rect(x: area.x + 7, y: area.y, width: area.width - 8, height: 1)
            series.drawLegend(into: &buffer, area: titleRow, gap: "  ", inBorder: true, rawLast: true)
        } else {
            let (legendRow, rest) = inside.splitTop(1)
            series.drawLegend(into: &buffer, area: legendRow, gap: "   ", inBorder: false, rawLast: false)
            plotArea = rest
        }
        if let cursor = view.cursor, let readout = series.readout(at: cursor) {
            let (row, rest) = plotArea.splitTop(1)
            buffer.text(row.x, row.y, readout, theme.style(theme.highlight), limit: row.width)
            plotArea = rest
        }
        var chart = TimeChart.make(snapshot: snapshot, lastStep: TimeChart.lastStep([ShownRun(name: "", snapshot: snapshot)], view), view: view, theme: theme)
        chart.logScale = view.logLoss
        chart.ignoresOutliers = true
        chart.series = series.chartSeries
        chart.references = [.init(label: "baseline", value: snapshot.baseline.loss, style: theme.style(theme.baseline))]
        chart.render(into: &buffer, area: plotArea, context: context)
    }
}

extension LossPanel {
    /// The loss chart's series, their look and their legend.
    struct Series {
        let snapshot: Snapshot
        let view: ViewState
        let theme: Theme
        let context: RenderContext
        /// The training loss's samples, and the same smoothed: made once a frame.
        let raw: [ChartSample]
        let smoothed: [ChartSample]

        init(snapshot: Snapshot, view: ViewState, theme: Theme, context: RenderContext) {
            (self.snapshot, self.view, self.theme, self.context) = (snapshot, view, theme, context)
            raw = ChartData.samples(snapshot.loss, breaks: ChartData.breaks(snapshot))
            smoothed = ChartData.smoothed(raw, weight: view.smoothing)
        }

        var chartSeries: [LineChart.Series] {
            [
                .init(name: "raw", kind: .band, samples: raw, style: theme.style(theme.train, .dim), glyph: ":"),
                .init(name: "val", kind: .points, samples: ChartData.samples(snapshot.validationLoss), style: theme.style(theme.validation), glyph: context.unicode ? "◆" : "o"),
                .init(name: "smoothed", kind: .line, samples: smoothed, style: theme.style(theme.smoothed, .bold), glyph: "*"),
            ]
        }

        /// The legend's items: a sample of each series' line in its style, its name
        /// and its latest value (the smoothing's weight too, unless `short`).
        func legendItems(short: Bool) -> [(glyph: String, glyphStyle: Style, text: String)] {
            let smoothedValue = smoothed.last { $0.mean.isFinite }?.mean
            let smoothing = short ? "" : view.smoothing > 0 ? " (ema \(view.smoothing))" : " (mean)"
            let number = short ? Format.short : Format.value
            var items: [(String, Style, String)] = [
                (context.unicode ? "━" : "*", theme.style(theme.smoothed, .bold), "\(smoothedValue.map(number) ?? "-")\(smoothing)"),
                (context.unicode ? "⣿" : ":", theme.style(theme.train, .dim), "raw"),
            ]
            if let validation = snapshot.validationLoss.last {
                items.append((context.unicode ? "◆" : "o", theme.style(theme.validation, .bold), "val \(number(validation.value))"))
            }
            items.append((context.unicode ? "┄" : "-", theme.style(theme.baseline), "\(short ? "base" : "baseline") \(number(snapshot.baseline.loss))"))
            return items
        }

        /// The items that fit, `gap` between them, then the scale note at the right
        /// if it fits too. In the border, each piece of text has a space either side;
        /// where room is short, `rawLast` keeps the values before the raw band's key.
        func drawLegend(into buffer: inout Buffer, area: Rect, gap: String, inBorder: Bool, rawLast: Bool) {
            let pad = inBorder ? " " : ""
            var items = legendItems(short: inBorder)
            if rawLast { items.append(items.remove(at: 1)) }
            var x = area.x
            for (n, item) in items.enumerated() {
                let needed = (n > 0 ? gap.count : pad.count) + item.glyph.count + 1 + item.text.count + pad.count
                guard x + needed <= area.maxX else { break }
                if n > 0 { x += buffer.text(x, area.y, gap, theme.style(theme.border)) } else { x += buffer.text(x, area.y, pad, theme.style(theme.border)) }
                x += buffer.text(x, area.y, item.glyph, item.glyphStyle)
                x += buffer.text(x, area.y, " " + item.text, theme.style(theme.foreground))
            }
            x += buffer.text(x, area.y, pad, theme.style(theme.border))
            let note = view.scaleNote(snapshot).trimmingCharacters(in: .whitespaces)
            if !note.isEmpty && x + note.count + 2 < area.maxX {
                buffer.text(area.maxX - note.count - pad.count, area.y, pad + note + pad, theme.style(theme.muted))
            }
        }

        /// The values at the cursor's step: the raw loss there (or the nearest kept),
        /// the smoothed line and the last validation up to it.
        func readout(at step: Int) -> String? {
            let points = raw.filter { !$0.isGap }
            guard let nearest = points.min(by: { abs(($0.x0 + $0.x1) / 2 - Double(step)) < abs(($1.x0 + $1.x1) / 2 - Double(step)) }) else {
                return nil
            }
            let smoothed = self.smoothed.last { !$0.isGap && $0.x0 <= Double(step) }
            var text = "step \(Format.count(step)): loss \(Format.value(nearest.mean))"
            if nearest.x1 > nearest.x0 {
                text += " (mean of \(Format.count(Int(nearest.x0)))-\(Format.count(Int(nearest.x1))), \(Format.value(nearest.low))-\(Format.value(nearest.high)))"
            }
            if let smoothed { text += "  smoothed \(Format.value(smoothed.mean))" }
            if let validation = snapshot.validationLoss.recent.last(where: { $0.step <= step }) {
                text += "  val \(Format.value(validation.value)) (step \(Format.count(validation.step)))"
            }
            return text
        }
    }
}

extension ViewState {
    /// What the time charts show besides the defaults: the scale, the window, the x unit.
    func scaleNote(_ snapshot: Snapshot) -> String {
        var parts = [String]()
        if logLoss { parts.append("log") }
        switch window {
        case .whole: break
        case .trailing(let steps): parts.append("last \(Format.count(Int(steps.rounded())))")
        case .fixed(let range):
            parts.append("steps \(Format.count(Int(range.lowerBound)))-\(Format.count(Int(range.upperBound)))")
        }
        if xAxis != .steps { parts.append("x: \(xAxis.rawValue)") }
        return parts.isEmpty ? "" : "  " + parts.joined(separator: "  ")
    }
}
