/// A drawing surface of sub-cell dots in layers: braille gives each cell 2 x 4 dots;
/// the ASCII fallback one dot per cell. Each layer has one style and, for ASCII, one
/// character. A cell shows the dots of the topmost layer that set any there, so a
/// line drawn on a higher layer is never muddied by the dots beneath it.
struct Canvas {
    /// One layer's look: its style, its character where there is no braille, and
    /// the dash pattern of its dots across (nil for solid).
    struct Pen {
        let style: Style
        let ascii: Unicode.Scalar
        var dash: LineChart.Dash? = nil
    }

    let columns: Int
    let rows: Int
    let unicode: Bool
    /// Dots per cell horizontally and vertically.
    var dotsAcross: Int { unicode ? 2 : 1 }
    var dotsDown: Int { unicode ? 4 : 1 }
    var width: Int { columns * dotsAcross }
    var height: Int { rows * dotsDown }

    private var pens: [Pen] = []
    /// Per layer, per cell: the braille bits set.
    private var bits: [[UInt8]] = []

    init(columns: Int, rows: Int, unicode: Bool) {
        self.columns = max(columns, 0)
        self.rows = max(rows, 0)
        self.unicode = unicode
    }

    /// Starts a new layer above the others; drawing goes to it until the next.
    mutating func beginLayer(_ pen: Pen) {
        pens.append(pen)
        bits.append(Array(repeating: 0, count: columns * rows))
    }

    /// Sets the dot at (x, y) of the top layer, y counted from the top; dots outside
    /// are ignored.
    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, y >= 0, x < width, y < height, !bits.isEmpty else { return }
        if let dash = pens.last?.dash, x % (dash.on + dash.off) >= dash.on { return }
        let cell = (y / dotsDown) * columns + x / dotsAcross
        bits[bits.count - 1][cell] |= unicode ? Self.brailleBit(x % 2, y % 4) : 1
    }

    /// A vertical run of dots from y0 to y1 (either order) in column x.
    mutating func stroke(_ x: Int, _ y0: Int, _ y1: Int) {
        let top = max(0, min(y0, y1)), bottom = min(height - 1, max(y0, y1))
        guard x >= 0, x < width, top <= bottom else { return }
        for y in top...bottom { set(x, y) }
    }

    /// A straight line of dots (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) {
        var (x, y) = (x0, y0)
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        var guardSteps = 0
        while guardSteps <= dx - dy + 1 {
            set(x, y)
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

    /// Whether any layer set a dot in the cell.
    func isInked(column: Int, row: Int) -> Bool {
        let cell = row * columns + column
        return bits.contains { $0[cell] != 0 }
    }

    /// Draws the cells that have dots into `buffer` at `origin`, each with its
    /// topmost layer's dots and style; empty cells are left alone.
    func render(into buffer: inout Buffer, x originX: Int, y originY: Int) {
        for row in 0..<rows {
            for column in 0..<columns {
                let cell = row * columns + column
                guard let layer = bits.lastIndex(where: { $0[cell] != 0 }) else { continue }
                let glyph = unicode ? Unicode.Scalar(0x2800 + UInt32(bits[layer][cell]))! : pens[layer].ascii
                buffer.put(originX + column, originY + row, glyph, pens[layer].style)
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
