import Foundation
import RNNCore

/// Reads a user's data file whole, with errors that name it.
enum DataFile {
    /// The file's bytes; refuses a missing, unreadable or empty file, a folder, a
    /// device or pipe (which may never end), and a file larger than the memory there is.
    static func read(_ path: String) throws(InputError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputError(file: path, problem: errno == ENOENT ? "no such file" : "cannot be read: \(String(cString: strerror(errno)))")
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw InputError(file: path, problem: "is a folder, not a file")
        default: throw InputError(file: path, problem: "is not a regular file (a device or a pipe)")
        }
        guard Double(status.st_size) <= MemoryLimit.machine / 4 else {
            throw InputError(
                file: path, problem: "has \(MemoryFootprint.describe(Double(status.st_size))): too large to read whole in the memory there is")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, problem: "cannot be read (permissions?)")
        }
        guard !data.isEmpty else { throw InputError(file: path, problem: "is empty") }
        return [UInt8](data)
    }

    /// Whether bytes look like a binary file rather than text: a NUL byte, or more
    /// than 5% of the first 64 KiB in control codes other than tab, newlines and form
    /// feed.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(65_536)
        if sample.contains(0) { return true }
        let controls = sample.filter { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains($0) }.count
        return controls * 20 > sample.count
    }
}
