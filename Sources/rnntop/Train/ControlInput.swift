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
            while let line = readLine() {
                number += 1
                handle(line, number: number, from: "standard input")
            }
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
            printError(Escaping.escape("\(origin): line \(number): \(error)"))
        }
    }
}

/// Splits bytes into lines as they arrive.
struct LineReader {
    private var pending: [UInt8] = []

    mutating func add(_ bytes: ArraySlice<UInt8>) -> [String] {
        pending.append(contentsOf: bytes)
        var lines: [String] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            lines.append(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
        }
        return lines
    }
}
