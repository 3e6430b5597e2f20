import TerminalUI

/// A metric panel's references (the loss's baseline, the accuracy's chance): a
/// dashed line each, and a label that covers no data.
extension MetricPlot {
    /// A reference's dashed line: its value, its row in pixels and its colour.
    struct ReferenceLine {
        let value: Double
        let y: Double
        let color: String
    }

    /// Each run's reference; one line in the theme's baseline colour when all runs
    /// share it.
    func referenceLines(y: PlotScale) -> [ReferenceLine] {
        let references = runs.map { $0[keyPath: metric]?.reference }
        let shared = Set(references).count == 1 ? references.first ?? nil : nil
        let lines: [(value: Double, color: String)] =
            shared.map { [($0, colors.baseline)] }
            ?? references.enumerated().compactMap { index, value in value.map { ($0, colors.run(index)) } }
        return lines.compactMap { line in y.pixel(line.value).map { ReferenceLine(value: line.value, y: $0, color: line.color) } }
    }

    /// Each reference's label ("baseline 0.166", "chance 0.125") on its line's row,
    /// just above or below it, at the first place from the right where it covers no
    /// line, dot, event or other label, and no band if it can; on a backing of the
    /// background colour, so that grid lines do not run through it. A plot with no such place has the label
    /// above its frame, at the right, after a piece of the dashed line.
    func labelReferences(_ lines: [ReferenceLine], into svg: inout SVGDocument, obstacles: inout PlotObstacles, area: PlotArea) {
        let size = fontSize * 0.9
        var outsideRight = area.right
        for line in lines {
            let text = "\(referenceName) \(Axis.label(line.value))"
            let candidates = spots(for: text, row: line.y, size: size, area: area)
            guard let spot = candidates.first(where: { obstacles.isClear($0.box, ofBands: true) })
                ?? candidates.first(where: { obstacles.isClear($0.box, ofBands: false) })
            else {
                let width = SVGDocument.textWidth(text, size: size), sampleY = area.top - 4 - size * 0.3
                svg.line(outsideRight - width - 22, sampleY, outsideRight - width - 4, sampleY, stroke: line.color, width: 1.2, dash: "6 4")
                svg.text(text, x: outsideRight, y: area.top - 4, size: size, fill: line.color, anchor: .end)
                outsideRight -= width + 22 + size
                continue
            }
            let box = spot.box
            svg.filledRectangle(
                x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, fill: colors.background, opacity: 0.9)
            svg.text(text, x: spot.x, y: spot.y, size: size, fill: line.color, anchor: .end)
            obstacles.addBox(box)
        }
    }

    /// The places a label may take on the row `row`: its right end from the plot's
    /// right edge leftwards, above the line and then below it, inside the frame.
    private func spots(for text: String, row: Double, size: Double, area: PlotArea) -> [(x: Double, y: Double, box: PlotBox)] {
        let width = SVGDocument.textWidth(text, size: size)
        let rows = [row - size * 0.25 - 4, row + size * 0.8 + 4]
        return stride(from: area.right - 4, through: area.left + 4 + width, by: -8).flatMap { x in
            rows.compactMap { y in
                let box = PlotBox(text: text, x: x, y: y, size: size, anchor: .end)
                return box.top >= area.top && box.bottom <= area.bottom ? (x, y, box) : nil
            }
        }
    }
}
