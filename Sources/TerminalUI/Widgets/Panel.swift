/// A box with a title in its top border; what it encloses is for other widgets.
public struct Panel: Sendable {
    public var title: String
    public var style: Style
    public var titleStyle: Style

    public init(title: String, style: Style, titleStyle: Style) {
        self.title = title
        self.style = style
        self.titleStyle = titleStyle
    }

    /// Draws the box and returns the area inside it.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) -> Rect {
        guard area.width >= 2 && area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let (h, v, tl, tr, bl, br): (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) =
            context.unicode ? ("─", "│", "┌", "┐", "└", "┘") : ("-", "|", "+", "+", "+", "+")
        for x in area.x..<area.maxX {
            buffer.put(x, area.y, h, style)
            buffer.put(x, area.maxY - 1, h, style)
        }
        for y in area.y..<area.maxY {
            buffer.put(area.x, y, v, style)
            buffer.put(area.maxX - 1, y, v, style)
        }
        buffer.put(area.x, area.y, tl, style)
        buffer.put(area.maxX - 1, area.y, tr, style)
        buffer.put(area.x, area.maxY - 1, bl, style)
        buffer.put(area.maxX - 1, area.maxY - 1, br, style)
        if !title.isEmpty && area.width > 4 {
            buffer.text(area.x + 1, area.y, " \(title) ", titleStyle, limit: area.width - 2)
        }
        return area.inset(1)
    }
}

/// A box in the middle of the screen over whatever is below: help, messages.
public struct Overlay: Widget, Sendable {
    public var title: String
    public var lines: [String]
    public var style: Style
    public var titleStyle: Style

    public init(title: String, lines: [String], style: Style, titleStyle: Style) {
        self.title = title
        self.lines = lines
        self.style = style
        self.titleStyle = titleStyle
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let width = min(area.width, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box, " ", style)
        let inside = Panel(title: title, style: style, titleStyle: titleStyle).render(into: &buffer, area: box, context: context)
        for (row, line) in lines.prefix(inside.height).enumerated() {
            buffer.text(inside.x + 1, inside.y + row, line, style, limit: inside.width - 1)
        }
    }
}
