import Foundation

extension Float {
    /// A setting (a learning rate, a threshold, a rate) written the one way rnntop
    /// writes it everywhere: at most three significant digits, plain from 0.001 up
    /// (1, 0.5, 0.003, 250) and as a short exponent below (5e-4, 1.22e-4).
    public var settingText: String {
        guard isFinite else { return isNaN ? "nan" : (self > 0 ? "inf" : "-inf") }
        if self == 0 { return "0" }
        let value = Double(self)
        if abs(value) >= 1e-3 && abs(value) < 1e5 {
            return Self.trimmingZeros(String(format: "%.3g", value))
        }
        let parts = String(format: "%.2e", value).split(separator: "e")
        let exponent = Int(parts[1]) ?? 0
        return Self.trimmingZeros(String(parts[0])) + "e\(exponent)"
    }

    private static func trimmingZeros(_ text: String) -> String {
        guard text.contains("."), !text.contains("e") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }
}
