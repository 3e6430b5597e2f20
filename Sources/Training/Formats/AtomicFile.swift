import Foundation
import RNNData

/// Writes a file so that readers, and a crash, see either the old contents or the
/// new ones: a temporary file in the same folder, fsync, rename, fsync the folder.
/// The temporary file is named after the file and the writing process
/// (`.run.ckpt.tmp-1234`); one left by a process that was killed while writing is
/// removed by the next write or check. Only a regular file (or none) is replaced, and
/// a symbolic link's target rather than the link (`OutputPaths.target`).
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to given: String) throws(InputError) {
        let path = try OutputPaths.target(of: given, flag: nil)
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(of: path, process: getpid())
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw InputError(file: given, problem: "cannot be written: \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "nothing was written"
                close(fd)
                unlink(temporary)
                throw InputError(file: given, problem: "cannot be written: \(reason)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(temporary)
            throw InputError(file: given, problem: "cannot be synced to disk: \(reason)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError(file: given, problem: "cannot be put in place: \(reason)")
        }
        let directory = open(folder(of: path), O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Refuses, before a run starts, a path that a write at its end could not use:
    /// a folder, a device or a FIFO, a path in a folder that does not exist or cannot
    /// be written. A temporary file is made there and removed, as the write will.
    public static func checkWritable(_ given: String, flag: String) throws(InputError) {
        let path = try OutputPaths.target(of: given, flag: flag)
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(of: path, process: getpid())
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "its folder \(folder(of: path)) does not exist" : String(cString: strerror(errno))
            throw InputError(file: given, field: "--\(flag)", problem: "cannot be written: \(reason)")
        }
        close(fd)
        unlink(temporary)
    }

    private static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    private static func temporaryPath(of path: String, process: pid_t) -> String {
        folder(of: path) + "/" + temporaryPrefix(of: path) + "\(process)"
    }

    private static func temporaryPrefix(of path: String) -> String {
        "." + URL(fileURLWithPath: path).lastPathComponent + ".tmp-"
    }

    /// Removes the temporary files of `path` whose writing process is gone.
    private static func removeStaleTemporaries(of path: String) {
        let prefix = temporaryPrefix(of: path), folder = folder(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let process = pid_t(name.dropFirst(prefix.count)), process != getpid(),
                kill(process, 0) != 0 && errno == ESRCH
            else { continue }
            unlink(folder + "/" + name)
        }
    }
}
