import Foundation
import RNNData

/// An append-only file of lines: a buffer written out only at line boundaries. A
/// write that fails (a full disk, a closed pipe, `/dev/full`) is remembered, not
/// ignored: `takeFailure()` hands it to the session once, which reports it at once;
/// the file takes nothing more, so it never holds a hole.
final class LineFile {
    let path: String
    /// What the file is, for messages: "run log", "CSV".
    private let role: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var closed = false
    private var failure: String?
    private var failureTaken = false
    /// Whether the file already held lines that this one continues.
    let continuing: Bool

    /// Creates or empties the file; with `append`, keeps its whole lines (a last
    /// line cut short by a killed run is dropped) and writes after them.
    init(path: String, flag: String, role: String, append: Bool) throws(InputError) {
        self.path = path
        self.role = role
        descriptor = open(path, O_RDWR | O_CREAT | (append ? 0 : O_TRUNC) | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputError(file: path, field: "--\(flag)", problem: "cannot be written: \(String(cString: strerror(errno)))")
        }
        let kept = append ? Self.wholeLinesLength(descriptor) : 0
        continuing = kept > 0
        if append { keep(kept) }
        buffer.reserveCapacity(1 << 16)
    }

    /// Keeps the first `length` bytes and goes on after them.
    private func keep(_ length: Int) {
        ftruncate(descriptor, off_t(length))
        lseek(descriptor, 0, SEEK_END)
    }

    /// The length of the file up to and including its last newline.
    private static func wholeLinesLength(_ descriptor: Int32) -> Int {
        var end = Int(lseek(descriptor, 0, SEEK_END))
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while end > 0 {
            let start = max(0, end - block.count)
            let count = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, end - start, off_t(start)) }
            guard count > 0 else { return 0 }
            if let newline = block[..<count].lastIndex(of: 0x0A) { return start + newline + 1 }
            end = start
        }
        return 0
    }

    /// For a CSV of steps that a resumed run continues: drops the rows after `step`
    /// (the first run went past its checkpoint before it was stopped), so that no
    /// step is in the file twice. Rows are found by their first column.
    func keepRows(throughStep step: Int) {
        guard continuing else { return }
        let length = Int(lseek(descriptor, 0, SEEK_END))
        var bytes = [UInt8](repeating: 0, count: length)
        guard bytes.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, length, 0) }) == length else { return }
        var end = length
        while end > 0 {
            let start = (bytes[..<(end - 1)].lastIndex(of: 0x0A) ?? -1) + 1
            let first = bytes[start..<end].prefix { $0 != UInt8(ascii: ",") && $0 != 0x0A }
            guard let row = Int(String(decoding: first, as: UTF8.self)), row > step else { break }
            end = start
        }
        if end < length { keep(end) }
    }

    /// Adds whole lines; they go out when the buffer holds 64 KB, or on `flush`.
    func write(_ lines: [UInt8]) {
        guard !closed, failure == nil else { return }
        buffer.append(contentsOf: lines)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        guard !closed, failure == nil, !buffer.isEmpty else { return }
        var written = 0
        buffer.withUnsafeBytes { bytes in
            while written < bytes.count {
                let n = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    fail(n < 0 ? String(cString: strerror(errno)) : "nothing was written")
                    return
                }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything out, synced and closed; a failure here is a failure like any other.
    /// (A pipe or a device cannot be synced: that is not a failure.)
    func close() {
        guard !closed else { return }
        flush()
        if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS && failure == nil {
            fail(String(cString: strerror(errno)))
        }
        if Foundation.close(descriptor) != 0 && failure == nil { fail(String(cString: strerror(errno))) }
        closed = true
    }

    /// The failed write, the first time it is asked for.
    func takeFailure() -> String? {
        guard let failure, !failureTaken else { return nil }
        failureTaken = true
        return failure
    }

    private func fail(_ reason: String) {
        failure = Escaping.escape("\(path): cannot be written (\(reason)); the \(role) stops here")
        buffer.removeAll()
    }

    deinit { close() }
}
