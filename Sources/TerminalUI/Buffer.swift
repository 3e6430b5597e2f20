/// A rectangle of cells: origin at the top left.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(width, 0)
        self.height = max(height, 0)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle less `amount` on every side.
    public func inset(_ amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// Splits off `count` rows at the top: (top, rest).
    public func splitTop(_ count: Int) -> (Rect, Rect) {
        let n = min(max(count, 0), height)
        return (Rect(x: x, y: y, width: width, height: n), Rect(x: x, y: y + n, width: width, height: height - n))
    }

    /// Splits off `count` columns at the left: (left, rest).
    public func splitLeft(_ count: Int) -> (Rect, Rect) {
        let n = min(max(count, 0), width)
        return (Rect(x: x, y: y, width: n, height: height), Rect(x: x + n, y: y, width: width - n, height: height))
    }
}

/// One character cell: a single-width character and its style.
public struct Cell: Sendable, Equatable {
    public var character: Unicode.Scalar
    public var style: Style

    public init(_ character: Unicode.Scalar = " ", _ style: Style = .plain) {
        self.character = character
        self.style = style
    }
}

/// The screen in memory: widgets draw here, a backend shows it. Writes outside the
/// buffer are ignored, so a widget cannot crash on a small window.
public struct Buffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = Cell()) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Sets one cell, if it is inside.
    public mutating func put(_ x: Int, _ y: Int, _ character: Unicode.Scalar, _ style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = Cell(character, style)
    }

    /// Writes `text` from (x, y) rightwards, at most `limit` cells (and not past the
    /// right edge); characters that are not one cell wide, or are control
    /// characters, become "?". Returns the cells written.
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ text: String, _ style: Style, limit: Int = .max) -> Int {
        var column = x
        let end = limit >= width - x ? width : x + max(limit, 0)
        for scalar in text.unicodeScalars {
            guard column < end else { break }
            put(column, y, Buffer.printable(scalar), style)
            column += 1
        }
        return column - x
    }

    /// Fills a rectangle.
    public mutating func fill(_ rect: Rect, _ character: Unicode.Scalar = " ", _ style: Style) {
        for y in max(rect.y, 0)..<min(rect.maxY, height) {
            for x in max(rect.x, 0)..<min(rect.maxX, width) { cells[y * width + x] = Cell(character, style) }
        }
    }

    /// The rows as plain text (the test backend's view).
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            line.unicodeScalars.append(contentsOf: cells[(y * width)..<((y + 1) * width)].map(\.character))
            return line
        }
    }

    /// The scalar, or "?" for one that does not take exactly one cell: control
    /// characters, combining and zero-width marks, East Asian wide characters and
    /// emoji. Decided by code point, not by the locale, so tests and terminals agree.
    static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        let unusable: [ClosedRange<UInt32>] = [
            0x00...0x1F, 0x7F...0x9F, 0x300...0x36F, 0x1100...0x115F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF,
            0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0x20D0...0x20FF, 0x2E80...0xA4CF, 0xAC00...0xD7A3,
            0xF900...0xFAFF, 0xFE00...0xFE0F, 0xFE20...0xFE4F, 0xFEFF...0xFEFF, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F000...0x1FAFF, 0x20000...0x3FFFD, 0xE0000...0xE0FFF,
        ]
        return unusable.contains { $0.contains(v) } ? "?" : scalar
    }
}

extension Buffer {
    /// An ASCII stand-in for a character a terminal without UTF-8 cannot show:
    /// box drawing becomes - | +, blocks and braille #, and the few symbols the
    /// screens use their plain spellings; anything else "?".
    public static func ascii(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return scalar }
        switch scalar.value {
        case 0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509: return "-"
        case 0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x2016: return "|"
        case 0x250C...0x254B: return "+"
        case 0x2580...0x259F: return "#"
        case 0x2800: return " "
        case 0x2801...0x28FF: return "*"
        case 0x00B7, 0x2022, 0x2026: return "."
        case 0x25CF: return "*"
        case 0x00D7: return "x"
        case 0x2202: return "d"
        default: return "?"
        }
    }

    /// The buffer with every cell's character made ASCII (see `ascii(_:)`).
    public func asciiOnly() -> Buffer {
        var copy = self
        for index in copy.cells.indices { copy.cells[index].character = Buffer.ascii(copy.cells[index].character) }
        return copy
    }
}
