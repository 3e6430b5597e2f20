/// The plot itself: bands, lines and points on the canvas, the references over them,
/// then what is written over it all (point markers, blow-ups, the cursor).
extension LineChart {
    /// Reference lines across the whole plot, on the top layers so that data sitting
    /// on them (a run at its baseline) never hides them: dashed two cells on, one
    /// off, and the data shows through the gaps.
    func drawReferences(_ canvas: inout Canvas, _ mapping: YMapping) {
        for reference in references {
            guard let v = plotted(reference.value) else { continue }
            let dash = LineChart.Dash(on: 2 * canvas.dotsAcross, off: canvas.dotsAcross)
            canvas.beginLayer(Canvas.Pen(style: reference.style, ascii: "-", dash: dash))
            let y = mapping.row(v)
            for x in 0..<canvas.width { canvas.set(x, y) }
        }
    }

    /// The spread of each column, minimum to maximum; columns apart are joined by a
    /// line between their nearest values, so sparse points read as a line.
    func drawBand(_ columns: [Column], on canvas: inout Canvas, _ mapping: YMapping) {
        var previous: (x: Int, low: Int, high: Int)?
        for (x, column) in columns.enumerated() {
            if column.breaks { previous = nil }
            guard column.hasData else { continue }
            let top = mapping.row(column.high), bottom = mapping.row(column.low)
            canvas.stroke(x, top, bottom)
            if let p = previous, x - p.x > 1 {
                // Join the nearer ends, so a rise is drawn as a rise, not a zigzag.
                let (from, to) = p.low < top ? (p.low, top) : p.high > bottom ? (p.high, bottom) : (p.low, top)
                canvas.line(p.x, from, x, to)
            }
            previous = (x, top, bottom)
        }
    }

    /// One continuous line through each column's mean: consecutive columns joined,
    /// so every column it crosses holds one unbroken run of dots. A break or a
    /// column without data lifts the pen.
    func drawLine(_ columns: [Column], on canvas: inout Canvas, _ mapping: YMapping) {
        var previous: (x: Int, y: Int)?
        for (x, column) in columns.enumerated() {
            if column.breaks { previous = nil }
            guard let mean = column.mean else { continue }
            let y = mapping.row(mean)
            if let p = previous {
                canvas.line(p.x, p.y, x, y)
            } else {
                canvas.set(x, y)
            }
            previous = (x, y)
        }
    }

    /// A line through the points, and the series' glyph at each point when the
    /// points are at least three cells apart (closer, the markers would be a wall).
    func drawPoints(
        _ columns: [Column], _ line: Series, on canvas: inout Canvas, _ mapping: YMapping
    ) -> [(column: Int, row: Int, glyph: Unicode.Scalar, style: Style)] {
        drawLine(columns, on: &canvas, mapping)
        let points = columns.enumerated().compactMap { x, column in column.mean.map { (x, mapping.row($0)) } }
        let spacing = zip(points, points.dropFirst()).map { $1.0 - $0.0 }.min() ?? .max
        guard spacing >= 3 * canvas.dotsAcross else { return [] }
        return points.compactMap { x, y in
            let row = y / canvas.dotsDown
            guard row >= 0 && row < canvas.rows else { return nil }
            return (x / canvas.dotsAcross, row, line.glyph, line.style.with(.bold))
        }
    }

    /// A "!" at the top of each column where a series blew up (NaN or infinity).
    func drawBlowUps(_ binned: [[Column]], into buffer: inout Buffer, plot: Rect, dotsAcross: Int) {
        for (line, columns) in zip(series, binned) {
            for (x, column) in columns.enumerated() where column.blownUp {
                buffer.put(plot.x + x / dotsAcross, plot.y, "!", line.style.with(.bold))
            }
        }
    }

    /// The cursor: a dotted rule through the empty cells of the plot at its x (the
    /// data it crosses stays as it is).
    func drawCursor(into buffer: inout Buffer, plot: Rect, layout: XLayout, dotsAcross: Int, context: RenderContext) {
        guard let cursor else { return }
        let dot = layout.column(cursor)
        guard dot >= 0 && dot < layout.dots else { return }
        let x = plot.x + dot / dotsAcross
        for y in plot.y..<plot.maxY where buffer[x, y].character == " " {
            buffer.put(x, y, context.unicode ? "┊" : ":", cursorStyle)
        }
    }
}
