import Foundation

/// A colour as red, green and blue, 0...255.
public struct RGB: Sendable, Hashable, Codable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// `#rrggbb`, or nil when the text is not that.
    public init?(hex: String) {
        let digits = hex.utf8.dropFirst()
        guard hex.utf8.count == 7, hex.first == "#", digits.allSatisfy({ $0 < 0x80 && Character(UnicodeScalar($0)).isHexDigit }),
            let value = UInt32(String(hex.dropFirst()), radix: 16)
        else { return nil }
        self.init(UInt8(value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
    }

    public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }

    /// Relative luminance (WCAG 2), 0 for black to 1 for white.
    public var luminance: Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG 2 contrast ratio between two colours, 1 to 21.
    public func contrast(with other: RGB) -> Double {
        let (a, b) = (luminance, other.luminance)
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }
}

/// A cell's colour: the terminal's own, or a true colour that the backend maps to
/// what the terminal offers.
public enum Color: Sendable, Hashable {
    case terminalDefault
    case rgb(RGB)
}

/// Colours in OKLab, where equal steps look like equal changes, for colour maps.
struct OKLab {
    var l: Double
    var a: Double
    var b: Double

    init(l: Double, a: Double, b: Double) {
        self.l = l
        self.a = a
        self.b = b
    }

    init(_ rgb: RGB) {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        let (r, g, b) = (linear(rgb.r), linear(rgb.g), linear(rgb.b))
        let lm = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
        let mm = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
        let sm = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
        l = 0.2104542553 * lm + 0.7936177850 * mm - 0.0040720468 * sm
        a = 1.9779984951 * lm - 2.4285922050 * mm + 0.4505937099 * sm
        self.b = 0.0259040371 * lm + 0.7827717662 * mm - 0.8086757660 * sm
    }

    var rgb: RGB {
        let lm = pow(l + 0.3963377774 * a + 0.2158037573 * b, 3)
        let mm = pow(l - 0.1055613458 * a - 0.0638541728 * b, 3)
        let sm = pow(l - 0.0894841775 * a - 1.2914855480 * b, 3)
        let r = 4.0767416621 * lm - 3.3077115913 * mm + 0.2309699292 * sm
        let g = -1.2684380046 * lm + 2.6097574011 * mm - 0.3413193965 * sm
        let bl = -0.0041960863 * lm - 0.7034186147 * mm + 1.7076147010 * sm
        func encode(_ v: Double) -> UInt8 {
            let c = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(max(v, 0), 1 / 2.4) - 0.055
            return UInt8((min(max(c, 0), 1) * 255).rounded())
        }
        return RGB(encode(r), encode(g), encode(bl))
    }

    func mix(_ other: OKLab, _ t: Double) -> OKLab {
        OKLab(l: l + (other.l - l) * t, a: a + (other.a - a) * t, b: b + (other.b - b) * t)
    }
}

/// A colour scale for heatmaps: stops spread evenly over 0...1, blended in OKLab.
/// The blend is tabulated once (257 steps, finer than any terminal palette), so a
/// heatmap costs a lookup per cell.
public struct ColorMap: Sendable, Equatable {
    public let stops: [RGB]
    /// Diverging maps have their middle stop at zero.
    public let isDiverging: Bool
    private let table: [RGB]

    public init(sequential stops: [RGB]) {
        precondition(stops.count >= 2)
        self.init(stops: stops, isDiverging: false)
    }

    public init(negative: RGB, zero: RGB, positive: RGB) {
        self.init(stops: [negative, zero, positive], isDiverging: true)
    }

    private init(stops: [RGB], isDiverging: Bool) {
        self.stops = stops
        self.isDiverging = isDiverging
        let labs = stops.map(OKLab.init)
        table = (0..<Self.steps).map { index in
            let position = Double(index) / Double(Self.steps - 1) * Double(stops.count - 1)
            let i = min(Int(position), stops.count - 2)
            return labs[i].mix(labs[i + 1], position - Double(i)).rgb
        }
    }

    /// Odd, so that the middle of a diverging map is its zero colour exactly.
    private static let steps = 257

    /// The colour at `t` in 0...1 (clamped; NaN gives the middle).
    public func color(at t: Double) -> RGB {
        let x = t.isNaN ? 0.5 : min(max(t, 0), 1)
        return table[Int((x * Double(Self.steps - 1)).rounded())]
    }

    public static func == (a: ColorMap, b: ColorMap) -> Bool {
        a.stops == b.stops && a.isDiverging == b.isDiverging
    }
}
