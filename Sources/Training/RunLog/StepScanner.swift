import Foundation

/// Reads rnntop's own step records, `{"type":"step","step":1,"loss":0.5,...}`, the
/// bulk of a log, without JSONSerialization: keys and plain values (numbers,
/// booleans, null, and the strings "NaN", "Infinity" and "-Infinity"). Keys it does
/// not know are skipped. No allocation per line: a million lines take well under a
/// second. Anything else (spaces, nested values, other key orders) is left to the
/// general path by returning nil.
enum StepScanner {
    /// A step record's values as they were written, NaN for what it left out;
    /// `RunLogReader` checks the ones that become integers.
    struct Fields {
        var step = Double.nan, epoch = Double.nan, loss = Double.nan, learningRate = Double.nan
        var gradientNorm = Double.nan, clipped = Double.nan, batch = Double.nan
        var sequencesPerSecond = Double.nan, elapsed = Double.nan

        /// Sets the value of `keys[slot]`.
        mutating func set(_ slot: Int, _ value: Double) {
            switch slot {
            case 0: step = value
            case 1: epoch = value
            case 2: loss = value
            case 3: learningRate = value
            case 4: gradientNorm = value
            case 5: clipped = value
            case 6: batch = value
            case 7: sequencesPerSecond = value
            default: elapsed = value
            }
        }
    }

    private static let prefix = Array("{\"type\":\"step\"".utf8)

    /// The step record's fields, or nil when the line is not a flat step record.
    static func scan(_ line: ArraySlice<UInt8>) -> Fields? {
        guard line.starts(with: prefix) else { return nil }
        var fields = Fields()
        let whole = line.withUnsafeBufferPointer { bytes -> Bool in
            var i = prefix.count
            while i < bytes.count, bytes[i] == UInt8(ascii: ",") {
                // ,"key":value
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") else { return false }
                let keyStart = i + 2
                var keyEnd = keyStart
                while keyEnd < bytes.count, bytes[keyEnd] != UInt8(ascii: "\"") { keyEnd += 1 }
                guard keyEnd + 1 < bytes.count, bytes[keyEnd + 1] == UInt8(ascii: ":") else { return false }
                let valueStart = keyEnd + 2
                var valueEnd = valueStart
                while valueEnd < bytes.count, bytes[valueEnd] != UInt8(ascii: ","), bytes[valueEnd] != UInt8(ascii: "}") { valueEnd += 1 }
                let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd])
                if let slot = keys.firstIndex(where: { $0.elementsEqual(key) }) {
                    guard let value = scalar(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])) else { return false }
                    fields.set(slot, value)
                }
                i = valueEnd
            }
            return i + 1 == bytes.count && bytes[i] == UInt8(ascii: "}")
        }
        return whole ? fields : nil
    }

    /// The keys it knows, in the order of `Fields.set`'s slots.
    private static let keys: [[UInt8]] = ["step", "epoch", "loss", "lr", "grad_norm", "clipped", "batch", "seq_per_s", "elapsed"]
        .map { Array($0.utf8) }

    /// A number, true/false (1/0), null (NaN), or a quoted non-finite value.
    private static func scalar(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let first = bytes.first, bytes.count < 40 else { return nil }
        switch first {
        case UInt8(ascii: "t"): return bytes.elementsEqual("true".utf8) ? 1 : nil
        case UInt8(ascii: "f"): return bytes.elementsEqual("false".utf8) ? 0 : nil
        case UInt8(ascii: "n"): return bytes.elementsEqual("null".utf8) ? .nan : nil
        case UInt8(ascii: "\""):
            if bytes.elementsEqual("\"NaN\"".utf8) { return .nan }
            if bytes.elementsEqual("\"Infinity\"".utf8) { return .infinity }
            if bytes.elementsEqual("\"-Infinity\"".utf8) { return -.infinity }
            return nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // strtod on a NUL-terminated copy; the whole value must be the number.
            return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 41) { buffer -> Double? in
                for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
                buffer[bytes.count] = 0
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(buffer.baseAddress!, &end)
                return end == buffer.baseAddress! + bytes.count ? value : nil
            }
        default:
            return nil
        }
    }
}
