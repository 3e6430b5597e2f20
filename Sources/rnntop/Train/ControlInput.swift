import Foundation
import RNNCore
import RNNData
import Training

/// Commands for a run without keys: a line each, such as `lr 5e-4` or `pause`, read
/// from standard input (when it is not a terminal) or from a file or FIFO given with
/// `--control`. Each is sent to the session like a key, and logged as an event from
/// "control". A line that is not a command is reported on standard error and skipped.
///
/// A FIFO is opened again after each writer closes it (`echo pause > ctl` works any
/// number of times); a regular file is followed as it grows, like `tail -f`.
final class ControlInput: Sendable {
    enum Source: Sendable {
        case standardInput
        case path(String)
    }

    private let session: Session
    private let source: Source

    init(session: Session, source: Source) {
        self.session = session
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
            session.send(command, from: .control)
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

/// One control line as a command: the keys' commands in words.
enum ControlLine {
    static let help =
        "pause, resume, step, lr X, clip X [norm|value], optimizer NAME, batch N, dropout X, truncation N, "
        + "eval-every N, reset [SEED], cell rnn|lstm|gru, hidden N, rollback, checkpoint [PATH], weights [PATH], extend [STEPS], quit"

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// The command a line asks for; nil for a blank line or a `#` comment.
    static func parse(_ line: String) throws(Problem) -> Command? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let verb = words.first?.lowercased(), !verb.hasPrefix("#") else { return nil }
        let arguments = Array(words.dropFirst())
        func argument<T>(_ what: String, _ convert: (String) -> T?) throws(Problem) -> T {
            guard arguments.count >= 1, let value = convert(arguments[0]) else {
                throw Problem(description: "'\(verb)' needs \(what)\(arguments.first.map { ", not '\($0)'" } ?? "")")
            }
            return value
        }
        func expectArguments(_ count: ClosedRange<Int>) throws(Problem) {
            guard count.contains(arguments.count) else {
                throw Problem(description: "'\(verb)' takes \(count.upperBound == 0 ? "nothing" : "\(count.upperBound) value(s) at most") after it")
            }
        }
        switch verb {
        case "pause": try expectArguments(0...0); return .pause
        case "resume": try expectArguments(0...0); return .resume
        case "step": try expectArguments(0...0); return .step
        case "quit": try expectArguments(0...0); return .quit
        case "rollback": try expectArguments(0...0); return .rollBack
        case "lr":
            try expectArguments(1...1)
            return .setLearningRate(try argument("a learning rate", { Float($0) }))
        case "clip":
            try expectArguments(1...2)
            let threshold = try argument("a threshold (0: off)", { Float($0) })
            guard arguments.count == 2 else { return .setClipping(threshold: threshold, mode: nil) }
            guard let mode = ClipMode(rawValue: arguments[1]) else { throw Problem(description: "clip mode is norm or value, not '\(arguments[1])'") }
            return .setClipping(threshold: threshold, mode: mode)
        case "optimizer":
            try expectArguments(1...1)
            return .switchOptimizer(try argument("sgd, adam, rmsprop or adagrad", { OptimizerKind(rawValue: $0) }))
        case "batch":
            try expectArguments(1...1)
            return .setBatchSize(try argument("a batch size", { Int($0) }))
        case "dropout":
            try expectArguments(1...1)
            return .setDropout(try argument("a rate", { Float($0) }))
        case "truncation":
            try expectArguments(1...1)
            return .setTruncation(try argument("a window length", { Int($0) }))
        case "eval-every":
            try expectArguments(1...1)
            return .setEvaluationInterval(try argument("a number of steps", { Int($0) }))
        case "reset":
            try expectArguments(0...1)
            return .resetWeights(seed: arguments.isEmpty ? nil : try argument("a seed", { UInt64($0) }))
        case "cell":
            try expectArguments(1...1)
            return .changeModel(cell: try argument("rnn, lstm or gru", { CellKind(rawValue: $0) }), hiddenSize: nil)
        case "hidden":
            try expectArguments(1...1)
            return .changeModel(cell: nil, hiddenSize: try argument("a number of units", { Int($0) }))
        case "checkpoint":
            try expectArguments(0...1)
            return .saveCheckpoint(path: arguments.first)
        case "weights":
            try expectArguments(0...1)
            return .saveWeights(path: arguments.first)
        case "extend":
            try expectArguments(0...1)
            return .extend(steps: arguments.isEmpty ? nil : try argument("a number of steps", { Int($0) }))
        default:
            throw Problem(description: "unknown command '\(verb)' (commands: \(help))")
        }
    }
}
