import Foundation

/// Tick positions and labels for chart axes.
enum Axis {
    /// About `count` "nice" values (1, 2 or 5 times a power of ten) spanning a range.
    static func linearTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low, count >= 1, (high - low).isFinite else { return [low, high].filter(\.isFinite) }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = ceil(low / step) * step
        return stride(from: first, through: high + step * 1e-9, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// Powers of ten between low and high (as exponents), thinned to at most `count`.
    static func decadeTicks(_ lowExponent: Double, _ highExponent: Double, count: Int) -> [Int] {
        let first = Int(ceil(lowExponent - 1e-9)), last = Int(floor(highExponent + 1e-9))
        guard last >= first else { return [] }
        let every = max(1, Int(ceil(Double(last - first + 1) / Double(max(count, 1)))))
        return stride(from: first, through: last, by: every).map { $0 }
    }

    /// A short label: 0.125, 12, 1.5k, 2M, 1e-05.
    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        let a = abs(value)
        if a >= 1e6 && a < 1e9 { return trim(String(format: "%.1f", value / 1e6)) + "M" }
        if a >= 1e3 && a < 1e6 { return trim(String(format: "%.1f", value / 1e3)) + "k" }
        if a >= 0.01 && a < 1e3 { return trim(String(format: "%.3g", value)) }
        return String(format: "%.0e", value)
    }

    static func decadeLabel(_ exponent: Int) -> String {
        switch exponent {
        case 0: "1"
        case 1: "10"
        case 2: "100"
        default: "1e\(exponent)"
        }
    }

    private static func trim(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
