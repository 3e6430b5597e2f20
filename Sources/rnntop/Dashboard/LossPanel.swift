import Foundation
import TerminalUI
import Training

/// The loss chart: the raw training loss as a faint band (each column's spread), the
/// smoothed loss as a bold line on top, validation as a line with markers, and the
/// task's baseline across the plot; event markers on the x axis, a cursor that
/// reads values off. The legend sits on its own row, or in the title when the panel
/// is short.
struct LossPanel: Widget {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool
    /// Every run of a comparison (the focused one is `snapshot`); one run or none
    /// draws the run alone.
    var runs: [ShownRun] = []

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard runs.count <= 1 else {
            renderComparison(into: &buffer, area: area, context: context)
            return
        }
        let series = Series(snapshot: snapshot, view: view, theme: theme, context: context)
        guard let (legend, inBorder, rest) = frame(into: &buffer, area: area, context: context) else { return }
        drawLegend(series.legendItems(short: inBorder), into: &buffer, area: legend, inBorder: inBorder)
        var plotArea = rest
        if let cursor = view.cursor, let readout = series.readout(at: cursor) {
            let (row, below) = plotArea.splitTop(1)
            buffer.text(row.x, row.y, readout, theme.style(theme.highlight), limit: row.width)
            plotArea = below
        }
        plotArea = drawAccuracy(into: &buffer, plotArea: plotArea, context: context)
        var chart = lossChart()
        chart.series = series.chartSeries
        chart.render(into: &buffer, area: plotArea, context: context)
    }

    /// A legend's item: a sample of its line in the line's style, and its text.
    struct LegendItem {
        let sample: String
        let sampleStyle: Style
        let text: String
        var bold = false
        /// Kept at every width (the baseline, the lesson's yardstick): the optional
        /// items give way to it.
        var required = false
        /// A shorter text it takes before it gives way (the validation without its
        /// step, when that step is recent).
        var compact: String?

        /// Columns it takes after a gap of `gap`.
        func width(gap: Int) -> Int { gap + sample.count + 1 + text.count }
    }

    /// Draws the frame and says where the legend goes: a short panel keeps every row
    /// for the plot and puts its legend in its title, in the border; a taller one
    /// gives it a row of its own. The rows under it are the rest; nil when the panel
    /// has no room inside.
    func frame(into buffer: inout Buffer, area: Rect, context: RenderContext) -> (legend: Rect, inBorder: Bool, rest: Rect)? {
        let inside = theme.panel("loss", focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 3 else { return nil }
        if area.height < 12 {
            return (Rect(x: area.x + 7, y: area.y, width: area.width - 8, height: 1), true, inside)
        }
        let (row, rest) = inside.splitTop(1)
        return (row, false, rest)
    }

    /// The items that fit, those marked required always; where not all fit, the
    /// items close up by a space, then the optional ones give way from the last (an
    /// item's place in the list is its rank: the raw band's key, listed last, goes
    /// first), each taking its compact text, if it has one, before it goes. Then the
    /// scale note at the right if it fits too. In the border each piece of text has a
    /// space either side, and items are closer.
    func drawLegend(_ items: [LegendItem], into buffer: inout Buffer, area: Rect, inBorder: Bool) {
        let pad = inBorder ? 1 : 0
        let note = view.scaleNote(snapshot).trimmingCharacters(in: .whitespaces)
        func width(_ items: [LegendItem], gap: Int) -> Int {
            items.enumerated().reduce(2 * pad) { $0 + $1.element.width(gap: $1.offset > 0 ? gap : 0) }
        }
        // The note says how the chart is scaled: it stays where the required items
        // leave room for it, and the optional items give way to it.
        let noteWidth = note.isEmpty ? 0 : note.count + 2 * pad + 2
        let showsNote = noteWidth > 0 && area.x + width(items.filter(\.required), gap: 1) + noteWidth <= area.maxX
        let end = area.maxX - (showsNote ? noteWidth : 0)
        func fitting(gap: Int) -> [LegendItem] {
            var kept = items
            while area.x + width(kept, gap: gap) > end, let last = kept.lastIndex(where: { !$0.required }) {
                if let compact = kept[last].compact {
                    kept[last] = LegendItem(sample: kept[last].sample, sampleStyle: kept[last].sampleStyle, text: compact, bold: kept[last].bold)
                } else {
                    kept.remove(at: last)
                }
            }
            return kept
        }
        let roomy = inBorder ? 2 : 3
        let gap = fitting(gap: roomy).count < fitting(gap: roomy - 1).count ? roomy - 1 : roomy
        let spacing = String(repeating: " ", count: gap), padding = String(repeating: " ", count: pad)
        var x = area.x + buffer.text(area.x, area.y, padding, theme.style(theme.border))
        for (n, item) in fitting(gap: gap).enumerated() {
            guard x + item.width(gap: n > 0 ? gap : 0) + pad <= end else { break }
            if n > 0 { x += buffer.text(x, area.y, spacing, theme.style(theme.border)) }
            x += buffer.text(x, area.y, item.sample, item.sampleStyle)
            x += buffer.text(x, area.y, " " + item.text, theme.style(theme.foreground, item.bold ? .bold : []))
        }
        buffer.text(x, area.y, padding, theme.style(theme.border))
        if showsNote {
            buffer.text(area.maxX - note.count - 2 * pad, area.y, padding + note + padding, theme.style(theme.muted))
        }
    }

    /// The baseline's legend item, kept at every width; none for a run without one
    /// (a log another program wrote for a task rnntop does not know).
    static func baselineItem(_ snapshot: Snapshot, theme: Theme, short: Bool, unicode: Bool) -> [LegendItem] {
        guard snapshot.baseline.loss.isFinite else { return [] }
        return [
            LegendItem(
                sample: unicode ? "┄" : "-", sampleStyle: theme.style(theme.baseline),
                text: "\(short ? "base" : "baseline") \((short ? Format.short : Format.value)(snapshot.baseline.loss))", required: true)
        ]
    }

    /// The chart both pictures share: the time axis, the scale the user chose,
    /// spikes cut at the 1st and 99th percentiles, and the baseline.
    func lossChart() -> LineChart {
        var chart = TimeChart.make(snapshot: snapshot, runs: runs, view: view, theme: theme)
        chart.logScale = view.logLoss
        chart.ignoresOutliers = true
        chart.references = [.init(label: "baseline", value: snapshot.baseline.loss, style: theme.style(theme.baseline))]
        return chart
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
            // Without colour the band is a texture and the validation a dotted line, so
            // the smoothed line still reads as itself.
            [
                .init(name: "raw", kind: .band, samples: raw, style: theme.style(theme.train, .dim), glyph: ":", dash: ChartData.bandDash(theme, context)),
                .init(
                    name: "val", kind: .points, samples: ChartData.validationSamples(snapshot), style: theme.style(theme.validation),
                    glyph: context.unicode ? "◆" : "o", dash: ChartData.colorless(theme, context) ? LineChart.Dash(on: 1, off: 2) : nil),
                .init(name: "smoothed", kind: .line, samples: smoothed, style: theme.style(theme.smoothed, .bold), glyph: "*"),
            ]
        }

        /// The legend's items: a sample of each series' line in its style, its name
        /// and its latest value (the smoothing's weight too, unless `short`, in a
        /// title where room is scarce), the raw band's key last.
        func legendItems(short: Bool) -> [LegendItem] {
            let smoothedValue = smoothed.last { $0.mean.isFinite }?.mean
            let smoothing = short ? "" : view.smoothing > 0 ? " (ema \(view.smoothing))" : " (mean)"
            let number = short ? Format.short : Format.value
            let raw = LegendItem(sample: context.unicode ? "⣿" : ":", sampleStyle: theme.style(theme.train, .dim), text: "raw")
            var items = [
                LegendItem(
                    sample: context.unicode ? "━" : "*", sampleStyle: theme.style(theme.smoothed, .bold),
                    text: "\(smoothedValue.map(number) ?? "-")\(smoothing)")
            ]
            if let validation = ChartData.latestValidation(snapshot) {
                let step = Format.count(validation.step), value = "val \(number(validation.value))"
                // Its step may go where room is short, unless the value is old.
                let recent = !DataAge(dataStep: validation.step, shownStep: snapshot.step).isOld
                items.append(
                    LegendItem(
                        sample: context.unicode ? "◆" : "o", sampleStyle: theme.style(theme.validation, .bold),
                        text: "\(value)\(short ? "" : " ")@\(step)", compact: recent ? value : nil))
            }
            items += LossPanel.baselineItem(snapshot, theme: theme, short: short, unicode: context.unicode)
            // The raw band's key last: it gives way first where room is short.
            return items + [raw]
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
