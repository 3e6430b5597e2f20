import Foundation
import RNNCore
import RNNData

/// A safetensors file of float32 tensors, the format `safetensors.torch.save_file`
/// writes: 8 bytes of header length (little-endian), a JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}` with
/// an optional `"__metadata__"` object of strings, then the tensors' little-endian
/// bytes, back to back.
///
/// ```swift
/// let file = try SafetensorsFile.read("weights.safetensors")
/// file.tensors["rnn.weight_hh_l0"]?.shape   // [256, 64]
/// ```
///
/// Reading checks every number the file gives before it becomes a size or an offset,
/// and names the file and the tensor in what it refuses.
public struct SafetensorsFile: Sendable, Equatable {
    /// One tensor: its shape and its values, row-major.
    public struct Tensor: Sendable, Equatable {
        public let shape: [Int]
        public let values: [Float]

        public init(shape: [Int], values: [Float]) {
            precondition(values.count == shape.reduce(1, *), "a tensor's values fill its shape")
            self.shape = shape
            self.values = values
        }
    }

    public var tensors: [String: Tensor]
    /// The header's `__metadata__`: free-form strings.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The largest header read: safetensors itself refuses headers over 100 MB.
    static let headerLimit = 100_000_000

    // MARK: Reading

    /// Reads and checks a whole file.
    /// - Throws: `InputError` naming the file (and the tensor) for a missing file, one
    ///   that is not safetensors, a tensor that is not float32 or whose bytes do not
    ///   fit its shape or the file.
    public static func read(_ path: String) throws(InputError) -> SafetensorsFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputError(file: path, problem: "no such file")
        }
        guard !isFolder.boolValue else { throw InputError(file: path, problem: "is a folder, not a safetensors file") }
        // Refused before it is read: training weights takes at least four times their
        // bytes (the weights, their gradients, and an optimizer's state).
        let size = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0)
        guard size * 4 <= MemoryLimit.machine else {
            throw InputError(
                file: path,
                problem: "is \(MemoryFootprint.describe(size)) of weights: training them takes at least 4 times that (weights, gradients, "
                    + "the optimizer's state), more than this machine's \(MemoryFootprint.describe(MemoryLimit.machine))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, problem: "cannot be read (permissions?)")
        }
        return try parse([UInt8](data), path: path)
    }

    /// Parses the bytes of a file called `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(InputError) -> SafetensorsFile {
        func refuse(_ problem: String) -> InputError {
            InputError(file: path, problem: "is not a safetensors file: \(problem)")
        }
        guard bytes.count >= 8 else { throw refuse("\(bytes.count) bytes, fewer than the 8 of its header's length") }
        let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard length >= 2, length <= UInt64(min(bytes.count - 8, headerLimit)) else {
            throw refuse("a header of \(length) bytes does not fit the file's \(bytes.count)")
        }
        let headerEnd = 8 + Int(length)
        guard let header = (try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))) as? [String: Any] else {
            throw refuse("its header is not a JSON object")
        }
        let dataStart = headerEnd, dataSize = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var spans: [(name: String, begin: Int, end: Int)] = []
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw InputError(file: path, field: "__metadata__", problem: "is not an object of strings")
                }
                metadata = strings
                continue
            }
            let (tensor, span) = try readTensor(name, value, in: bytes, dataStart: dataStart, path: path)
            tensors[name] = tensor
            spans.append((name, span.lowerBound, span.upperBound))
        }
        try checkTiling(spans, dataSize: dataSize, path: path)
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// One tensor of the header, checked against the file's data, read, and the span
    /// of the data its bytes take.
    private static func readTensor(
        _ name: String, _ value: Any, in bytes: [UInt8], dataStart: Int, path: String
    ) throws(InputError) -> (Tensor, Range<Int>) {
        let dataSize = bytes.count - dataStart
        func problem(_ text: String) -> InputError { InputError(file: path, problem: "tensor '\(name)' \(text)") }
        guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
            let shapeValues = entry["shape"] as? [Any], let offsetValues = entry["data_offsets"] as? [Any]
        else { throw problem("needs \"dtype\", \"shape\" and \"data_offsets\" in the header") }
        guard dtype == "F32" else {
            throw problem("is \(dtype); rnntop reads F32 (float32) tensors: save them after model.float()")
        }
        let shape = shapeValues.map(count)
        guard !shape.contains(nil), shape.count <= 8 else { throw problem("has a shape that is not a list of sizes: \(shapeValues)") }
        let sizes = shape.map { $0! }
        var elements = 1
        for size in sizes {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= dataSize / 4 else { throw problem("has shape \(sizes), larger than the file") }
            elements = product
        }
        let offsets = offsetValues.map(count)
        guard offsets.count == 2, let begin = offsets[0], let end = offsets[1], begin <= end, end <= dataSize else {
            throw problem("has data_offsets \(offsetValues) outside the file's \(dataSize) bytes of data")
        }
        guard end - begin == elements * 4 else {
            throw problem("has shape \(sizes), which needs \(elements * 4) bytes, but its data_offsets hold \(end - begin)")
        }
        var values = [Float](repeating: 0, count: elements)
        let start = dataStart + begin
        for i in 0..<elements {
            let at = start + 4 * i
            let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return (Tensor(shape: sizes, values: values), begin..<end)
    }

    /// The tensors' bytes must tile the data exactly, as the safetensors library
    /// requires: no two tensors share a byte, no byte is left between them or after
    /// the last (else a value could be read from another tensor's bytes).
    private static func checkTiling(_ spans: [(name: String, begin: Int, end: Int)], dataSize: Int, path: String) throws(InputError) {
        var next = 0, previous: String?
        for span in spans.sorted(by: { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }) where span.end > span.begin {
            guard span.begin >= next else {
                throw InputError(file: path, problem: "tensor '\(span.name)' has data_offsets that overlap tensor '\(previous ?? "")''s bytes")
            }
            guard span.begin == next else {
                throw InputError(file: path, problem: "bytes \(next) to \(span.begin) of the data belong to no tensor (before '\(span.name)')")
            }
            next = span.end
            previous = span.name
        }
        guard next == dataSize else {
            throw InputError(file: path, problem: "has \(dataSize - next) bytes after its last tensor's data")
        }
    }

    /// A JSON number that is a whole count (0 or more, within Int), or nil.
    private static func count(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double >= 0, double < 9e15, double == double.rounded() else { return nil }
        return Int(double)
    }

    // MARK: Writing

    /// The file's bytes: tensors in the order of their names, the header padded with
    /// spaces to a multiple of 8 bytes, as safetensors writes it.
    public func bytes() -> [UInt8] {
        var entries: [String] = []
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.values.count * 4
            entries.append(
                "\(Self.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                    + "\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{\(fields.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for name in names {
            for value in tensors[name]!.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// Writes the file atomically (a temporary file, synced, renamed).
    public func write(to path: String) throws(InputError) {
        try AtomicFile.write(bytes(), to: path)
    }

    /// `text` as a JSON string. Encoding a string cannot fail.
    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
