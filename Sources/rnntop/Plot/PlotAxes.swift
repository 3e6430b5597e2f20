/// A plot's rectangle in pixels, and its frame: grid lines and labelled ticks on
/// the left and bottom, in the theme's muted colours.
struct PlotArea {
    let left: Double
    let top: Double
    let right: Double
    let bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }

    /// The frame, a grid line and label at each tick of `x` and `y`, and the axes'
    /// names; about one tick per `xSpacing` and `ySpacing` pixels.
    func drawAxes(
        into svg: inout SVGDocument, x: PlotScale, y: PlotScale, colors: PlotColors, fontSize: Double, xSpacing: Double = 90,
        ySpacing: Double = 45
    ) {
        for tick in y.ticks(count: max(2, Int(height / ySpacing))) {
            guard let py = y.pixel(tick.value), py >= top - 0.5, py <= bottom + 0.5 else { continue }
            svg.line(left, py, right, py, stroke: colors.grid, width: 0.5, opacity: 0.6)
            svg.line(left - 4, py, left, py, stroke: colors.muted)
            svg.text(tick.label, x: left - 6, y: py + fontSize * 0.35, size: fontSize, fill: colors.muted, anchor: .end)
        }
        for tick in x.ticks(count: max(2, Int(width / xSpacing))) {
            guard let px = x.pixel(tick.value), px >= left - 0.5, px <= right + 0.5 else { continue }
            svg.line(px, top, px, bottom, stroke: colors.grid, width: 0.5, opacity: 0.6)
            svg.line(px, bottom, px, bottom + 4, stroke: colors.muted)
            svg.text(tick.label, x: px, y: bottom + 4 + fontSize * 1.9, size: fontSize, fill: colors.muted, anchor: .middle)
        }
        svg.rectangle(x: left, y: top, width: width, height: height, stroke: colors.grid)
    }
}
