import Foundation
import RNNData

/// An SVG picture built element by element: lines, polylines, polygons, circles and
/// text, with every number written short and every text escaped for XML.
///
/// ```swift
/// var svg = SVGDocument(width: 960, height: 600, background: "#14161c")
/// svg.polyline([(10, 20), (30, 40)], stroke: "#6cc6ff", width: 2)
/// svg.text("loss", x: 12, y: 14, size: 12, fill: "#d8dce4")
/// let file = svg.rendered()
/// ```
struct SVGDocument {
    /// How a text is placed on its x coordinate.
    enum Anchor: String {
        case start, middle, end
    }

    let width: Int
    let height: Int
    /// The fonts the picture asks for, first choice first.
    let fontFamily: String
    private var elements: [String] = []
    private var clips = 0

    init(width: Int, height: Int, background: String, fontFamily: String = "DejaVu Sans, Helvetica, Arial, sans-serif") {
        self.width = width
        self.height = height
        self.fontFamily = fontFamily
        elements.append("<rect width=\"100%\" height=\"100%\" fill=\"\(background)\"/>")
    }

    /// Starts a group whose drawing is cut at the rectangle (a plot's frame), so that
    /// a value beyond the scale runs to the edge and not over the axes; `endClip()`
    /// ends the group.
    mutating func beginClip(x: Double, y: Double, width: Double, height: Double) {
        clips += 1
        elements.append(
            "<clipPath id=\"clip\(clips)\"><rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\""
                + " height=\"\(Self.number(height))\"/></clipPath><g clip-path=\"url(#clip\(clips))\">")
    }

    mutating func endClip() {
        elements.append("</g>")
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil,
        opacity: Double = 1
    ) {
        elements.append(
            "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\""
                + Self.stroke(stroke, width: width, dash: dash, opacity: opacity) + "/>")
    }

    /// A line through `points`; `dash` is an SVG dash array ("6 3").
    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double, dash: String? = nil, opacity: Double = 1) {
        guard points.count >= 2 else { return }
        elements.append(
            "<polyline points=\"\(Self.points(points))\" fill=\"none\" stroke-linejoin=\"round\""
                + Self.stroke(stroke, width: width, dash: dash, opacity: opacity) + "/>")
    }

    /// A filled shape through `points` (a band: its upper edge, then its lower edge back).
    mutating func polygon(_ points: [(x: Double, y: Double)], fill: String, opacity: Double) {
        guard points.count >= 3 else { return }
        elements.append("<polygon points=\"\(Self.points(points))\" fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\"/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String, opacity: Double = 1) {
        elements.append(
            "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\""
                + Self.opacity(opacity) + "/>")
    }

    mutating func rectangle(x: Double, y: Double, width: Double, height: Double, stroke: String) {
        elements.append(
            "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
                + " fill=\"none\"" + Self.stroke(stroke, width: 1, dash: nil, opacity: 1) + "/>")
    }

    /// A rectangle filled with `fill` and no outline: a label's backing.
    mutating func filledRectangle(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double) {
        elements.append(
            "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
                + " fill=\"\(fill)\" fill-opacity=\"\(Self.number(opacity))\"/>")
    }

    /// Text at (x, y), its baseline on y; text from a log is escaped (control
    /// characters made visible, then XML's special characters).
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, fill: String, anchor: Anchor = .start, bold: Bool = false,
        underline: Bool = false, opacity: Double = 1
    ) {
        let weight = bold ? " font-weight=\"bold\"" : ""
        let decoration = underline ? " text-decoration=\"underline\"" : ""
        elements.append(
            "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" fill=\"\(fill)\""
                + " text-anchor=\"\(anchor.rawValue)\"\(weight)\(decoration)\(Self.opacity(opacity))>\(Self.escape(content))</text>")
    }

    /// The whole file.
    func rendered() -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="\(Self.escape(fontFamily))">
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    /// Text safe inside an SVG element: control characters escaped as rnntop does
    /// everywhere, then `&`, `<`, `>`, and quotes as entities.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in Escaping.escape(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A coordinate to a tenth of a pixel, without trailing zeros.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", tenths / 10)
    }

    /// ` opacity="0.6"`, or nothing for a solid element.
    private static func opacity(_ value: Double) -> String {
        value < 1 ? " opacity=\"\(number(value))\"" : ""
    }

    private static func points(_ points: [(x: Double, y: Double)]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    private static func stroke(_ color: String, width: Double, dash: String?, opacity: Double) -> String {
        var attributes = " stroke=\"\(color)\" stroke-width=\"\(number(width))\""
        if let dash { attributes += " stroke-dasharray=\"\(dash)\"" }
        if opacity < 1 { attributes += " stroke-opacity=\"\(String(format: "%.2f", opacity))\"" }
        return attributes
    }
}
