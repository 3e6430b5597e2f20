import Foundation

/// A line chart of several series in braille (2 x 4 dots a cell), with a y axis
/// (linear, or logarithmic with decade labels), an x axis, and horizontal reference
/// lines such as a baseline or a clip threshold.
///
/// ```swift
/// var chart = LineChart()
/// chart.series = [.init(name: "loss", points: [(1, 0.9), (2, 0.5)], style: Style(foreground: .rgb(RGB(0, 200, 255))))]
/// chart.render(into: &buffer, area: rect, context: .full)
/// ```
/// NaN and infinite values are not drawn as points: a "!" marks their column at the
/// top, so a blow-up is seen rather than silently dropped.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style

        public init(name: String, points: [(x: Double, y: Double)], style: Style) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    public struct Reference: Sendable {
        public var label: String
        public var value: Double
        public var style: Style

        public init(label: String, value: Double, style: Style) {
            self.label = label
            self.value = value
            self.style = style
        }
    }

    public var series: [Series] = []
    public var references: [Reference] = []
    public var logScale = false
    /// Scales y to the 1st to 99th percentile of the series (and the reference
    /// lines), so a few spikes do not flatten the rest; the spikes run off the top.
    public var ignoresOutliers = false
    /// The x range to show; nil for the data's.
    public var xRange: ClosedRange<Double>?
    public var axisStyle = Style.plain
    public var labelStyle = Style.plain

    public init() {}

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard area.width >= 8 && area.height >= 3 else { return }
        let plotRows = area.height - 1  // the bottom row holds the x labels
        let (xLow, xHigh) = xBounds()
        let visible = series.map { plottedPoints($0, in: xLow...max(xLow, xHigh)) }
        guard let (low, high) = yBounds(visible) else {
            buffer.text(area.x, area.y, "no data yet", labelStyle, limit: area.width)
            return
        }
        let ticks = yTicks(low, high, rows: plotRows)
        let labelWidth = min(max(ticks.map(\.label.count).max() ?? 1, 1), 8)
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: plotRows)
        guard plot.width >= 2 else { return }
        var canvas = Canvas(columns: plot.width, rows: plot.height, unicode: context.unicode)

        // Dots per unit, from halves so that a span of ±1e308 does not overflow; a
        // flat range sits in the middle.
        let halfSpan = high / 2 - low / 2
        let yScale = halfSpan > 0 ? Double(canvas.height - 1) / halfSpan : 0
        let yOffset = halfSpan > 0 ? 0 : Double(canvas.height - 1) / 2
        let xScale = xHigh > xLow ? Double(canvas.width - 1) / (xHigh - xLow) : 0
        let xOffset = xHigh > xLow ? 0 : Double(canvas.width - 1)
        func dotY(plotted v: Double) -> Int {
            let fromTop = Double(canvas.height - 1) - ((v / 2 - low / 2) * yScale + yOffset)
            // Points off the chart (outliers) are held just beyond its edge, so a
            // line towards them leaves the chart at the right place and stays short.
            let limit = Double(canvas.height)
            return Int(min(max(fromTop, -limit), 2 * limit) + (fromTop < 0 ? -0.5 : 0.5))
        }
        func dotX(_ x: Double) -> Int {
            let fromLeft = (x - xLow) * xScale + xOffset
            return Int(fromLeft + (fromLeft < 0 ? -0.5 : 0.5))
        }

        for reference in references {
            guard let v = plotted(reference.value) else { continue }
            let y = dotY(plotted: v)
            for x in stride(from: 0, to: canvas.width, by: 2) { canvas.set(x, y, reference.style) }
        }
        var blowUps = [(Int, Style)]()
        for (line, points) in zip(series, visible) {
            // Points that fall in one column of dots become one vertical stroke from
            // their lowest to their highest, joined to the next column by a line: the
            // same dots as joining every point, at a cost that follows the width.
            var column: (x: Int, low: Int, high: Int, last: Int)?
            func finishColumn() {
                guard let c = column else { return }
                canvas.line(c.x, c.low, c.x, c.high, line.style)
            }
            for point in points {
                guard point.v.isFinite else {
                    if point.v.isInfinite { blowUps.append((dotX(point.x) / canvas.dotsAcross, line.style)) }
                    finishColumn()
                    column = nil
                    continue
                }
                let (x, y) = (dotX(point.x), dotY(plotted: point.v))
                if let c = column, c.x == x {
                    column = (x, min(c.low, y), max(c.high, y), y)
                    continue
                }
                finishColumn()
                if let c = column { canvas.line(c.x, c.last, x, y, line.style) }
                column = (x, y, y, y)
            }
            finishColumn()
        }
        canvas.render(into: &buffer, x: plot.x, y: plot.y)
        for (column, style) in blowUps { buffer.put(plot.x + column, plot.y, "!", style.with(.bold)) }

        // The y axis: a line with a tick and a label at each tick value.
        let vertical: Unicode.Scalar = context.unicode ? "│" : "|"
        let tick: Unicode.Scalar = context.unicode ? "┤" : "+"
        for row in 0..<plot.height { buffer.put(plot.x - 1, plot.y + row, vertical, axisStyle) }
        for (value, label) in ticks {
            let t = Self.fraction(value, low, high)
            let row = plot.y + Int(((1 - t) * Double(plot.height - 1)).rounded())
            buffer.put(plot.x - 1, row, tick, axisStyle)
            let text = String(label.prefix(labelWidth))
            buffer.text(area.x + labelWidth - text.count, row, text, labelStyle)
        }
        // The x axis labels: the range's ends and a middle value.
        let bottom = area.y + plotRows
        let left = Axis.label(xLow.rounded()), right = Axis.label(xHigh.rounded())
        buffer.text(plot.x, bottom, left, labelStyle, limit: plot.width)
        buffer.text(plot.maxX - right.count, bottom, right, labelStyle)
        let middle = Axis.label(((xLow + xHigh) / 2).rounded())
        let middleStart = plot.x + (plot.width - middle.count) / 2
        if middleStart > plot.x + left.count + 1 && middleStart + middle.count < plot.maxX - right.count - 1 {
            buffer.text(middleStart, bottom, middle, labelStyle)
        }
    }

    /// A value in plotted units (log10 for a log scale), or nil when it cannot be
    /// plotted.
    private func plotted(_ value: Double) -> Double? {
        let v = logScale ? (value > 0 ? log10(value) : .nan) : value
        return v.isFinite ? v : nil
    }

    /// The points of a series inside the x range with y in plotted units: NaN
    /// for a gap (zero or less on a log scale), infinity for a blow-up (NaN or
    /// infinite data), marked but not drawn.
    private func plottedPoints(_ line: Series, in xRange: ClosedRange<Double>) -> [(x: Double, v: Double)] {
        var points = [(x: Double, v: Double)]()
        points.reserveCapacity(line.points.count)
        for point in line.points where xRange.contains(point.x) {
            points.append((point.x, point.y.isFinite ? plotted(point.y) ?? .nan : .infinity))
        }
        return points
    }

    /// The y range of the plotted points and the reference lines, padded a little.
    private func yBounds(_ visible: [[(x: Double, v: Double)]]) -> (Double, Double)? {
        var finite = [Double]()
        finite.reserveCapacity(visible.reduce(0) { $0 + $1.count })
        for points in visible {
            for point in points where point.v.isFinite { finite.append(point.v) }
        }
        if ignoresOutliers && finite.count >= 100 {
            let cut = finite.count / 100
            finite = [Self.select(cut, in: &finite), Self.select(finite.count - 1 - cut, in: &finite)]
        }
        finite += references.compactMap { plotted($0.value) }
        guard var low = finite.min(), var high = finite.max() else { return nil }
        // Halves first, so that the span of ±1e308 does not overflow.
        let halfSpan = high / 2 - low / 2
        let pad = halfSpan < 1e-12 * max(abs(high), 1) ? (logScale ? 0.5 : max(abs(high) * 0.1, 1e-6)) : (logScale ? 0 : halfSpan * 0.1)
        low = max(low - pad, -Double.greatestFiniteMagnitude)
        high = min(high + pad, Double.greatestFiniteMagnitude)
        return (low, high)
    }

    /// The `k`th smallest of `values` (which it reorders), in linear time on average:
    /// a percentile without sorting every point of a long history each frame.
    static func select(_ k: Int, in values: inout [Double]) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                break
            }
        }
        return values[k]
    }

    /// Where `value` lies between `low` and `high`, 0 to 1, without overflowing.
    static func fraction(_ value: Double, _ low: Double, _ high: Double) -> Double {
        let span = high / 2 - low / 2
        return span > 0 ? (value / 2 - low / 2) / span : 0.5
    }

    private func xBounds() -> (Double, Double) {
        if let xRange { return (xRange.lowerBound, xRange.upperBound) }
        var low = Double.infinity, high = -Double.infinity
        for line in series {
            for point in line.points where point.x.isFinite {
                low = min(low, point.x)
                high = max(high, point.x)
            }
        }
        return low <= high ? (low, high) : (0, 1)
    }

    private func yTicks(_ low: Double, _ high: Double, rows: Int) -> [(value: Double, label: String)] {
        let count = max(rows / 3, 2)
        if logScale {
            return Axis.decadeTicks(low, high, count: count).map { (Double($0), Axis.decadeLabel($0)) }
        }
        return Axis.linearTicks(low, high, count: count).map { ($0, Axis.label($0)) }
    }
}
