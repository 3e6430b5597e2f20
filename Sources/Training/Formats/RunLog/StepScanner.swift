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
        /// The keys a step record may hold (README.md, "Run logs"; the schema).
        enum Key: Int, CaseIterable {
            case step, epoch, loss, learningRate, gradientNorm, clipped, batch, sequencesPerSecond, elapsed
            /// The steps a sampled record stands for, and their summaries.
            case steps, lossMinimum, lossMaximum, lossMean, gradientNormMinimum, gradientNormMaximum, gradientNormMean
            /// What the process costs, when the record says.
            case cpuPercent, residentBytes, devicePeakBytes
            /// A classifier's accuracy on the step's batch.
            case accuracy

            /// The key as the log spells it.
            var name: String {
                switch self {
                case .step: "step"
                case .epoch: "epoch"
                case .loss: "loss"
                case .learningRate: "lr"
                case .gradientNorm: "grad_norm"
                case .clipped: "clipped"
                case .batch: "batch"
                case .sequencesPerSecond: "seq_per_s"
                case .elapsed: "elapsed"
                case .steps: "steps"
                case .lossMinimum: "loss_min"
                case .lossMaximum: "loss_max"
                case .lossMean: "loss_mean"
                case .gradientNormMinimum: "grad_norm_min"
                case .gradientNormMaximum: "grad_norm_max"
                case .gradientNormMean: "grad_norm_mean"
                case .cpuPercent: "cpu_percent"
                case .residentBytes: "rss_bytes"
                case .devicePeakBytes: "device_peak_bytes"
                case .accuracy: "accuracy"
                }
            }
        }

        var step = Double.nan, epoch = Double.nan, loss = Double.nan, learningRate = Double.nan
        var gradientNorm = Double.nan, clipped = Double.nan, batch = Double.nan
        var sequencesPerSecond = Double.nan, elapsed = Double.nan
        var steps = Double.nan
        var lossMinimum = Double.nan, lossMaximum = Double.nan, lossMean = Double.nan
        var gradientNormMinimum = Double.nan, gradientNormMaximum = Double.nan, gradientNormMean = Double.nan
        var cpuPercent = Double.nan, residentBytes = Double.nan, devicePeakBytes = Double.nan
        var accuracy = Double.nan
        /// Which keys the record gave, a bit each: a NaN value and an absent one
        /// differ for the summaries (a NaN there says a step blew up).
        private var given: UInt32 = 0

        /// Whether the record gave `key`.
        func gave(_ key: Key) -> Bool { given & (1 << key.rawValue) != 0 }

        mutating func set(_ key: Key, _ value: Double) {
            given |= 1 << key.rawValue
            switch key {
            case .step: step = value
            case .epoch: epoch = value
            case .loss: loss = value
            case .learningRate: learningRate = value
            case .gradientNorm: gradientNorm = value
            case .clipped: clipped = value
            case .batch: batch = value
            case .sequencesPerSecond: sequencesPerSecond = value
            case .elapsed: elapsed = value
            case .steps: steps = value
            case .lossMinimum: lossMinimum = value
            case .lossMaximum: lossMaximum = value
            case .lossMean: lossMean = value
            case .gradientNormMinimum: gradientNormMinimum = value
            case .gradientNormMaximum: gradientNormMaximum = value
            case .gradientNormMean: gradientNormMean = value
            case .cpuPercent: cpuPercent = value
            case .residentBytes: residentBytes = value
            case .devicePeakBytes: devicePeakBytes = value
            case .accuracy: accuracy = value
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
                    fields.set(Fields.Key(rawValue: slot)!, value)
                }
                i = valueEnd
            }
            return i + 1 == bytes.count && bytes[i] == UInt8(ascii: "}")
        }
        return whole ? fields : nil
    }

    /// The keys' bytes, in the order of `Fields.Key`.
    private static let keys: [[UInt8]] = Fields.Key.allCases.map { Array($0.name.utf8) }

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
