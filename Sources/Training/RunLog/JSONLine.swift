import Foundation

/// One JSON object built field by field into a line of text, for the run log's
/// frequent records, where an encoder would cost more than the step it describes.
/// Numbers are written shortest-exact; NaN and infinities, which JSON lacks, as the
/// strings "NaN", "Infinity" and "-Infinity".
struct JSONLine {
    /// The object so far, without its closing brace.
    var text: String

    init(type: String) {
        text = "{\"type\":\"\(type)\""
    }

    mutating func field(_ key: String, _ value: Int) {
        text += ",\"\(key)\":\(value)"
    }

    mutating func field(_ key: String, _ value: Double) {
        text += ",\"\(key)\":"
        Self.append(value, to: &text)
    }

    /// A float32 value: shortest digits that give the same Float back.
    mutating func field(_ key: String, _ value: Float) {
        text += ",\"\(key)\":"
        Self.append(value, to: &text)
    }

    mutating func field(_ key: String, _ value: Bool) {
        text += ",\"\(key)\":\(value)"
    }

    mutating func field(_ key: String, _ value: String?) {
        text += ",\"\(key)\":"
        if let value { Self.append(string: value, to: &text) } else { text += "null" }
    }

    /// Numbers with four significant digits: what a heatmap can show.
    mutating func field(_ key: String, fourDigits values: some Collection<Float>) {
        text += ",\"\(key)\":["
        var first = true
        for value in values {
            if !first { text += "," }
            first = false
            if value.isFinite {
                text += Self.fourDigits(value)
            } else {
                Self.append(value, to: &text)
            }
        }
        text += "]"
    }

    mutating func field(_ key: String, _ values: [Double]) {
        text += ",\"\(key)\":["
        for (i, value) in values.enumerated() {
            if i > 0 { text += "," }
            Self.append(Float(value), to: &text)
        }
        text += "]"
    }

    /// A value already in JSON (an encoded object).
    mutating func field(_ key: String, json: String) {
        text += ",\"\(key)\":\(json)"
    }

    /// The finished line, with its newline.
    var line: String { text + "}\n" }

    static func append(_ value: Double, to text: inout String) {
        if value.isFinite {
            text += value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        } else {
            text += value.isNaN ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\""
        }
    }

    static func append(_ value: Float, to text: inout String) {
        if value.isFinite {
            text += value == value.rounded() && abs(value) < 1e7 ? String(Int32(value)) : "\(value)"
        } else {
            text += value.isNaN ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\""
        }
    }

    static func fourDigits(_ value: Float) -> String {
        fourDigits(Double(value))
    }

    /// `value` rounded to four significant digits, in plain notation from 1e-4 to
    /// 1e6 and in scientific notation outside: 0.01235, 1235, 1.235e-07. (A probe has
    /// tens of thousands of values; `String(format:)` would take most of its time.)
    static func fourDigits(_ value: Double) -> String {
        guard value != 0, value.isFinite else { return value == 0 ? "0" : "\(value)" }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var digits = Int((abs(value) / pow(10, Double(exponent - 3))).rounded())
        if digits >= 10_000 {
            digits /= 10
            exponent += 1
        } else if digits < 1000 {
            digits = Int((abs(value) / pow(10, Double(exponent - 4))).rounded())
            exponent -= 1
        }
        while digits % 10 == 0 && digits >= 10 { digits /= 10 }
        let significant = String(digits)
        var text = value < 0 ? "-" : ""
        if exponent >= -4 && exponent < 6 {
            let point = exponent + 1  // digits before the decimal point
            if point <= 0 {
                text += "0." + String(repeating: "0", count: -point) + significant
            } else if point >= significant.count {
                text += significant + String(repeating: "0", count: point - significant.count)
            } else {
                text += significant.prefix(point) + "." + significant.dropFirst(point)
            }
        } else {
            text += significant.prefix(1) + (significant.count > 1 ? "." + significant.dropFirst() : "") + "e\(exponent)"
        }
        return text
    }

    /// A JSON string with quotes, backslashes and control characters escaped.
    static func append(string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            case "\r": text += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    text += String(format: "\\u%04x", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
