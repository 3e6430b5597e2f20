import Foundation

/// A matrix as colours: rows (units) down, columns (time steps) across, two rows a
/// cell with the upper half block "▀" (foreground the upper row, background the
/// lower). A legend row below maps colours to values. Matrices larger than the area
/// are averaged down; smaller ones are stretched. Without colour, shades of
/// characters stand in; without UTF-8, one row a cell.
public struct Heatmap: Widget, Sendable {
    public var rows: Int
    public var columns: Int
    /// Row-major, `rows * columns`.
    public var values: [Float]
    public var map: ColorMap
    /// Colours by log10 of the magnitude (for values spanning decades, like
    /// gradients); diverging maps then keep the sign.
    public var logScale = false
    public var labelStyle = Style.plain

    public init(rows: Int, columns: Int, values: [Float], map: ColorMap) {
        self.rows = rows
        self.columns = columns
        self.values = values
        self.map = map
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard rows > 0, columns > 0, values.count == rows * columns, !area.isEmpty else { return }
        let (heat, legend) = area.height >= 3 ? splitLegend(area) : (area, nil)
        let scale = Scale(values: values, map: map, logScale: logScale)
        let perCell = context.unicode && context.color ? 2 : 1
        // Every column of the area: a wide area stretches the steps over all of it.
        let cellColumns = heat.width
        let cellRows = min(heat.height, (rows + perCell - 1) / perCell)
        let bands = cellRows * perCell  // horizontal bands of data rows, one per half cell
        for cy in 0..<cellRows {
            for cx in 0..<cellColumns {
                let columnRange = Self.span(cx, of: cellColumns, over: columns)
                let upper = average(rows: Self.span(cy * perCell, of: bands, over: rows), columns: columnRange)
                let position = (x: heat.x + cx, y: heat.y + cy)
                if !context.color {
                    buffer.put(position.x, position.y, scale.shade(upper), labelStyle)
                } else if perCell == 1 {
                    buffer.put(position.x, position.y, upper.isFinite ? " " : "!", Style(background: .rgb(scale.color(upper))))
                } else {
                    let lower = average(rows: Self.span(cy * 2 + 1, of: bands, over: rows), columns: columnRange)
                    let glyph: Unicode.Scalar = upper.isFinite && lower.isFinite ? "▀" : "!"
                    buffer.put(
                        position.x, position.y, glyph,
                        Style(foreground: .rgb(scale.color(upper)), background: .rgb(scale.color(lower))))
                }
            }
        }
        if let legend { scale.drawLegend(into: &buffer, area: legend, context: context, style: labelStyle) }
    }

    /// The row of `area` (as `render` lays it out) where data row `row` is drawn.
    public func cellRow(of row: Int, in area: Rect, context: RenderContext) -> Int? {
        guard row >= 0, row < rows, !area.isEmpty else { return nil }
        let heat = area.height >= 3 ? splitLegend(area).0 : area
        let perCell = context.unicode && context.color ? 2 : 1
        let bands = bands(forHeight: area.height, context: context)
        guard let band = (0..<bands).first(where: { Self.span($0, of: bands, over: rows).contains(row) }) else { return nil }
        return heat.y + band / perCell
    }

    /// How many bands of data rows an area `height` rows tall shows (two a cell with
    /// half blocks): fewer than `rows` when rows are averaged together.
    public func bands(forHeight height: Int, context: RenderContext) -> Int {
        let perCell = context.unicode && context.color ? 2 : 1
        let heatHeight = height >= 3 ? height - 1 : height
        return max(0, min(heatHeight, (rows + perCell - 1) / perCell)) * perCell
    }

    private func splitLegend(_ area: Rect) -> (Rect, Rect) {
        let (heat, rest) = area.splitTop(area.height - 1)
        return (heat, rest)
    }

    /// The data indices a cell (or half cell) `index` of `count` covers in `total`.
    static func span(_ index: Int, of count: Int, over total: Int) -> Range<Int> {
        let start = index * total / count
        let end = max(start + 1, (index + 1) * total / count)
        return start..<min(end, total)
    }

    /// The mean over a block; NaN when any value in it is not finite.
    private func average(rows: Range<Int>, columns columnRange: Range<Int>) -> Double {
        guard !rows.isEmpty, !columnRange.isEmpty else { return .nan }
        var sum = 0.0
        for r in rows {
            for c in columnRange { sum += Double(values[r * columns + c]) }
        }
        return sum / Double(rows.count * columnRange.count)
    }

    /// Values to colours.
    struct Scale {
        let map: ColorMap
        let logScale: Bool
        let low: Double
        let high: Double

        init(values: [Float], map: ColorMap, logScale: Bool) {
            self.map = map
            self.logScale = logScale
            let finite = values.map(Double.init).filter(\.isFinite)
            if logScale {
                let logs = finite.filter { $0 != 0 }.map { log10(abs($0)) }
                low = logs.min() ?? -1
                high = max(logs.max() ?? 0, low + 1e-9)
            } else if map.isDiverging {
                let largest = max(finite.map(abs).max() ?? 1, 1e-30)
                low = -largest
                high = largest
            } else {
                low = finite.min() ?? 0
                high = max(finite.max() ?? 1, low + 1e-30)
            }
        }

        /// 0...1 along the map.
        func position(_ value: Double) -> Double {
            guard value.isFinite else { return .nan }
            if logScale {
                guard value != 0 else { return map.isDiverging ? 0.5 : 0 }
                let t = (log10(abs(value)) - low) / (high - low)
                return map.isDiverging ? 0.5 + (value < 0 ? -t : t) / 2 : t
            }
            return (value - low) / (high - low)
        }

        func color(_ value: Double) -> RGB { map.color(at: position(value)) }

        /// A character whose density follows the value (magnitude for a diverging map).
        func shade(_ value: Double) -> Unicode.Scalar {
            let t = position(value)
            guard t.isFinite else { return "!" }
            return Self.shade(at: t, diverging: map.isDiverging)
        }

        /// The character at `t` (0...1) along the map, for a screen without colour:
        /// denser as the value grows; on a diverging map, by magnitude in two families,
        /// so the sign shows too (−1 is "#", +1 is "@", weak values "." and "'"; blank
        /// only within 2% of zero).
        static func shade(at t: Double, diverging: Bool) -> Unicode.Scalar {
            guard diverging else {
                let shades: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
                return shades[min(Int(t * Double(shades.count)), shades.count - 1)]
            }
            let negative: [Unicode.Scalar] = [".", "-", "=", "#"], positive: [Unicode.Scalar] = ["'", "+", "*", "@"]
            let magnitude = abs(t - 0.5) * 2
            guard magnitude >= 0.02 else { return " " }
            let level = min(Int(magnitude * Double(negative.count)), negative.count - 1)
            return t < 0.5 ? negative[level] : positive[level]
        }

        func drawLegend(into buffer: inout Buffer, area: Rect, context: RenderContext, style: Style) {
            let lowLabel = logScale ? "1e\(Int(low.rounded(.down)))" : Axis.label(low)
            let highLabel = logScale ? "1e\(Int(high.rounded(.up)))" : Axis.label(high)
            let used = buffer.text(area.x, area.y, lowLabel + " ", style, limit: area.width)
            let barWidth = max(0, min(24, area.width - used - highLabel.count - 1))
            for i in 0..<barWidth {
                let t = barWidth > 1 ? Double(i) / Double(barWidth - 1) : 0.5
                if context.color {
                    buffer.put(area.x + used + i, area.y, " ", Style(background: .rgb(map.color(at: t))))
                } else {
                    buffer.put(area.x + used + i, area.y, Self.shade(at: t, diverging: map.isDiverging), style)
                }
            }
            buffer.text(area.x + used + barWidth + 1, area.y, highLabel, style, limit: area.maxX - (area.x + used + barWidth + 1))
        }
    }
}
