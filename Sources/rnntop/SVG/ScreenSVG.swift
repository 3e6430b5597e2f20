import TerminalUI

/// A screen as an SVG picture, like a screenshot of the terminal: each cell's
/// background, its character in its colour and weight, and the chart glyphs drawn
/// as shapes (braille dots as dots, block elements as rectangles), so the picture
/// looks the same whatever fonts the viewer has. Written with `SVGDocument`, the one
/// SVG writer, which escapes every text.
enum ScreenSVG {
    /// Pixels per cell.
    static let cellWidth = 10.0
    static let cellHeight = 20.0

    /// The SVG document for `buffer`; `foreground` and `background` stand in for the
    /// terminal's own colours.
    static func document(_ buffer: Buffer, foreground: RGB, background: RGB) -> String {
        var svg = SVGDocument(
            width: Int(Double(buffer.width) * cellWidth), height: Int(Double(buffer.height) * cellHeight), background: background.hex,
            fontFamily: "DejaVu Sans Mono, Menlo, Consolas, monospace")
        for y in 0..<buffer.height {
            backgrounds(of: buffer, row: y, default: background, into: &svg)
            for x in 0..<buffer.width where buffer[x, y].character != " " {
                glyph(buffer[x, y], x: Double(x) * cellWidth, y: Double(y) * cellHeight, default: foreground, into: &svg)
            }
        }
        return svg.rendered()
    }

    /// One rectangle per run of cells with the same background other than the default.
    private static func backgrounds(of buffer: Buffer, row y: Int, default fallback: RGB, into svg: inout SVGDocument) {
        var x = 0
        while x < buffer.width {
            guard case .rgb(let color) = buffer[x, y].style.background, color != fallback else {
                x += 1
                continue
            }
            var end = x + 1
            while end < buffer.width, buffer[end, y].style.background == .rgb(color) { end += 1 }
            svg.filledRectangle(
                x: Double(x) * cellWidth, y: Double(y) * cellHeight, width: Double(end - x) * cellWidth, height: cellHeight, fill: color.hex,
                opacity: 1)
            x = end
        }
    }

    private static func glyph(_ cell: Cell, x: Double, y: Double, default fallback: RGB, into svg: inout SVGDocument) {
        let color: RGB
        if case .rgb(let rgb) = cell.style.foreground { color = rgb } else { color = fallback }
        let attributes = cell.style.attributes
        let opacity = attributes.contains(.dim) ? 0.6 : 1
        let scalar = cell.character.value
        switch scalar {
        case 0x2801...0x28FF:
            // Braille: dots 1-3 and 7 down the left column, 4-6 and 8 down the right.
            let bits = scalar - 0x2800
            let positions: [(UInt32, Double, Double)] = [
                (0x01, 0, 0), (0x02, 0, 1), (0x04, 0, 2), (0x40, 0, 3), (0x08, 1, 0), (0x10, 1, 1), (0x20, 1, 2), (0x80, 1, 3),
            ]
            let radius = attributes.contains(.bold) ? 1.9 : 1.5
            for (bit, column, row) in positions where bits & bit != 0 {
                svg.circle(
                    x: x + (column + 0.5) * cellWidth / 2, y: y + (row + 0.5) * cellHeight / 4, radius: radius, fill: color.hex, stroke: "none",
                    opacity: opacity)
            }
        case 0x2580:  // ▀: the upper half in the foreground colour
            svg.filledRectangle(x: x, y: y, width: cellWidth, height: cellHeight / 2, fill: color.hex, opacity: 1)
        case 0x2581...0x2588:  // ▁ to █: eighths from the bottom
            let eighths = Double(scalar - 0x2580)
            svg.filledRectangle(
                x: x, y: y + cellHeight * (1 - eighths / 8), width: cellWidth, height: cellHeight * eighths / 8, fill: color.hex, opacity: 1)
        default:
            svg.text(
                String(Character(cell.character)), x: x, y: y + cellHeight * 0.75, size: 16, fill: color.hex, bold: attributes.contains(.bold),
                underline: attributes.contains(.underline), opacity: opacity)
        }
    }
}
