import Foundation
import RNNData

/// A file the run will write later, checked before training starts, so that a typo
/// in a path is found in a second and not after an hour of training.
enum WritablePath {
    /// Refuses a path whose folder does not exist or cannot be written, or that is a folder.
    static func check(_ path: String, flag: String) throws(InputError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw InputError(file: path, field: "--\(flag)", problem: "is a folder, not a file")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw InputError(file: path, field: "--\(flag)", problem: "its folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw InputError(file: path, field: "--\(flag)", problem: "its folder \(folder) cannot be written")
        }
    }
}
