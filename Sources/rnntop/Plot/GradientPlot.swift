import Foundation

/// The gradient panel: one small plot per run of ‖∂L/∂h_t‖ over the time steps
/// (log scale), from its log's last gradient profile, every layer a line (the
/// first bold), titled with the run's name, the first step's norm over the last's
/// and the dashboard's word for it (vanishing, healthy, exploding).
struct GradientPlot {
    let runs: [PlottedRun]
    let colors: PlotColors
    let fontSize: Double

    func draw(into svg: inout SVGDocument, area: PlotArea) {
        svg.text("‖∂L/∂h_t‖ by time step, last profile", x: area.left - 40, y: area.top, size: fontSize * 1.1, fill: colors.title, bold: true)
        let gap = fontSize * 4.2
        let height = (area.height - fontSize * 0.5) / Double(max(runs.count, 1))
        for (index, run) in runs.enumerated() {
            let top = area.top + fontSize * 0.5 + Double(index) * height
            let plot = PlotArea(left: area.left, top: top + fontSize * 1.6, right: area.right, bottom: top + height - gap + fontSize * 1.2)
            drawProfile(run, index: index, into: &svg, area: plot, titleY: top + fontSize * 1.3)
        }
    }

    private func drawProfile(_ run: PlottedRun, index: Int, into svg: inout SVGDocument, area: PlotArea, titleY: Double) {
        let color = colors.run(index)
        guard let first = run.gradientProfile.first, !first.isEmpty else {
            svg.text("\(run.name(upTo: 30)): no gradient profile in the log", x: area.left, y: titleY, size: fontSize, fill: colors.muted)
            return
        }
        let (start, end) = (first.first!, first.last!)
        let layers = run.gradientProfile.count > 1 ? " (layer 1 bold)" : ""
        svg.text(
            "\(run.name(upTo: 30)): \(GradientPanel.ratio(first: start, last: end)) \(Health(first: start, last: end).word)\(layers)", x: area.left, y: titleY,
            size: fontSize, fill: color, bold: true)
        guard area.height >= fontSize * 2 else { return }
        let steps = run.gradientProfile.map(\.count).max() ?? 1
        let x = PlotScale(low: 1, high: Double(max(steps, 2)), start: area.left, end: area.right, logarithmic: false)
        guard let y = PlotScale(spanning: run.gradientProfile.flatMap { $0 }, start: area.bottom, end: area.top, logarithmic: true) else {
            svg.text("no finite, positive norm", x: area.left + 4, y: area.top + fontSize * 1.2, size: fontSize, fill: colors.diverged)
            return
        }
        area.drawAxes(into: &svg, x: x, y: y, colors: colors, fontSize: fontSize * 0.85, xSpacing: 70, ySpacing: 22)
        for (layer, norms) in run.gradientProfile.enumerated().reversed() {
            let points = norms.enumerated().compactMap { step, norm in y.pixel(norm).map { (x: x.pixel(Double(step + 1))!, y: $0) } }
            svg.polyline(points, stroke: color, width: layer == 0 ? 2 : 1, dash: colors.dash(index), opacity: layer == 0 ? 1 : 0.6)
        }
    }
}
