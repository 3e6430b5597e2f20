import Foundation

/// One bar per value (a gradient norm per time step) on a logarithmic scale in whole
/// decades (`Axis.profileDecades`), so a profile that falls by 20 decades is still
/// seen whole and one within a decade still has a shape: decade labels on the left,
/// eighth blocks for the tops of the bars. A zero shows as "·" (below the float
/// range), a value below the axis as "↓", NaN or infinity as "!".
public struct BarProfile: Widget, Sendable {
    public var values: [Double]
    public var style: Style
    public var labelStyle = Style.plain
    /// Values the axis must span besides these (the last few profiles, so the axis
    /// holds still from frame to frame; several runs', so they share one); nil for
    /// this profile's own.
    public var range: ClosedRange<Double>?

    public init(values: [Double], style: Style) {
        self.values = values
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard !values.isEmpty, area.width >= 6, area.height >= 1 else { return }
        var positives = values.filter { $0 > 0 && $0.isFinite }
        if let range { positives += [range.lowerBound, range.upperBound].filter { $0 > 0 && $0.isFinite } }
        let decades = Axis.profileDecades(positives.min() ?? 1, positives.max() ?? 1)
        let low = Double(decades.lowerBound), high = Double(decades.upperBound)
        let labels = [Axis.decadeLabel(decades.upperBound), Axis.decadeLabel(decades.lowerBound)]
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
            guard log10(value) >= low else {
                buffer.put(x, bars.maxY - 1, context.unicode ? "↓" : "v", style)
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
