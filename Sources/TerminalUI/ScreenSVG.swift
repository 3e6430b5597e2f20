import Foundation

/// A screen as an SVG picture, like a screenshot of the terminal: each cell's
/// background, its character in its colour and weight, and the chart glyphs drawn
/// as shapes (braille dots as dots, block elements as rectangles), so the picture
/// looks the same whatever fonts the viewer has.
public enum ScreenSVG {
    /// Pixels per cell.
    static let cellWidth = 10.0
    static let cellHeight = 20.0

    /// The SVG document for `buffer`; `foreground` and `background` stand in for the
    /// terminal's own colours.
    public static func document(_ buffer: Buffer, foreground: RGB, background: RGB) -> String {
        let width = Double(buffer.width) * cellWidth, height = Double(buffer.height) * cellHeight
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" \
            font-size="16">
            <rect width="100%" height="100%" fill="\(background.hex)"/>

            """
        for y in 0..<buffer.height {
            out += backgrounds(of: buffer, row: y, default: background)
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                guard cell.character != " " else { continue }
                out += glyph(cell, x: Double(x) * cellWidth, y: Double(y) * cellHeight, default: foreground)
            }
        }
        return out + "</svg>\n"
    }

    /// One rectangle per run of cells with the same background other than the default.
    private static func backgrounds(of buffer: Buffer, row y: Int, default fallback: RGB) -> String {
        var out = "", x = 0
        while x < buffer.width {
            guard case .rgb(let color) = buffer[x, y].style.background, color != fallback else {
                x += 1
                continue
            }
            var end = x + 1
            while end < buffer.width, buffer[end, y].style.background == .rgb(color) { end += 1 }
            out += rect(Double(x) * cellWidth, Double(y) * cellHeight, Double(end - x) * cellWidth, cellHeight, color)
            x = end
        }
        return out
    }

    private static func glyph(_ cell: Cell, x: Double, y: Double, default fallback: RGB) -> String {
        let color: RGB
        if case .rgb(let rgb) = cell.style.foreground { color = rgb } else { color = fallback }
        let attributes = cell.style.attributes
        let opacity = attributes.contains(.dim) ? " opacity=\"0.6\"" : ""
        let scalar = cell.character.value
        switch scalar {
        case 0x2801...0x28FF:
            // Braille: dots 1-3 and 7 down the left column, 4-6 and 8 down the right.
            let bits = scalar - 0x2800
            let positions: [(UInt32, Double, Double)] = [
                (0x01, 0, 0), (0x02, 0, 1), (0x04, 0, 2), (0x40, 0, 3), (0x08, 1, 0), (0x10, 1, 1), (0x20, 1, 2), (0x80, 1, 3),
            ]
            let radius = attributes.contains(.bold) ? 1.9 : 1.5
            return positions.filter { bits & $0.0 != 0 }.map { _, column, row in
                let cx = x + (column + 0.5) * cellWidth / 2, cy = y + (row + 0.5) * cellHeight / 4
                return "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"\(radius)\" fill=\"\(color.hex)\"\(opacity)/>\n"
            }.joined()
        case 0x2580:  // ▀: the upper half in the foreground colour
            return rect(x, y, cellWidth, cellHeight / 2, color)
        case 0x2581...0x2588:  // ▁ to █: eighths from the bottom
            let eighths = Double(scalar - 0x2580)
            return rect(x, y + cellHeight * (1 - eighths / 8), cellWidth, cellHeight * eighths / 8, color)
        default:
            let weight = attributes.contains(.bold) ? " font-weight=\"bold\"" : ""
            let underline = attributes.contains(.underline) ? " text-decoration=\"underline\"" : ""
            let text = escaped(String(Character(cell.character)))
            return "<text x=\"\(x)\" y=\"\(y + cellHeight * 0.75)\" fill=\"\(color.hex)\"\(weight)\(underline)\(opacity)>\(text)</text>\n"
        }
    }

    private static func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, _ color: RGB) -> String {
        "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"\(color.hex)\"/>\n"
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
