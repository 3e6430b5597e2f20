/// A series in one row of eighth blocks, scaled between its minimum and maximum.
public struct Sparkline: Widget, Sendable {
    public var values: [Double]
    public var style: Style

    public init(values: [Double], style: Style) {
        self.values = values
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), area.width > 0, area.height > 0 else { return }
        let levels: [Unicode.Scalar] = context.unicode ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["_", ".", "-", "-", "=", "=", "#", "#"]
        let count = min(area.width, values.count)
        for i in 0..<count {
            let span = Heatmap.span(i, of: count, over: values.count)
            let slice = span.map { values[$0] }
            guard slice.allSatisfy(\.isFinite) else {
                buffer.put(area.x + i, area.y, "!", style.with(.bold))
                continue
            }
            let value = slice.reduce(0, +) / Double(slice.count)
            let t = high > low ? (value - low) / (high - low) : 0.5
            buffer.put(area.x + i, area.y, levels[min(Int(t * 8), 7)], style)
        }
    }
}
