import Foundation
import TerminalUI
import Training

/// A panel of one metric over steps, the loss or a classifier's accuracy: for each
/// run its raw values as a faint band (from the lowest to the highest in each column
/// of a few pixels), its smoothed values as a line broken where a new model starts,
/// its validations as dots; the reference (the loss's baseline, the accuracy's
/// chance) dashed, once when every run has the same, and labelled where it covers no
/// data. The loss panel also has the runs' events as letters on the x axis and a
/// divergence as a dashed line marked "NaN".
struct MetricPlot {
    let runs: [PlottedRun]
    /// The metric drawn; a run without it (a regression's accuracy) has no line.
    let metric: KeyPath<PlottedRun, PlottedMetric?>
    /// Its name in a message: "loss", "accuracy".
    let name: String
    /// What the dashed reference line is called: "baseline", "chance".
    let referenceName: String
    let colors: PlotColors
    let logScale: Bool
    let fontSize: Double
    /// Events and divergences, which the loss panel shows for the picture.
    var showsEvents = true

    func draw(into svg: inout SVGDocument, area: PlotArea) {
        let x = PlotScale(low: 0, high: stepAxisEnd(width: area.width), start: area.left, end: area.right, logarithmic: false)
        let metrics = runs.map { $0[keyPath: metric] }
        let measured = metrics.flatMap { metric in
            (metric?.raw.flatMap { [$0.low, $0.high] } ?? []) + (metric?.validation.map(\.value) ?? [])
        }
        var values = Self.withoutOutliers(measured.filter { !logScale || $0 > 0 })
        values += metrics.compactMap { $0?.reference }
        guard let y = PlotScale(spanning: values, start: area.bottom, end: area.top, logarithmic: logScale) else {
            svg.text("no finite \(name) to draw", x: area.left + 8, y: area.top + 20, size: fontSize, fill: colors.muted)
            return
        }
        area.drawAxes(into: &svg, x: x, y: y, colors: colors, fontSize: fontSize)
        svg.text("step", x: area.right, y: area.bottom + fontSize * 4.4, size: fontSize, fill: colors.muted, anchor: .end)
        let references = referenceLines(y: y)
        for line in references { svg.line(area.left, line.y, area.right, line.y, stroke: line.color, width: 1.2, dash: "6 4") }
        var obstacles = PlotObstacles()
        svg.beginClip(x: area.left, y: area.top, width: area.right - area.left, height: area.bottom - area.top)
        for (index, run) in metrics.enumerated() {
            guard let run else { continue }
            drawBand(run, color: colors.run(index), into: &svg, obstacles: &obstacles, area: area, x: x, y: y)
        }
        for (index, run) in metrics.enumerated() {
            guard let run else { continue }
            let color = colors.run(index)
            for segment in Self.segments(run.smoothed) {
                let points = segment.compactMap { sample in y.pixel(sample.mean).map { (x: x.pixel(sample.x0 / 2 + sample.x1 / 2)!, y: $0) } }
                svg.polyline(points, stroke: color, width: 2, dash: colors.dash(index))
                obstacles.addLine(points)
            }
            for point in run.validation {
                guard let px = x.pixel(Double(point.step)), let py = y.pixel(point.value) else { continue }
                svg.circle(x: px, y: py, radius: 3, fill: color, stroke: colors.background)
                obstacles.addBox(PlotBox(left: px - 4, top: py - 4, right: px + 4, bottom: py + 4))
            }
        }
        svg.endClip()
        for (index, run) in runs.enumerated() where showsEvents {
            drawEvents(run, color: colors.run(index), into: &svg, obstacles: &obstacles, area: area, x: x)
        }
        labelReferences(references, into: &svg, obstacles: &obstacles, area: area)
    }

    /// The values the loss axis spans: without the highest and lowest 1% once there are
    /// a hundred, as on the dashboard, so that the first steps' large loss does not
    /// flatten the rest of the curve (what lies beyond runs to the panel's edge).
    static func withoutOutliers(_ values: [Double]) -> [Double] {
        let finite = values.filter(\.isFinite).sorted()
        guard finite.count >= 100 else { return finite }
        let cut = finite.count / 100
        return [finite[cut], finite[finite.count - 1 - cut]]
    }

    /// The round number at or just past the last step (half a tick's spacing at
    /// most), so a run that ends on one fills the panel.
    private func stepAxisEnd(width: Double) -> Double {
        let lastStep = Double(max(runs.map(\.lastStep).max() ?? 1, 1))
        let ticks = Axis.linearTicks(0, lastStep, count: max(2, Int(width / 90)))
        let half = ticks.count >= 2 ? (ticks[1] - ticks[0]) / 2 : lastStep
        return (lastStep / half).rounded(.up) * half
    }

    /// The raw values' spread per column, as a faint filled band; a column is wide
    /// enough for about three points (2 to 12 pixels), so a short run has a band too.
    private func drawBand(
        _ run: PlottedMetric, color: String, into svg: inout SVGDocument, obstacles: inout PlotObstacles, area: PlotArea, x: PlotScale,
        y: PlotScale
    ) {
        let columnWidth = min(12, max(2, 3 * area.width / Double(max(run.raw.count, 1))))
        for segment in Self.segments(run.raw) {
            var columns: [Int: (low: Double, high: Double)] = [:]
            for sample in segment {
                guard let low = y.pixel(sample.low), let high = y.pixel(sample.high) else { continue }
                let column = Int((x.pixel(sample.x0 / 2 + sample.x1 / 2)! - area.left) / columnWidth)
                let known = columns[column] ?? (low, high)
                columns[column] = (max(known.low, low, high), min(known.high, high, low))
            }
            let ordered = columns.keys.sorted()
            guard ordered.count >= 2 else { continue }
            let centre = { (column: Int) in area.left + (Double(column) + 0.5) * columnWidth }
            // Wide enough to be seen where the loss barely moves.
            let upper = ordered.map { (x: centre($0), y: min(columns[$0]!.high, columns[$0]!.low - 1)) }
            let lower = ordered.reversed().map { (x: centre($0), y: columns[$0]!.low) }
            svg.polygon(upper + lower, fill: color, opacity: 0.3)
            obstacles.addBand(upper + lower)
        }
    }

    /// Event letters (the dashboard's: m model, r reset, l learning rate, ...) on a
    /// tick under the x axis, and a divergence as a dashed line from top to bottom.
    private func drawEvents(
        _ run: PlottedRun, color: String, into svg: inout SVGDocument, obstacles: inout PlotObstacles, area: PlotArea, x: PlotScale
    ) {
        for marker in run.markers {
            guard let px = x.pixel(Double(marker.step)) else { continue }
            let letter = String(ChartData.code(of: marker.kind))
            svg.line(px, area.bottom - 6, px, area.bottom, stroke: color, width: 1.5)
            svg.text(letter, x: px, y: area.bottom - 8, size: fontSize * 0.9, fill: color, anchor: .middle, bold: true)
            obstacles.addBox(PlotBox(text: letter, x: px, y: area.bottom - 8, size: fontSize * 0.9, anchor: .middle))
        }
        if let step = run.divergedAt, let px = x.pixel(Double(step)) {
            svg.line(px, area.top, px, area.bottom, stroke: colors.diverged, width: 1, dash: "2 3")
            svg.text("NaN", x: px + 3, y: area.top + fontSize, size: fontSize * 0.9, fill: colors.diverged, bold: true)
            obstacles.addLine([(px, area.top), (px, area.bottom)])
            obstacles.addBox(PlotBox(text: "NaN", x: px + 3, y: area.top + fontSize, size: fontSize * 0.9, anchor: .start))
        }
    }

    /// The samples between gaps, each run of them drawn as one piece.
    static func segments(_ samples: [ChartSample]) -> [[ChartSample]] {
        samples.split(whereSeparator: \.isGap).map(Array.init)
    }
}
