import Foundation
import RNNCore
import RNNData

/// The checkpoint as a safetensors file, so that one parser, with one set of checks,
/// reads both `--resume` and `--init-from` files, and PyTorch reads a checkpoint's
/// weights directly:
///
/// | tensors | what |
/// |---|---|
/// | `rnn.weight_ih_l0` … `head.bias` | the weights, as `--save-weights` writes them |
/// | `optimizer.BUFFER.NAME` | each optimizer buffer (`exp_avg`, …), per parameter, in its shape |
/// | `rollback.NAME`, `rollback.optimizer.BUFFER.NAME` | a diverged run's copy from before the last update |
///
/// The metadata holds the weights' own (cell, sizes, activation), `rnntop_checkpoint`
/// (the rest of the run as JSON: settings, step, generators, histories, events),
/// `rnntop_checkpoint_format` and `rnntop_checksum` (FNV-1a of that JSON and of every
/// tensor's name, shape and values, in name order).
extension Checkpoint {
    /// The metadata keys: the run as JSON, the format, the checksum.
    public static let headerKey = "rnntop_checkpoint"
    static let formatKey = "rnntop_checkpoint_format"
    public static let checksumKey = "rnntop_checksum"

    /// The tensors that are not the model's weights start with these.
    static let statePrefixes = ["optimizer.", "rollback."]

    /// Writes the checkpoint to `path` atomically: a temporary file in the same
    /// folder, synced to disk, then renamed over `path`.
    func write(to path: String) throws(InputError) {
        try file(path: path).write(to: path)
    }

    /// The checkpoint's safetensors file; `path` names it in messages.
    func file(path: String) throws(InputError) -> SafetensorsFile {
        let layout = ParameterLayout(config: header.model)
        var file = PyTorchWeights.file(config: header.model, layout: layout, parameters: parameters)
        func add(_ prefix: String, _ values: [Float]) {
            for spec in layout.specs {
                file.tensors[prefix + PyTorchWeights.fileName(of: spec.name)] = .init(shape: spec.shape, values: Array(values[spec.range]))
            }
        }
        for buffer in header.optimizerBuffers { add("optimizer.\(buffer).", optimizerState[buffer]!) }
        if let rollback {
            add("rollback.", rollback.parameters)
            for (buffer, values) in zip(header.optimizerBuffers, rollback.optimizerState) { add("rollback.optimizer.\(buffer).", values) }
        }
        let json = try Self.encodedHeader(header, file: path)
        file.metadata[Self.headerKey] = json
        file.metadata[Self.formatKey] = "\(Self.formatVersion)"
        file.metadata[Self.checksumKey] = Self.checksum(of: file, header: json)
        return file
    }

    /// FNV-1a of the header's JSON and of every tensor's name, shape and values, in
    /// name order, as hexadecimal digits.
    public static func checksum(of file: SafetensorsFile, header: String) -> String {
        var hash = FNV1a()
        hash.add(header.utf8)
        for name in file.tensors.keys.sorted() {
            let tensor = file.tensors[name]!
            hash.add(name.utf8)
            for size in tensor.shape { withUnsafeBytes(of: UInt64(size).littleEndian) { hash.add($0) } }
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { hash.add($0) } }
        }
        return String(hash.value, radix: 16)
    }

    /// Reads a checkpoint of this format: a safetensors file with rnntop's metadata,
    /// its checksum right, its header checked, and every tensor where it belongs.
    init(safetensors bytes: [UInt8], file path: String) throws(InputError) {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.parse(bytes, path: path)
        } catch {
            // A JSON header after the length: a safetensors file, cut short or damaged.
            let damaged = bytes.count > 8 && bytes[8] == UInt8(ascii: "{")
            throw InputError(file: path, problem: damaged ? "is truncated or damaged: \(error.problem)" : "is not an rnntop checkpoint")
        }
        guard let json = file.metadata[Self.headerKey] else {
            throw InputError(
                file: path, problem: "is a safetensors file but not an rnntop checkpoint (weights only? --init-from starts a run from them)")
        }
        guard file.metadata[Self.formatKey] == "\(Self.formatVersion)" else {
            throw Self.unknownVersion(file.metadata[Self.formatKey] ?? "(none)", file: path)
        }
        guard file.metadata[Self.checksumKey] == Self.checksum(of: file, header: json) else {
            throw InputError(file: path, field: "checksum", problem: "does not match: the file is damaged")
        }
        let header = try Self.decodedHeader(Data(json.utf8), file: path)
        self.init(header: header, parameters: [], optimizerState: [:], rollback: nil)
        try readTensors(of: file, path: path)
    }

    /// The weights, the optimizer's state and the rollback copy from the file's
    /// tensors; a tensor missing, of the wrong shape or with no place is refused.
    private mutating func readTensors(of file: SafetensorsFile, path: String) throws(InputError) {
        let weights = Self.modelWeights(of: file)
        parameters = try PyTorchWeights.parameters(from: weights, path: path, for: header.model)
        let layout = ParameterLayout(config: header.model)
        var placed = Set(weights.tensors.keys)
        func state(_ prefix: String) throws(InputError) -> [Float] {
            var values = [Float](repeating: 0, count: layout.totalCount)
            for spec in layout.specs {
                let name = prefix + PyTorchWeights.fileName(of: spec.name)
                guard let tensor = file.tensors[name] else { throw InputError(file: path, problem: "tensor '\(name)' is missing") }
                guard tensor.shape == spec.shape else {
                    throw InputError(file: path, problem: "tensor '\(name)' has shape \(tensor.shape), not its parameter's \(spec.shape)")
                }
                placed.insert(name)
                values.replaceSubrange(spec.range, with: tensor.values)
            }
            return values
        }
        for buffer in header.optimizerBuffers { optimizerState[buffer] = try state("optimizer.\(buffer).") }
        if let steps = header.rollbackOptimizerSteps {
            var copy = RollbackCopy(parameters: try state("rollback."), optimizerState: [], optimizerSteps: steps)
            for buffer in header.optimizerBuffers { copy.optimizerState.append(try state("rollback.optimizer.\(buffer).")) }
            rollback = copy
        }
        if let extra = file.tensors.keys.sorted().first(where: { !placed.contains($0) }) {
            throw InputError(file: path, problem: "tensor '\(extra)' has no place in an rnntop checkpoint")
        }
    }

    /// The model's weights of a file, without a checkpoint's optimizer state and
    /// rollback copy: what `--init-from` takes from a checkpoint.
    public static func modelWeights(of file: SafetensorsFile) -> SafetensorsFile {
        guard file.metadata[headerKey] != nil else { return file }
        return SafetensorsFile(
            tensors: file.tensors.filter { name, _ in !statePrefixes.contains { name.hasPrefix($0) } }, metadata: file.metadata)
    }
}

/// The 64-bit FNV-1a hash, fed a piece at a time.
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01B3
        }
    }
}
