import Foundation

/// Numbers as the dashboard shows them.
enum Format {
    /// 0.0912, 1.2e-05, 3.4e+03.
    static func value(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e-3 && a < 1e4 { return String(format: a >= 100 ? "%.1f" : "%.4f", v) }
        return String(format: "%.1e", v)
    }

    /// An accuracy, a fraction from 0 to 1, to three places wherever it is shown:
    /// 0.125, 0.717.
    static func fraction(_ v: Double) -> String { String(format: "%.3f", v) }

    /// " (accuracy 0.712)": a classifier's accuracy after the loss it goes with, in the
    /// summaries of a headless run and of a replayed log.
    static func accuracyNote(_ v: Double) -> String { " (accuracy \(fraction(v)))" }

    /// Three significant digits, for tight places: 0.195, 12.3, 1.2e-5 (an
    /// exponent's padding would cost a legend its last item).
    static func short(_ v: Double) -> String {
        guard v.isFinite else { return value(v) }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e-3 && a < 1e4 { return String(format: a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v) }
        return String(format: "%.1e", v).replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e")
            .replacingOccurrences(of: "e+", with: "e")
    }

    /// A run's name in at most `width` characters: its values without their flags
    /// ("rnn hidden=16 lr=1e-3" as "rnn 16 1e-3"), then, if that is still too long,
    /// cut in the middle with "…".
    static func fit(_ name: String, _ width: Int) -> String {
        guard name.count > width else { return name }
        let text = name.split(separator: " ").map { $0.split(separator: "=").last.map(String.init) ?? "" }.joined(separator: " ")
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        let tail = (width - 1) / 2
        return String(text.prefix(width - 1 - tail)) + "…" + String(text.suffix(tail))
    }

    /// A learning rate or threshold, written as everywhere else (`Float.settingText`).
    static func setting(_ v: Float) -> String { v.settingText }

    /// 1234 → 1,234; 12345678 → 12.3M.
    static func count(_ n: Int) -> String {
        if n >= 10_000_000 { return String(format: "%.1fM", Double(n) / 1e6) }
        let digits = String(n.magnitude)
        var grouped = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (n < 0 ? "-" : "") + grouped
    }

    /// 5.2k
    /// Two significant digits and a plain exponent, as Keras-style lines show a
    /// rate: 1.2e4, 3.5e2, 8e0.
    static func scientific(_ v: Double) -> String {
        guard v.isFinite, v > 0 else { return v.isFinite ? "0" : "\(v)" }
        var exponent = Int(log10(v).rounded(.down))
        var mantissa = (v / pow(10, Double(exponent)) * 10).rounded() / 10
        if mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        let digits = mantissa == mantissa.rounded() ? String(Int(mantissa)) : String(format: "%.1f", mantissa)
        return "\(digits)e\(exponent)"
    }

    static func rate(perSecond v: Double) -> String {
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return String(format: "%.0f", v)
    }

    /// 0:42, 1:02:03
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
