import Foundation

/// Reads a user's data file whole, with errors that name it.
enum DataFile {
    /// The file's bytes; refuses a missing, unreadable or empty file, or a folder.
    static func read(_ path: String) throws(InputError) -> [UInt8] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InputError(file: path, problem: "no such file")
        }
        guard !isFolder.boolValue else { throw InputError(file: path, problem: "is a folder, not a file") }
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
