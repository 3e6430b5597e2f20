import Foundation
import RNNCore
import RNNData

/// A run saved to one file: the model's weights, the optimizer's state, the settings,
/// the step, the generator's state, the task's place in its data, the events and the
/// histories. Resuming continues the run exactly, bit for bit. A run that diverged
/// is saved as it was (NaN and infinities in its histories, as JSON strings) with
/// the copy of the weights a rollback goes back to.
///
/// Layout: the magic "RNNTOPCK", the format version (UInt32), a JSON header (length
/// UInt64, then UTF-8), the float32 values (count UInt64, then the parameters, each
/// optimizer buffer, and for a diverged run the rollback copy of both), and an
/// FNV-1a checksum (UInt64) of everything before it; integers little-endian. A file
/// is written to a temporary name, synced and renamed, so a crash leaves the old
/// checkpoint or the new one, never half of one.
public struct Checkpoint: Sendable {
    public static let formatVersion: UInt32 = 1
    static let magic = Array("RNNTOPCK".utf8)

    /// Everything but the floats.
    struct Header: Codable {
        var settings: RunSettings
        var model: ModelConfig
        var step: Int
        var epochs: Double
        /// The model's stream: the dropout masks and new weights.
        var generator: RandomGenerator
        /// The data's stream: the batches (absent in older files, which drew both
        /// from `generator`).
        var dataGenerator: RandomGenerator?
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
        /// True when the run had diverged (absent in older files: it had not).
        var diverged: Bool?
        /// The optimizer's step count in the rollback copy, when the file holds one.
        var rollbackOptimizerSteps: Int?
    }

    /// The histories, so a resumed run's charts go on where they stopped.
    struct Histories: Codable {
        var loss: MetricHistory
        var validationLoss: MetricHistory
        var gradientNorm: MetricHistory
        var parameterGradientNorms: [MetricHistory]
        var modelChanges: [Snapshot.ModelChange]
    }

    /// The weights and optimizer state from before the last update.
    struct RollbackCopy: Sendable {
        var parameters: [Float]
        var optimizerState: [[Float]]
        var optimizerSteps: Int
    }

    var header: Header
    var parameters: [Float]
    var optimizerState: [String: [Float]]
    var rollback: RollbackCopy?

    /// The settings the run was started with (and changed by commands since).
    public var settings: RunSettings { header.settings }
    /// The model the weights belong to.
    public var model: ModelConfig { header.model }
    public var step: Int { header.step }
    /// Whether the run had diverged when it was saved.
    public var diverged: Bool { header.diverged ?? false }

    // MARK: Writing

    /// Writes the checkpoint to `path` atomically: a temporary file in the same
    /// folder, synced to disk, then renamed over `path`.
    func write(to path: String) throws(InputError) {
        var bytes = Self.magic
        append(Self.formatVersion, to: &bytes)
        let json: Data
        do {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            json = try encoder.encode(header)
        } catch {
            throw InputError(file: path, problem: "cannot encode the checkpoint: \(error)")
        }
        append(UInt64(json.count), to: &bytes)
        bytes += json
        var values = parameters + header.optimizerBuffers.flatMap { optimizerState[$0]! }
        if let rollback { values += rollback.parameters + rollback.optimizerState.joined() }
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
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputError(file: path, problem: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw InputError(file: path, problem: "is not a regular file") }
        guard Double(status.st_size) <= MemoryLimit.machine else {
            throw InputError(file: path, problem: "is larger than this machine's memory: not a checkpoint it can resume")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, problem: "cannot be read") }
        return try Checkpoint(bytes: [UInt8](data), file: path)
    }

    /// A checkpoint from the bytes of a file; `file` names it in messages.
    public init(bytes: [UInt8], file path: String) throws(InputError) {
        guard bytes.count >= 12, Array(bytes[0..<8]) == Self.magic else {
            throw InputError(file: path, problem: "is not an rnntop checkpoint")
        }
        var reader = ByteReader(bytes: bytes, offset: 8, file: path)
        let version = try reader.uint32()
        guard version == Self.formatVersion else {
            throw InputError(
                file: path, field: "version",
                problem: "checkpoint format \(version); this rnntop reads format \(Self.formatVersion)")
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
        guard stored == Self.checksum(bytes[0..<bodyEnd]) else {
            throw InputError(file: path, field: "checksum", problem: "does not match: the file is damaged")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            header = try decoder.decode(Header.self, from: Data(json))
        } catch {
            throw InputError(file: path, field: "header", problem: "cannot be decoded: \(error)")
        }
        try Self.check(header, file: path)
        let count = header.parameterCount, buffers = header.optimizerBuffers.count
        let copies = header.rollbackOptimizerSteps == nil ? 1 : 2
        guard floatCount == count * (1 + buffers) * copies else {
            throw InputError(file: path, field: "weights", problem: "\(floatCount) values, expected \(count * (1 + buffers) * copies)")
        }
        let values = floatBytes.withUnsafeBytes { raw in
            (0..<floatCount).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        func block(_ index: Int) -> [Float] { Array(values[(index * count)..<((index + 1) * count)]) }
        parameters = block(0)
        optimizerState = Dictionary(uniqueKeysWithValues: header.optimizerBuffers.enumerated().map { ($0.element, block($0.offset + 1)) })
        rollback = header.rollbackOptimizerSteps.map { steps in
            RollbackCopy(parameters: block(1 + buffers), optimizerState: (0..<buffers).map { block(2 + buffers + $0) }, optimizerSteps: steps)
        }
    }

    init(header: Header, parameters: [Float], optimizerState: [String: [Float]], rollback: RollbackCopy?) {
        self.header = header
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.rollback = rollback
    }

    /// The checksum a checkpoint ends with, of everything before it: FNV-1a, 64 bits.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
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
