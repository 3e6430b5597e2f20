import Foundation

/// Tick positions and labels for chart axes (the terminal's and the SVG plot's).
public enum Axis {
    /// About `count` "nice" values (1, 2 or 5 times a power of ten) spanning a range.
    public static func linearTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low, count >= 1, (high - low).isFinite else { return [low, high].filter(\.isFinite) }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = ceil(low / step) * step
        return stride(from: first, through: high + step * 1e-9, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
    }

    /// Powers of ten between low and high (as exponents), thinned to at most `count`.
    public static func decadeTicks(_ lowExponent: Double, _ highExponent: Double, count: Int) -> [Int] {
        let first = Int(ceil(lowExponent - 1e-9)), last = Int(floor(highExponent + 1e-9))
        guard last >= first else { return [] }
        let every = max(1, Int(ceil(Double(last - first + 1) / Double(max(count, 1)))))
        return stride(from: first, through: last, by: every).map { $0 }
    }

    /// A short label: 0.125, 12, 1.5k, 2M, 1e-05; `digits` more decimals where
    /// neighbouring labels would otherwise read the same.
    public static func label(_ value: Double, digits: Int = 0) -> String {
        if value == 0 { return "0" }
        if !value.isFinite { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
        let a = abs(value)
        if a >= 1e6 && a < 1e9 { return trim(String(format: "%.\(1 + digits)f", value / 1e6)) + "M" }
        if a >= 1e3 && a < 1e6 { return trim(String(format: "%.\(1 + digits)f", value / 1e3)) + "k" }
        if a >= 0.01 && a < 1e3 { return trim(String(format: "%.\(3 + digits)g", value)) }
        return String(format: "%.\(digits)e", value)
    }

    /// Ticks with labels, as short as they can be with no two alike.
    public static func labelled(_ values: [Double]) -> [(value: Double, label: String)] {
        var digits = 0
        while true {
            let labels = values.map { label($0, digits: digits) }
            if Set(labels).count == labels.count || digits >= 6 { return Array(zip(values, labels)) }
            digits += 1
        }
    }

    /// About `count` ticks between two times in seconds, on round seconds, minutes or
    /// hours.
    static func clockTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low, count >= 1 else { return [low] }
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        let raw = (high - low) / Double(count)
        let step = steps.first { $0 >= raw } ?? (raw / 86400).rounded(.up) * 86400
        return stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).map { $0 }
    }

    /// 0:05, 1:30, 1:00:00.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    public static func decadeLabel(_ exponent: Int) -> String {
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
