import Foundation
import RNNCore
import RNNData

/// A run saved to one file: the model's weights, the optimizer's state, the settings,
/// the step, the generator's state, the task's place in its data, the events and the
/// histories. Resuming continues the run exactly, bit for bit.
///
/// Layout: the magic "RNNTOPCK", the format version (UInt32), a JSON header (length
/// UInt64, then UTF-8), the float32 values (count UInt64, then the parameters and
/// each optimizer buffer), and an FNV-1a checksum (UInt64) of everything before it;
/// integers little-endian. A file is written to a temporary name, synced and renamed,
/// so a crash leaves the old checkpoint or the new one, never half of one.
public struct Checkpoint: Sendable {
    public static let formatVersion: UInt32 = 1
    static let magic = Array("RNNTOPCK".utf8)

    /// Everything but the floats.
    struct Header: Codable {
        var settings: RunSettings
        var model: ModelConfig
        var step: Int
        var epochs: Double
        var generator: RandomGenerator
        var taskCursor: TaskCursor
        /// Where the text streams' sequences ended, for the next window.
        var carriedState: CarriedState?
        var optimizer: OptimizerSettings
        var optimizerSteps: Int
        /// Names of the optimizer's buffers, in the order their values follow the
        /// parameters.
        var optimizerBuffers: [String]
        var parameterCount: Int
        var evaluationInterval: Int?
        var dataFingerprint: UInt64?
        var events: [Event]
        var histories: Histories
    }

    /// The histories, so a resumed run's charts go on where they stopped.
    struct Histories: Codable {
        var loss: MetricHistory
        var validationLoss: MetricHistory
        var gradientNorm: MetricHistory
        var parameterGradientNorms: [MetricHistory]
        var modelChanges: [Snapshot.ModelChange]
    }

    var header: Header
    var parameters: [Float]
    var optimizerState: [String: [Float]]

    /// The settings the run was started with (and changed by commands since).
    public var settings: RunSettings { header.settings }
    /// The model the weights belong to.
    public var model: ModelConfig { header.model }
    public var step: Int { header.step }

    // MARK: Writing

    /// Writes the checkpoint to `path` atomically: a temporary file in the same
    /// folder, synced to disk, then renamed over `path`.
    func write(to path: String) throws(InputError) {
        var bytes = Self.magic
        append(Self.formatVersion, to: &bytes)
        let json: Data
        do {
            json = try JSONEncoder().encode(header)
        } catch {
            throw InputError(file: path, problem: "cannot encode the checkpoint: \(error)")
        }
        append(UInt64(json.count), to: &bytes)
        bytes += json
        let values = parameters + header.optimizerBuffers.flatMap { optimizerState[$0]! }
        append(UInt64(values.count), to: &bytes)
        bytes.reserveCapacity(bytes.count + values.count * 4 + 8)
        for value in values { append(value.bitPattern, to: &bytes) }
        append(Self.checksum(bytes[...]), to: &bytes)
        try AtomicFile.write(bytes, to: path)
    }

    // MARK: Reading

    /// Reads and checks a checkpoint whole; nothing is used from a file that is
    /// truncated, damaged, of another format version or inconsistent.
    public static func read(_ path: String) throws(InputError) -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw InputError(file: path, problem: exists ? "cannot be read" : "no such file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<8]) == magic else {
            throw InputError(file: path, problem: "is not an rnntop checkpoint")
        }
        var reader = ByteReader(bytes: bytes, offset: 8, file: path)
        let version = try reader.uint32()
        guard version == formatVersion else {
            throw InputError(
                file: path, field: "version",
                problem: "checkpoint format \(version); this rnntop reads format \(formatVersion)")
        }
        let headerLength = try reader.uint64()
        let json = try reader.bytes(headerLength, what: "header")
        let floatCount = try reader.uint64()
        let floatBytes = try reader.bytes(floatCount * 4, what: "weights")
        let bodyEnd = reader.offset
        let stored = try reader.word()
        guard reader.offset == bytes.count else {
            throw InputError(file: path, problem: "has \(bytes.count - reader.offset) bytes after its end")
        }
        guard stored == checksum(bytes[0..<bodyEnd]) else {
            throw InputError(file: path, field: "checksum", problem: "does not match: the file is damaged")
        }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch {
            throw InputError(file: path, field: "header", problem: "cannot be decoded: \(error)")
        }
        let count = header.parameterCount
        guard count == ParameterLayout(config: header.model).totalCount else {
            throw InputError(
                file: path, field: "parameterCount",
                problem: "\(count) values, but its model needs \(ParameterLayout(config: header.model).totalCount)")
        }
        guard floatCount == count * (1 + header.optimizerBuffers.count) else {
            throw InputError(file: path, field: "weights", problem: "\(floatCount) values, expected \(count * (1 + header.optimizerBuffers.count))")
        }
        var values = [Float](repeating: 0, count: Int(floatCount))
        let start = floatBytes.startIndex
        for i in values.indices {
            var bits: UInt32 = 0
            for b in 0..<4 { bits |= UInt32(floatBytes[start + i * 4 + b]) << (8 * b) }
            values[i] = Float(bitPattern: bits)
        }
        var state = [String: [Float]]()
        for (i, name) in header.optimizerBuffers.enumerated() {
            state[name] = Array(values[((i + 1) * count)..<((i + 2) * count)])
        }
        return Checkpoint(header: header, parameters: Array(values[0..<count]), optimizerState: state)
    }

    /// FNV-1a, 64 bits.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }

    private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }
}

/// Reads little-endian integers and byte runs, complaining about a short file.
private struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    let file: String

    mutating func uint32() throws(InputError) -> UInt32 {
        UInt32(truncatingIfNeeded: try integer(4))
    }

    /// A whole 64-bit value (a checksum).
    mutating func word() throws(InputError) -> UInt64 {
        try integer(8)
    }

    /// A length or count.
    mutating func uint64() throws(InputError) -> Int {
        let value = try integer(8)
        guard value <= UInt64(Int.max / 8) else {
            throw InputError(file: file, problem: "is damaged (a length of \(value))")
        }
        return Int(value)
    }

    mutating func bytes(_ count: Int, what: String) throws(InputError) -> ArraySlice<UInt8> {
        guard count <= bytes.count - offset else {
            throw InputError(
                file: file, field: what, problem: "is truncated: \(count) bytes expected, \(bytes.count - offset) left")
        }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    private mutating func integer(_ size: Int) throws(InputError) -> UInt64 {
        guard size <= bytes.count - offset else {
            throw InputError(file: file, problem: "is truncated at byte \(offset)")
        }
        var value: UInt64 = 0
        for b in 0..<size { value |= UInt64(bytes[offset + b]) << (8 * b) }
        offset += size
        return value
    }
}
