import TerminalUI

/// The legend, beside the plots (never over them): each run's line in its colour
/// and dash, its name and its final smoothed loss (or where it diverged), then a
/// key to the faint band, the dots and the dashed baseline.
struct PlotLegend {
    let runs: [PlottedRun]
    let colors: PlotColors
    let fontSize: Double
    let smoothing: Double

    /// Draws the legend from (`left`, `top`); returns the y under its last row.
    func draw(into svg: inout SVGDocument, left: Double, top: Double, right: Double) -> Double {
        let row = fontSize * 1.5
        var y = top
        let title = SVGDocument.fitting(
            ["runs: final smoothed loss (EMA \(Axis.label(smoothing)))", "final smoothed loss (EMA \(Axis.label(smoothing)))", "final smoothed loss"],
            width: right - left, size: fontSize * 1.1, bold: true)
        svg.text(title, x: left, y: y, size: fontSize * 1.1, fill: colors.title, bold: true)
        for (index, run) in runs.enumerated() {
            y += row
            let color = colors.run(index)
            svg.line(left, y - fontSize * 0.35, left + 24, y - fontSize * 0.35, stroke: color, width: 3, dash: colors.dash(index))
            svg.text(run.name(upTo: Int((right - left - 32) / fontSize * 1.6) - 10), x: left + 32, y: y, size: fontSize, fill: colors.text)
            let final = run.divergedAt.map { "NaN at \(Format.count($0))" } ?? run.finalLoss.map(Format.value) ?? "-"
            svg.text(final, x: right, y: y, size: fontSize, fill: run.divergedAt == nil ? colors.text : colors.diverged, anchor: .end)
        }
        let keys = [
            ["faint band: raw loss · dots: validation", "band: raw loss · dots: validation", "band: raw · dots: validation"],
            ["dashed: baseline · letters: events (m model, r reset, l lr, ...)", "dashed: baseline · letters: events", "dashed: baseline"],
        ]
        for key in keys {
            y += row
            svg.text(SVGDocument.fitting(key, width: right - left, size: fontSize * 0.85), x: left, y: y, size: fontSize * 0.85, fill: colors.muted)
        }
        return y
    }
}
