import Foundation

/// A chart of series over x in braille (2 x 4 dots a cell), with a y axis (linear,
/// or logarithmic with decade labels), an x axis that carries event markers, a
/// cursor, and horizontal reference lines such as a baseline or a clip threshold.
///
/// Every series is a list of samples, each covering a stretch of x: one exact point,
/// or many points merged (their minimum, maximum and mean). A chart column summarises
/// the samples that fall in it the same way however they are stored, so a history
/// that keeps its recent points exactly and its past merged draws as one picture:
///
/// - a `.band` series draws the spread of its samples, minimum to maximum, in every
///   column (sparse points are joined by lines);
/// - a `.line` series draws one continuous line through the mean of each column;
/// - a `.points` series draws a line through its points and a marker at each, where
///   they are far enough apart to be told apart.
///
/// Series are layered in order, the last on top: a cell shows only its top layer's
/// dots, so a line drawn last is never hidden. References lie over every series,
/// dashed so the data shows between their dashes.
///
/// ```swift
/// var chart = LineChart()
/// chart.series = [
///     .init(name: "raw", kind: .band, samples: raw, style: faint),
///     .init(name: "smoothed", kind: .line, samples: smoothed, style: bold),
/// ]
/// chart.render(into: &buffer, area: rect, context: .full)
/// ```
/// NaN and infinite values are not drawn: a "!" marks their column at the top, so a
/// blow-up is seen rather than silently dropped.
public struct LineChart: Widget, Sendable {
    public struct Series: Sendable {
        public enum Kind: Sendable {
            case band, line, points
        }

        public var name: String
        public var kind: Kind
        public var samples: [ChartSample]
        public var style: Style
        /// What marks a `.points` series' points, and draws any series where there is
        /// no braille.
        public var glyph: Unicode.Scalar
        /// Dots on and off along x (nil for a solid line): how lines are told apart
        /// where colours do not show.
        public var dash: Dash?

        public init(name: String, kind: Kind, samples: [ChartSample], style: Style, glyph: Unicode.Scalar = "*", dash: Dash? = nil) {
            self.name = name
            self.kind = kind
            self.samples = samples
            self.style = style
            self.glyph = glyph
            self.dash = dash
        }
    }

    /// A dash pattern: `on` dots drawn, then `off` dots left out, along x.
    public struct Dash: Sendable, Equatable {
        public var on: Int
        public var off: Int

        public init(on: Int, off: Int) {
            self.on = max(on, 1)
            self.off = max(off, 0)
        }
    }

    /// A horizontal line across the whole plot at a value.
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

    /// A one-character mark on the x axis at an x: an event.
    public struct AxisMarker: Sendable {
        public var x: Double
        public var symbol: Unicode.Scalar
        public var style: Style

        public init(x: Double, symbol: Unicode.Scalar, style: Style) {
            self.x = x
            self.symbol = symbol
            self.style = style
        }
    }

    public var series: [Series] = []
    public var references: [Reference] = []
    public var markers: [AxisMarker] = []
    public var logScale = false
    /// Scales y to the 1st to 99th percentile of the columns' values (and the
    /// reference lines), so a few spikes do not flatten the rest; they run off the top.
    public var ignoresOutliers = false
    /// The x range to show; nil for the data's.
    public var xRange: ClosedRange<Double>?
    /// How x is labelled: in its own units, or converted (epochs, time).
    public var xScale = XScale.identity
    /// An x to mark with a vertical line across the plot.
    public var cursor: Double?
    public var cursorStyle = Style.plain
    public var axisStyle = Style.plain
    public var labelStyle = Style.plain

    public init() {}

    /// Draws the chart: the y axis and its labels on the left, the plot, and under it
    /// the x axis line with the markers and a row of x labels (when there is room).
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard area.width >= 8 && area.height >= 3 else { return }
        let axisRows = area.height >= 5 ? 2 : 1
        let plotRows = area.height - axisRows
        let (xLow, xHigh) = xBounds()
        guard let (low, high) = yBounds(xLow...max(xLow, xHigh)) else {
            buffer.text(area.x, area.y, "no data yet", labelStyle, limit: area.width)
            return
        }
        let ticks = yTicks(low, high, rows: plotRows)
        let labelWidth = min(max(ticks.map(\.label.count).max() ?? 1, 1), 8)
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: plotRows)
        guard plot.width >= 2 else { return }
        let layout = XLayout(low: xLow, high: xHigh, dots: plot.width * (context.unicode ? 2 : 1))
        let binned = series.map { layout.bin($0.samples, plotted: plotted) }
        var canvas = Canvas(columns: plot.width, rows: plot.height, unicode: context.unicode)
        // One mapping from value to row for the ticks, the data and the reference lines.
        let mapping = YMapping(low: low, high: high, dots: canvas.height, dotsDown: canvas.dotsDown)
        var pointMarks = [(column: Int, row: Int, glyph: Unicode.Scalar, style: Style)]()
        for (line, columns) in zip(series, binned) {
            canvas.beginLayer(Canvas.Pen(style: line.style, ascii: line.glyph, dash: line.dash))
            switch line.kind {
            case .band: drawBand(columns, on: &canvas, mapping)
            case .line: drawLine(columns, on: &canvas, mapping)
            case .points: pointMarks += drawPoints(columns, line, on: &canvas, mapping)
            }
        }
        drawReferences(&canvas, mapping)
        canvas.render(into: &buffer, x: plot.x, y: plot.y)
        for mark in pointMarks { buffer.put(plot.x + mark.column, plot.y + mark.row, mark.glyph, mark.style) }
        drawBlowUps(binned, into: &buffer, plot: plot, dotsAcross: canvas.dotsAcross)
        drawCursor(into: &buffer, plot: plot, layout: layout, dotsAcross: canvas.dotsAcross, context: context)
        drawYAxis(into: &buffer, area: area, plot: plot, ticks: ticks, mapping: mapping, labelWidth: labelWidth, context: context)
        drawXAxis(into: &buffer, plot: plot, rows: axisRows, layout: layout, dotsAcross: canvas.dotsAcross, context: context)
    }

    /// A value in plotted units (log10 for a log scale), or nil when it cannot be
    /// plotted.
    func plotted(_ value: Double) -> Double? {
        let v = logScale ? (value > 0 ? log10(value) : .nan) : value
        return v.isFinite ? v : nil
    }

    private func xBounds() -> (Double, Double) {
        if let xRange { return (xRange.lowerBound, xRange.upperBound) }
        var low = Double.infinity, high = -Double.infinity
        for line in series {
            for sample in line.samples where sample.x0.isFinite && sample.x1.isFinite {
                low = min(low, sample.x0)
                high = max(high, sample.x1)
            }
        }
        return low <= high ? (low, high) : (0, 1)
    }

    /// The y range of the samples in the x range and of the reference lines, padded
    /// a little.
    private func yBounds(_ xRange: ClosedRange<Double>) -> (Double, Double)? {
        var finite = [Double]()
        for line in series {
            for sample in line.samples where sample.x1 >= xRange.lowerBound && sample.x0 <= xRange.upperBound {
                if let low = plotted(sample.low) { finite.append(low) }
                if sample.high != sample.low, let high = plotted(sample.high) { finite.append(high) }
            }
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

    /// The y ticks for `rows` rows of plot: about one every second row, at least three.
    /// A reference line at a round value (a clip threshold of 1) comes first, so the
    /// row it is drawn in is labelled with its value, not with a neighbour's that
    /// shares the row.
    private func yTicks(_ low: Double, _ high: Double, rows: Int) -> [(value: Double, label: String)] {
        let referenceTicks = references.compactMap { reference -> (value: Double, label: String)? in
            let label = Axis.label(reference.value)
            guard let position = plotted(reference.value), position >= low, position <= high, Double(label) == reference.value else { return nil }
            return (position, label)
        }
        return referenceTicks + Axis.ticks(low, high, count: max(rows / 2, 2), logarithmic: logScale).map { ($0.position, $0.label) }
    }

    /// The `k`th smallest of `values` (which it reorders), in linear time on average:
    /// a percentile without sorting every column each frame.
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
}
