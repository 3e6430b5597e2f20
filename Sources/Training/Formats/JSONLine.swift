import Foundation

/// One JSON object written field by field as UTF-8 bytes, for the run log's records,
/// where an encoder would cost more than the step a record describes. Numbers are
/// written shortest-exact (or to four digits for matrices); NaN and infinities,
/// which JSON lacks, as the strings "NaN", "Infinity" and "-Infinity".
///
/// ```swift
/// var line = JSONLine(type: .eval)
/// line.field("step", 100)
/// line.field("loss", Float(0.25))
/// line.bytes   // {"type":"eval","step":100,"loss":0.25}\n once finished
/// ```
struct JSONLine {
    private(set) var bytes: [UInt8] = []

    init(type: RecordType) {
        raw("{\"type\":")
        string(type.rawValue)
    }

    /// Starts a nested value's key: `,"key":`.
    mutating func key(_ key: String) {
        raw(",\"")
        raw(key)
        raw("\":")
    }

    mutating func field(_ key: String, _ value: Int) {
        self.key(key)
        raw(String(value))
    }

    /// An unsigned 64-bit number (a seed), written whole.
    mutating func field(_ key: String, _ value: UInt64) {
        self.key(key)
        raw(String(value))
    }

    mutating func field(_ key: String, _ value: Double) {
        self.key(key)
        number(value)
    }

    /// A float32 value: the shortest digits that give the same Float back.
    mutating func field(_ key: String, _ value: Float) {
        self.key(key)
        number(value)
    }

    mutating func field(_ key: String, _ value: Bool) {
        self.key(key)
        raw(value ? "true" : "false")
    }

    mutating func field(_ key: String, _ value: String?) {
        self.key(key)
        if let value { string(value) } else { raw("null") }
    }

    mutating func field(_ key: String, _ values: [Double]) {
        self.key(key)
        array(values) { $0.number(Float($1)) }
    }

    /// A value already in JSON (an encoded object).
    mutating func field(_ key: String, json: String) {
        self.key(key)
        raw(json)
    }

    /// `[a,b,...]`, each element written by `element`.
    mutating func array<C: Collection>(_ values: C, _ element: (inout JSONLine, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for value in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Text that is already JSON.
    mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Closes the object and ends the line.
    mutating func finish() {
        bytes.append(UInt8(ascii: "}"))
        bytes.append(UInt8(ascii: "\n"))
    }

    // MARK: Values

    mutating func number(_ value: Double) {
        if value.isFinite {
            raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
        } else {
            nonFinite(value.isNaN, value > 0)
        }
    }

    mutating func number(_ value: Float) {
        if value.isFinite {
            raw(value == value.rounded() && abs(value) < 1e7 ? String(Int32(value)) : "\(value)")
        } else {
            nonFinite(value.isNaN, value > 0)
        }
    }

    private mutating func nonFinite(_ isNaN: Bool, _ positive: Bool) {
        raw(isNaN ? "\"NaN\"" : positive ? "\"Infinity\"" : "\"-Infinity\"")
    }

    /// `value` rounded to four significant digits, in plain notation from 1e-4 to
    /// 1e6 and in scientific notation outside: 0.01235, 1235, 1.235e-7. A probe has
    /// tens of thousands of values, so this writes bytes and allocates nothing.
    mutating func fourDigits(_ value: Double) {
        guard value != 0, value.isFinite else { return value == 0 ? bytes.append(UInt8(ascii: "0")) : number(value) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var digits = Int((abs(value) / pow(10, Double(exponent - 3))).rounded())
        if digits >= 10_000 {
            digits /= 10
            exponent += 1
        } else if digits < 1000 {
            digits = Int((abs(value) / pow(10, Double(exponent - 4))).rounded())
            exponent -= 1
        }
        var count = 4
        while digits % 10 == 0 && count > 1 {
            digits /= 10
            count -= 1
        }
        var significant: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &significant) { digitBytes in
            for i in stride(from: count - 1, through: 0, by: -1) {
                digitBytes[i] = UInt8(ascii: "0") + UInt8(digits % 10)
                digits /= 10
            }
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withUnsafeBytes(of: significant) { digitBytes in
            let shown = digitBytes.prefix(count)
            if exponent >= -4 && exponent < 6 {
                let point = exponent + 1  // digits before the decimal point
                if point <= 0 {
                    bytes.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
                    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
                    bytes.append(contentsOf: shown)
                } else if point >= count {
                    bytes.append(contentsOf: shown)
                    bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - count))
                } else {
                    bytes.append(contentsOf: shown.prefix(point))
                    bytes.append(UInt8(ascii: "."))
                    bytes.append(contentsOf: shown.dropFirst(point))
                }
            } else {
                bytes.append(shown[0])
                if count > 1 {
                    bytes.append(UInt8(ascii: "."))
                    bytes.append(contentsOf: shown.dropFirst())
                }
                raw("e\(exponent)")
            }
        }
    }

    /// A JSON string with quotes, backslashes and control characters escaped.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": raw("\\\"")
            case "\\": raw("\\\\")
            case "\n": raw("\\n")
            case "\t": raw("\\t")
            case "\r": raw("\\r")
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    raw(String(format: "\\u%04x", scalar.value))
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
