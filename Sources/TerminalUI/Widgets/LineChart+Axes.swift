import Foundation

/// How x values are labelled: in their own units, or converted to others (a
/// chart over steps labelled in epochs or in time), with ticks at round values of
/// the units shown.
public struct XScale: Sendable {
    /// x in the units shown, and back (both increasing).
    public var toShown: @Sendable (Double) -> Double
    public var fromShown: @Sendable (Double) -> Double
    /// Seconds, shown as 0:30, 1:00, 1:00:00, with ticks on round seconds, minutes
    /// and hours.
    public var isClock: Bool

    public init(toShown: @escaping @Sendable (Double) -> Double, fromShown: @escaping @Sendable (Double) -> Double, isClock: Bool = false) {
        self.toShown = toShown
        self.fromShown = fromShown
        self.isClock = isClock
    }

    public static let identity = XScale(toShown: { $0 }, fromShown: { $0 })

    /// About `count` ticks between `low` and `high` (x units), each with a label
    /// in the units shown; no two labels alike.
    func ticks(_ low: Double, _ high: Double, count: Int) -> [(x: Double, label: String)] {
        let shownLow = toShown(low), shownHigh = toShown(high)
        guard shownHigh > shownLow else { return [(low, Axis.label(shownLow))] }
        if isClock {
            let ticks = Axis.clockTicks(shownLow, shownHigh, count: count)
            let step = zip(ticks, ticks.dropFirst()).map { $1 - $0 }.min() ?? 1
            return ticks.map { (fromShown($0), Axis.clock($0, step: step)) }
        }
        return Axis.labelled(Axis.linearTicks(shownLow, shownHigh, count: count)).map { (fromShown($0.value), $0.label) }
    }
}

/// The axes: decade or linear ticks on the left, the x axis line with its markers,
/// and the x labels under it.
extension LineChart {
    func drawYAxis(
        into buffer: inout Buffer, area: Rect, plot: Rect, ticks: [(value: Double, label: String)], mapping: YMapping,
        labelWidth: Int, context: RenderContext
    ) {
        let vertical: Unicode.Scalar = context.unicode ? "│" : "|"
        let tick: Unicode.Scalar = context.unicode ? "┤" : "+"
        for row in 0..<plot.height { buffer.put(plot.x - 1, plot.y + row, vertical, axisStyle) }
        var labelled = Set<Int>()
        for (value, label) in ticks {
            let row = plot.y + mapping.cellRow(value)
            // Two ticks in one row would overwrite each other's label: the first stays.
            guard row >= plot.y && row < plot.maxY, labelled.insert(row).inserted else { continue }
            buffer.put(plot.x - 1, row, tick, axisStyle)
            let text = String(label.prefix(labelWidth))
            buffer.text(area.x + labelWidth - text.count, row, text, labelStyle)
        }
    }

    /// The axis line with a tick under each label and the event markers on it, then
    /// the labels; with one row only, the labels.
    func drawXAxis(into buffer: inout Buffer, plot: Rect, rows: Int, layout: XLayout, dotsAcross: Int, context: RenderContext) {
        let ticks = xScale.ticks(layout.low, layout.high, count: max(2, plot.width / 12))
        func cell(_ x: Double) -> Int? {
            let dot = layout.column(x)
            return dot >= 0 && dot < layout.dots ? dot / dotsAcross : nil
        }
        var labelRow = plot.maxY
        if rows == 2 {
            let y = plot.maxY
            buffer.put(plot.x - 1, y, context.unicode ? "└" : "+", axisStyle)
            for column in 0..<plot.width { buffer.put(plot.x + column, y, context.unicode ? "─" : "-", axisStyle) }
            for tick in ticks { if let c = cell(tick.x) { buffer.put(plot.x + c, y, context.unicode ? "┴" : "+", axisStyle) } }
            for marker in markers { if let c = cell(marker.x) { buffer.put(plot.x + c, y, marker.symbol, marker.style) } }
            labelRow += 1
        }
        // Labels centred on their ticks, the ends kept inside; one that would touch
        // its neighbour is left out.
        var free = plot.x - 1
        for tick in ticks {
            guard let c = cell(tick.x) else { continue }
            let width = tick.label.count
            let start = min(max(plot.x + c - width / 2, plot.x - 1), plot.maxX - width)
            guard start > free else { continue }
            buffer.text(start, labelRow, tick.label, labelStyle)
            free = start + width
        }
    }
}
