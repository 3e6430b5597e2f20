import Foundation
import RNNCore
import RNNData

/// A run saved to one file: the model's weights, the optimizer's state, the settings,
/// the step, the generator's state, the task's place in its data, the events and the
/// histories. Resuming continues the run exactly, bit for bit. A run that diverged
/// is saved as it was (NaN and infinities in its histories, as JSON strings) with
/// the copy of the weights a rollback goes back to.
///
/// The file is safetensors (Checkpoint+Safetensors.swift): the weights under
/// PyTorch's names, so that `load_state_dict(load_file(path), strict=False)` loads
/// them; the optimizer's buffers and the rollback copy as tensors beside them; the
/// rest, and a checksum, in its metadata. Files of the first format ("RNNTOPCK",
/// Checkpoint+Legacy.swift) are still read. A file is written to a temporary name,
/// synced and renamed, so a crash leaves the old checkpoint or the new one, never
/// half of one.
public struct Checkpoint: Sendable {
    /// The format written; 1 (RNNTOPCK) is still read.
    public static let formatVersion = 2

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
        /// A classifier's accuracy (absent in older files).
        var accuracy: MetricHistory?
        var validationAccuracy: MetricHistory?
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
    /// Epochs done, with the fraction of the current one.
    public var epochs: Double { header.epochs }
    /// Whether the run had diverged when it was saved.
    public var diverged: Bool { header.diverged ?? false }

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

    /// A checkpoint from the bytes of a file, of either format; `file` names it in
    /// messages.
    public init(bytes: [UInt8], file path: String) throws(InputError) {
        if bytes.starts(with: Self.legacyMagic) {
            try self.init(legacyBytes: bytes, file: path)
        } else {
            try self.init(safetensors: bytes, file: path)
        }
    }

    init(header: Header, parameters: [Float], optimizerState: [String: [Float]], rollback: RollbackCopy?) {
        self.header = header
        self.parameters = parameters
        self.optimizerState = optimizerState
        self.rollback = rollback
    }

    /// A checkpoint's checksum (and the data file's fingerprint): FNV-1a, 64 bits.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash = FNV1a()
        hash.add(bytes)
        return hash.value
    }

    /// The header as JSON, NaN and infinities as strings.
    static func encodedHeader(_ header: Header, file path: String) throws(InputError) -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return String(decoding: try encoder.encode(header), as: UTF8.self)
        } catch {
            throw InputError(file: path, problem: "cannot encode the checkpoint: \(error)")
        }
    }

    /// The header from its JSON, checked before any of its numbers is used.
    static func decodedHeader(_ json: Data, file path: String) throws(InputError) -> Header {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: json)
        } catch {
            throw InputError(file: path, field: "header", problem: "cannot be decoded: \(error)")
        }
        try check(header, file: path)
        return header
    }

    static func unknownVersion(_ version: String, file path: String) -> InputError {
        InputError(file: path, field: "version", problem: "checkpoint format \(Escaping.escape(version)); this rnntop reads formats 1 and \(formatVersion)")
    }
}
