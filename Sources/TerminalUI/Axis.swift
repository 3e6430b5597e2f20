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

    /// At least three ticks where the range holds them (about `count` otherwise), in
    /// plotted units (log10 of the value on a logarithmic axis), with labels no two
    /// alike. A log axis takes decades where it spans enough of them, else 1-3 steps, else
    /// 1-2-5, else round values; the chart and the SVG plot share this rule.
    public static func ticks(_ low: Double, _ high: Double, count: Int, logarithmic: Bool) -> [(position: Double, label: String)] {
        let wanted = max(count, 3)
        guard logarithmic else {
            var values = linearTicks(low, high, count: count)
            var asked = count
            while values.count < 3 && asked < 4 * wanted {
                asked += 1
                values = linearTicks(low, high, count: asked)
            }
            return labelled(values).map { ($0.value, $0.label) }
        }
        let decades = decadeTicks(low, high, count: wanted)
        if decades.count >= 3 { return decades.map { (Double($0), decadeLabel($0)) } }
        for multiples in [[1.0, 3], [1, 2, 5]] {
            let values = multiplesOfDecades(multiples, low, high)
            if values.count >= 3 { return labelled(values).map { (log10($0.value), $0.label) } }
        }
        let linear = ticks(pow(10, low), pow(10, high), count: count, logarithmic: false).filter { $0.position > 0 }
        return linear.map { (log10($0.position), $0.label) }
    }

    /// `multiples` of every power of ten whose log10 lies from `low` to `high`.
    private static func multiplesOfDecades(_ multiples: [Double], _ low: Double, _ high: Double) -> [Double] {
        guard low.isFinite, high.isFinite, high > low, high - low < 40 else { return [] }
        var values: [Double] = []
        for exponent in Int(floor(low))...Int(ceil(high)) {
            for multiple in multiples {
                let value = multiple * pow(10, Double(exponent))
                let position = log10(value)
                if position >= low - 1e-9 && position <= high + 1e-9 { values.append(value) }
            }
        }
        return values
    }

    /// The decades, as exponents, that a ‖∂L/∂h_t‖ profile's log axis spans for
    /// values from `low` to `high` (positive): whole decades, at least two (a healthy
    /// profile within one decade draws as a shape, not a solid block), at most
    /// `maximumProfileDecades` below the top (one underflow to 1e-38 does not squash
    /// the rest; what lies below is marked as such). The dashboard and `plot` share it.
    public static func profileDecades(_ low: Double, _ high: Double) -> ClosedRange<Int> {
        let top = high > 0 && high.isFinite ? Int(ceil(log10(high) - 1e-9)) : 0
        var bottom = low > 0 && low.isFinite ? Int(floor(log10(low) + 1e-9)) : top - 2
        bottom = max(min(bottom, top - 2), top - maximumProfileDecades)
        return bottom...top
    }

    /// The most decades a profile's axis spans.
    public static let maximumProfileDecades = 24

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
        let steps: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        let raw = (high - low) / Double(count)
        let step = steps.first { $0 >= raw } ?? (raw / 86400).rounded(.up) * 86400
        return stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).map { $0 }
    }

    /// 0:05, 1:30, 1:00:00; under a minute on a sub-second step, 0.5s.
    static func clock(_ seconds: Double, step: Double = 1) -> String {
        if step < 1 && seconds < 60 { return trim(String(format: "%.1f", seconds)) + "s" }
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
