/// The whole picture: the loss panel on the left, and under it a classifier's
/// accuracy against chance on the same step axis; the legend and the gradient
/// profiles on the right.
struct RunPlot {
    let runs: [PlottedRun]
    let colors: PlotColors
    let width: Int
    let height: Int
    let logScale: Bool
    let smoothing: Double

    func svg() -> String {
        let (w, h) = (Double(width), Double(height))
        let fontSize = max(9, min(13, h / 50))
        var svg = SVGDocument(width: width, height: height, background: colors.background)
        let split = (w * 0.62).rounded()
        let title = "training loss" + (logScale ? " (log scale)" : "") + ", smoothed"
        svg.text(title, x: 64, y: fontSize * 2, size: fontSize * 1.1, fill: colors.title, bold: true)
        let bottom = h - fontSize * 5
        let classifiers = runs.contains { $0.accuracy != nil }
        // With an accuracy panel, the loss keeps three fifths of the height; each panel
        // has its step labels under it.
        let lossBottom = classifiers ? (fontSize * 3 + (bottom - fontSize * 3) * 0.6 - fontSize * 3).rounded() : bottom
        let loss = PlotArea(left: 64, top: fontSize * 3, right: split, bottom: lossBottom)
        MetricPlot(
            runs: runs, metric: \.loss, name: "loss", referenceName: "baseline", colors: colors, logScale: logScale, fontSize: fontSize
        ).draw(into: &svg, area: loss)
        if classifiers {
            let titleY = lossBottom + fontSize * 6.5
            svg.text("training accuracy, smoothed", x: 64, y: titleY, size: fontSize * 1.1, fill: colors.title, bold: true)
            let accuracy = PlotArea(left: 64, top: titleY + fontSize, right: split, bottom: bottom)
            var plot = MetricPlot(
                runs: runs, metric: \.accuracy, name: "accuracy", referenceName: "chance", colors: colors, logScale: false, fontSize: fontSize)
            plot.showsEvents = false
            plot.draw(into: &svg, area: accuracy)
        }
        let right = PlotArea(left: split + 72, top: fontSize * 2, right: w - 16, bottom: h - fontSize * 2)
        let legendBottom = PlotLegend(runs: runs, colors: colors, fontSize: fontSize, smoothing: smoothing)
            .draw(into: &svg, left: split + 32, top: right.top, right: right.right)
        let gradients = PlotArea(left: right.left, top: legendBottom + fontSize * 2.5, right: right.right, bottom: right.bottom)
        GradientPlot(runs: runs, colors: colors, fontSize: fontSize).draw(into: &svg, area: gradients)
        return svg.rendered()
    }
}
