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
        guard let (low, high) = yBounds(xLow...max(xLow, xHigh)) else {
            buffer.text(area.x, area.y, "no data yet", labelStyle, limit: area.width)
            return
        }
        let ticks = yTicks(low, high, rows: plotRows)
        let labelWidth = min(max(ticks.map(\.label.count).max() ?? 1, 1), 8)
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: plotRows)
        guard plot.width >= 2 else { return }
        var canvas = Canvas(columns: plot.width, rows: plot.height, unicode: context.unicode)

        func dotY(_ value: Double) -> Int? {
            let v = logScale ? (value > 0 ? log10(value) : Double.nan) : value
            guard v.isFinite else { return nil }
            return Int(((1 - Self.fraction(v, low, high)) * Double(canvas.height - 1)).rounded())
        }
        func dotX(_ x: Double) -> Int {
            let t = xHigh > xLow ? (x - xLow) / (xHigh - xLow) : 1
            return Int((t * Double(canvas.width - 1)).rounded())
        }

        for reference in references {
            guard let y = dotY(reference.value) else { continue }
            for x in stride(from: 0, to: canvas.width, by: 2) { canvas.set(x, y, reference.style) }
        }
        var blowUps = [(Int, Style)]()
        for line in series {
            var previous: (Int, Int)?
            for point in line.points where point.x >= xLow && point.x <= xHigh {
                guard point.y.isFinite else {
                    blowUps.append((dotX(point.x) / canvas.dotsAcross, line.style))
                    previous = nil
                    continue
                }
                guard let y = dotY(point.y) else {
                    previous = nil
                    continue
                }
                let x = dotX(point.x)
                if let (px, py) = previous { canvas.line(px, py, x, y, line.style) } else { canvas.set(x, y, line.style) }
                previous = (x, y)
            }
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

    /// The y range, in plotted units (log10 for a log scale), of the points in the
    /// x range, padded a little.
    private func yBounds(_ xRange: ClosedRange<Double>) -> (Double, Double)? {
        func plotted(_ values: [Double]) -> [Double] {
            (logScale ? values.filter { $0 > 0 }.map(log10) : values).filter(\.isFinite)
        }
        var finite = plotted(series.flatMap { $0.points.filter { xRange.contains($0.x) }.map(\.y) })
        if ignoresOutliers && finite.count >= 20 {
            finite.sort()
            let cut = finite.count / 100
            finite = Array(finite[cut..<(finite.count - cut)])
        }
        finite += plotted(references.map(\.value))
        guard var low = finite.min(), var high = finite.max() else { return nil }
        // Halves first, so that the span of ±1e308 does not overflow.
        let halfSpan = high / 2 - low / 2
        let pad = halfSpan < 1e-12 * max(abs(high), 1) ? (logScale ? 0.5 : max(abs(high) * 0.1, 1e-6)) : (logScale ? 0 : halfSpan * 0.1)
        low = max(low - pad, -Double.greatestFiniteMagnitude)
        high = min(high + pad, Double.greatestFiniteMagnitude)
        return (low, high)
    }

    /// Where `value` lies between `low` and `high`, 0 to 1, without overflowing.
    static func fraction(_ value: Double, _ low: Double, _ high: Double) -> Double {
        let span = high / 2 - low / 2
        return span > 0 ? (value / 2 - low / 2) / span : 0.5
    }

    private func xBounds() -> (Double, Double) {
        if let xRange { return (xRange.lowerBound, xRange.upperBound) }
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        return (xs.min() ?? 0, xs.max() ?? 1)
    }

    private func yTicks(_ low: Double, _ high: Double, rows: Int) -> [(value: Double, label: String)] {
        let count = max(rows / 3, 2)
        if logScale {
            return Axis.decadeTicks(low, high, count: count).map { (Double($0), Axis.decadeLabel($0)) }
        }
        return Axis.linearTicks(low, high, count: count).map { ($0, Axis.label($0)) }
    }
}
