import Foundation
import RNNCore
import RNNData
import Training

/// Commands for a run without keys: a line each, such as `lr 5e-4` or `pause`, read
/// from standard input (when it is not a terminal) or from a file or FIFO given with
/// `--control`. Each is sent to the session (to every run of a comparison) like a
/// key, and logged as an event from "control". A line that is not a command is
/// reported on standard error and skipped.
///
/// A FIFO is opened again after each writer closes it (`echo pause > ctl` works any
/// number of times); a regular file is followed as it grows, like `tail -f`.
final class ControlInput: Sendable {
    enum Source: Sendable {
        case standardInput
        case path(String)
    }

    private let runs: [LiveRun]
    private let source: Source

    init(runs: [LiveRun], source: Source) {
        self.runs = runs
        self.source = source
    }

    /// Reads on a thread of its own until the input ends (standard input) or the
    /// process does (a control file).
    func start() {
        let thread = Thread { [self] in read() }
        thread.name = "rnntop control"
        thread.start()
    }

    private func read() {
        var number = 0
        switch source {
        case .standardInput:
            var reader = LineReader()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = Foundation.read(STDIN_FILENO, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                for line in reader.add(buffer[..<count]) {
                    number += 1
                    handle(line, number: number, from: "standard input")
                }
            }
            if let last = reader.rest() { handle(last, number: number + 1, from: "standard input") }
        case .path(let path):
            var reader = LineReader()
            while true {
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else {
                    printError("\(path): cannot be read for commands: \(String(cString: strerror(errno)))")
                    return
                }
                var status = stat()
                fstat(descriptor, &status)
                let isFIFO = status.st_mode & S_IFMT == S_IFIFO
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = Foundation.read(descriptor, &buffer, buffer.count)
                    if count > 0 {
                        for line in reader.add(buffer[..<count]) {
                            number += 1
                            handle(line, number: number, from: path)
                        }
                    } else if count < 0 && errno == EINTR {
                        continue
                    } else if isFIFO {
                        break  // the writer closed it: wait for the next one
                    } else {
                        usleep(200_000)  // the end of a file that may grow
                    }
                }
                close(descriptor)
            }
        }
    }

    private func handle(_ line: String, number: Int, from origin: String) {
        do {
            guard let command = try ControlLine.parse(line) else { return }
            for run in runs { run.send(command, from: .control) }
        } catch {
            printError("\(origin): line \(number): \(error)")
        }
    }
}

/// Splits bytes into lines as they arrive. A control line is a few words: one longer
/// than `maximumLength` is cut there (and then refused as no command), and the rest
/// of it up to its line feed dropped, so that a writer that never ends its line
/// cannot fill the memory.
struct LineReader {
    static let maximumLength = 1 << 16
    private var pending: [UInt8] = []
    /// Dropping the rest of a line that was cut.
    private var dropping = false

    mutating func add(_ bytes: ArraySlice<UInt8>) -> [String] {
        pending.append(contentsOf: bytes)
        var lines: [String] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            if !dropping { lines.append(String(decoding: pending[..<newline], as: UTF8.self)) }
            dropping = false
            pending.removeSubrange(...newline)
        }
        if pending.count > Self.maximumLength {
            if !dropping { lines.append(String(decoding: pending.prefix(Self.maximumLength), as: UTF8.self)) }
            dropping = true
            pending.removeAll(keepingCapacity: true)
        }
        return lines
    }

    /// A last line without its line feed, at the end of the input.
    mutating func rest() -> String? {
        defer { pending.removeAll() }
        return dropping || pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}
