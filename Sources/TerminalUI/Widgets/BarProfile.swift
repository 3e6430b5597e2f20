import Foundation

/// One bar per value (a gradient norm per time step) on a logarithmic scale, so a
/// profile that falls by 25 decades or more is still seen whole: decade labels on
/// the left, eighth blocks for the tops of the bars. A zero shows as "·" (below the
/// float range), NaN or infinity as "!".
public struct BarProfile: Widget, Sendable {
    public var values: [Double]
    public var style: Style
    public var labelStyle = Style.plain
    /// The smallest value the axis must show (the lowest seen over a run, say), so the
    /// bars keep their scale from one frame to the next; nil for this profile's own.
    public var floor: Double?
    /// The largest value the axis must show (the highest of several profiles drawn
    /// side by side, so they share a scale); nil for this profile's own.
    public var ceiling: Double?

    public init(values: [Double], style: Style) {
        self.values = values
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard !values.isEmpty, area.width >= 6, area.height >= 1 else { return }
        var positives = values.filter { $0 > 0 && $0.isFinite }.map(log10)
        if let floor = self.floor, floor > 0, floor.isFinite { positives.append(log10(floor)) }
        if let ceiling, ceiling > 0, ceiling.isFinite { positives.append(log10(ceiling)) }
        let low = (positives.min() ?? 0).rounded(.down), high = max((positives.max() ?? 1).rounded(.up), low + 1)
        let labels = [Axis.decadeLabel(Int(high)), Axis.decadeLabel(Int(low))]
        let labelWidth = min(labels.map(\.count).max()!, 6)
        buffer.text(area.x + labelWidth - min(labels[0].count, labelWidth), area.y, String(labels[0].prefix(labelWidth)), labelStyle)
        if area.height > 1 {
            buffer.text(
                area.x + labelWidth - min(labels[1].count, labelWidth), area.maxY - 1, String(labels[1].prefix(labelWidth)),
                labelStyle)
        }
        let bars = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: area.height)
        // Every column of the area: a wide area stretches the steps over all of it.
        let columns = bars.width
        let eighths: [Unicode.Scalar] = context.unicode ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["_", "_", "-", "-", "=", "=", "#", "#"]
        for column in 0..<columns {
            let span = Heatmap.span(column, of: columns, over: values.count)
            let value = span.map { values[$0] }.max { a, b in a.isFinite && (!b.isFinite || a < b) }!
            let x = bars.x + column
            guard value.isFinite else {
                buffer.put(x, bars.y, "!", style.with(.bold))
                continue
            }
            guard value > 0 else {
                buffer.put(x, bars.maxY - 1, context.unicode ? "·" : ".", labelStyle)
                continue
            }
            let height = (log10(value) - low) / (high - low) * Double(bars.height * 8)
            let filled = max(1, Int(height.rounded()))
            for row in 0..<bars.height {
                let level = filled - row * 8
                guard level > 0 else { break }
                buffer.put(x, bars.maxY - 1 - row, eighths[min(level, 8) - 1], style)
            }
        }
    }
}
