/// A drawing surface of sub-cell dots: braille gives each cell 2 x 4 dots; the
/// ASCII fallback one dot per cell. Each dot remembers the style that set it last.
struct Canvas {
    let columns: Int
    let rows: Int
    let unicode: Bool
    /// Dots per cell horizontally and vertically.
    var dotsAcross: Int { unicode ? 2 : 1 }
    var dotsDown: Int { unicode ? 4 : 1 }
    var width: Int { columns * dotsAcross }
    var height: Int { rows * dotsDown }

    private var bits: [UInt8]
    private var styles: [Style?]

    init(columns: Int, rows: Int, unicode: Bool) {
        self.columns = max(columns, 0)
        self.rows = max(rows, 0)
        self.unicode = unicode
        bits = Array(repeating: 0, count: self.columns * self.rows)
        styles = Array(repeating: nil, count: self.columns * self.rows)
    }

    /// Sets the dot at (x, y), y counted from the top; outside dots are ignored.
    mutating func set(_ x: Int, _ y: Int, _ style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let cell = (y / dotsDown) * columns + x / dotsAcross
        bits[cell] |= unicode ? Self.brailleBit(x % 2, y % 4) : 1
        styles[cell] = style
    }

    /// A straight line of dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ style: Style) {
        var (x, y) = (x0, y0)
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        var guardSteps = 0
        while guardSteps <= dx - dy + 1 {
            set(x, y, style)
            if x == x1 && y == y1 { break }
            let twice = 2 * error
            if twice >= dy {
                error += dy
                x += sx
            }
            if twice <= dx {
                error += dx
                y += sy
            }
            guardSteps += 1
        }
    }

    /// Draws the set cells into `buffer` at `origin`; empty cells are left alone.
    func render(into buffer: inout Buffer, x originX: Int, y originY: Int) {
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = row * columns + column
                guard bits[cell] != 0, let style = styles[cell] else { continue }
                let glyph = unicode ? Unicode.Scalar(0x2800 + UInt32(bits[cell]))! : "*"
                buffer.put(originX + column, originY + row, glyph, style)
            }
        }
    }

    /// The braille bit of the dot at (column 0-1, row 0-3) of a cell.
    private static func brailleBit(_ x: Int, _ y: Int) -> UInt8 {
        switch (x, y) {
        case (0, 3): 0x40
        case (1, 3): 0x80
        default: UInt8(1) << UInt8(x * 3 + y)
        }
    }
}
