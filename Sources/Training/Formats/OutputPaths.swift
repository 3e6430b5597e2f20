import Foundation
import RNNData

/// The rule every output of rnntop follows, so that no output destroys what its
/// path names: a file written whole (checkpoint, weights, plot, saved screen) goes
/// to a regular file, or to a new one, never over a device, a FIFO or a socket,
/// which a rename would replace; a symbolic link is followed, and its target is
/// what is written and checked. And no two files of one run are the same file: an
/// output that names another output, or an input, is refused before any work.
public enum OutputPaths {
    /// The file a write of `path` goes to: the target of a symbolic link (the link
    /// stays), else `path`; refused when that exists and is not a regular file.
    /// `flag` names the option in the message, when there is one.
    public static func target(of path: String, flag: String?) throws(InputError) -> String {
        let target = resolved(path)
        var status = stat()
        guard stat(target, &status) == 0 else { return target }
        let kind = status.st_mode & S_IFMT
        guard kind != S_IFREG else { return target }
        let what: String
        switch kind {
        case S_IFDIR: what = "is a folder: give a file's path"
        case S_IFCHR: what = "is a character device"
        case S_IFBLK: what = "is a block device"
        case S_IFIFO: what = "is a FIFO (named pipe)"
        case S_IFSOCK: what = "is a socket"
        default: what = "is not a regular file"
        }
        let shown = target == path ? "" : " (a link to \(target))"
        let advice = kind == S_IFDIR ? "" : ", not a file: this output is written whole and renamed into place, which would replace it"
        throw InputError(file: path, field: flag.map { "--\($0)" }, problem: what + shown + advice)
    }

    /// One of a command's files, for `checkDistinct`: how the command line gives it
    /// (`--log`, "a log to plot") and its path.
    public struct Named: Sendable {
        public let option: String
        public let path: String

        public init(_ option: String, _ path: String) {
            self.option = option
            self.path = path
        }
    }

    /// Refuses two outputs that are one file, or an output that is one of the inputs
    /// (a log written over the data, weights over the checkpoint resumed from),
    /// however each is spelled (`./x`, `dir/../x`, a link to it).
    public static func checkDistinct(outputs: [Named], inputs: [Named]) throws(InputError) {
        for (index, output) in outputs.enumerated() {
            if let other = outputs[..<index].first(where: { same($0.path, output.path) }) {
                throw InputError(
                    file: output.path, field: output.option,
                    problem: "is also the file of \(other.option): each output needs a file of its own, or one would overwrite the other")
            }
            if let input = inputs.first(where: { same($0.path, output.path) }) {
                throw InputError(
                    file: output.path, field: output.option,
                    problem: "is the file of \(input.option), which this command reads: writing it would destroy it")
            }
        }
    }

    /// Whether two paths name one file, however each is spelled.
    public static func same(_ a: String, _ b: String) -> Bool {
        Identity(a) == Identity(b)
    }

    /// What a path names: the file's device and inode when it exists, else its
    /// absolute path with links, `.` and `..` resolved.
    private enum Identity: Equatable {
        case file(dev_t, ino_t)
        case path(String)

        init(_ path: String) {
            var status = stat()
            let target = resolved(path)
            if stat(target, &status) == 0 {
                self = .file(status.st_dev, status.st_ino)
            } else {
                self = .path(URL(fileURLWithPath: target).standardizedFileURL.path)
            }
        }
    }

    /// `path` with its symbolic links followed, as far as they lead (a link to a
    /// file not made yet leads to where that file will be).
    static func resolved(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {  // the kernel's own limit on links in a row
            var status = stat()
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { break }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length > 0 else { break }
            let link = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(link).path
        }
        return current
    }
}
