/// A rectangle of the picture, in pixels (y downwards).
struct PlotBox {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    /// The box a text takes, its baseline at `y`: from its ascenders to its
    /// descenders, `padding` wider all round.
    init(text: String, x: Double, y: Double, size: Double, anchor: SVGDocument.Anchor, padding: Double = 2) {
        let width = SVGDocument.textWidth(text, size: size)
        let start = anchor == .start ? x : anchor == .middle ? x - width / 2 : x - width
        (left, right) = (start - padding, start + width + padding)
        (top, bottom) = (y - size * 0.8 - padding, y + size * 0.25 + padding)
    }

    init(left: Double, top: Double, right: Double, bottom: Double) {
        (self.left, self.top, self.right, self.bottom) = (left, top, right, bottom)
    }

    func contains(_ point: (x: Double, y: Double)) -> Bool {
        (left...right).contains(point.x) && (top...bottom).contains(point.y)
    }

    func overlaps(_ other: PlotBox) -> Bool {
        left < other.right && other.left < right && top < other.bottom && other.top < bottom
    }

    /// Whether the segment from `a` to `b` passes through the box: an end inside, or
    /// the segment crossing one of its sides.
    func isCrossed(from a: (x: Double, y: Double), to b: (x: Double, y: Double)) -> Bool {
        if contains(a) || contains(b) { return true }
        if max(a.x, b.x) < left || min(a.x, b.x) > right || max(a.y, b.y) < top || min(a.y, b.y) > bottom { return false }
        let corners = [(x: left, y: top), (x: right, y: top), (x: right, y: bottom), (x: left, y: bottom)]
        // The segment's line separates some corners from the others.
        let sides = corners.map { ($0.x - a.x) * (b.y - a.y) - ($0.y - a.y) * (b.x - a.x) }
        return sides.contains { $0 >= 0 } && sides.contains { $0 <= 0 }
    }
}

/// What a label in a plot must not cover: the data's lines, filled bands and dots,
/// and the labels already placed. Built while the data is drawn, asked before a
/// label is.
struct PlotObstacles {
    private var lines: [[(x: Double, y: Double)]] = []
    private var bands: [[(x: Double, y: Double)]] = []
    private var boxes: [PlotBox] = []

    mutating func addLine(_ points: [(x: Double, y: Double)]) { lines.append(points) }
    mutating func addBand(_ outline: [(x: Double, y: Double)]) { bands.append(outline) }
    mutating func addBox(_ box: PlotBox) { boxes.append(box) }

    /// Whether `box` is clear of every line and box, and with `bands`, of the bands too.
    func isClear(_ box: PlotBox, ofBands: Bool) -> Bool {
        if boxes.contains(where: box.overlaps) { return false }
        if lines.contains(where: { Self.crosses($0, box, closed: false) }) { return false }
        guard ofBands else { return true }
        let centre = (x: box.left / 2 + box.right / 2, y: box.top / 2 + box.bottom / 2)
        return !bands.contains { Self.crosses($0, box, closed: true) || Self.encloses($0, centre) }
    }

    private static func crosses(_ points: [(x: Double, y: Double)], _ box: PlotBox, closed: Bool) -> Bool {
        guard let first = points.first else { return false }
        if points.count == 1 { return box.contains(first) }
        let ends = closed ? points + [first] : points
        return zip(ends, ends.dropFirst()).contains { box.isCrossed(from: $0, to: $1) }
    }

    /// Whether the polygon `outline` encloses `point` (the even-odd rule).
    private static func encloses(_ outline: [(x: Double, y: Double)], _ point: (x: Double, y: Double)) -> Bool {
        var inside = false
        for (a, b) in zip(outline, outline.dropFirst() + outline.prefix(1)) where (a.y > point.y) != (b.y > point.y) {
            if point.x < a.x + (point.y - a.y) / (b.y - a.y) * (b.x - a.x) { inside.toggle() }
        }
        return inside
    }
}
