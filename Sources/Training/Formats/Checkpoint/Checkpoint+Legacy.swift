import Foundation
import RNNCore
import RNNData

/// The first checkpoint format, still read so that older runs resume: the magic
/// "RNNTOPCK", the format version 1 (UInt32), a JSON header (length UInt64, then
/// UTF-8), the float32 values (count UInt64, then the parameters, each optimizer
/// buffer, and for a diverged run the rollback copy of both), and an FNV-1a checksum
/// (UInt64) of everything before it; integers little-endian.
extension Checkpoint {
    /// The first bytes of a checkpoint of the first format.
    public static let legacyMagic = Array("RNNTOPCK".utf8)

    init(legacyBytes bytes: [UInt8], file path: String) throws(InputError) {
        guard bytes.count >= 12, Array(bytes[0..<8]) == Self.legacyMagic else {
            throw InputError(file: path, problem: "is not an rnntop checkpoint")
        }
        var reader = ByteReader(bytes: bytes, offset: 8, file: path)
        let version = try reader.uint32()
        guard version == 1 else { throw Self.unknownVersion("\(version)", file: path) }
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
        header = try Self.decodedHeader(Data(json), file: path)
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
