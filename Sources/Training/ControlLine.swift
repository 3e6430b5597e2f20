import RNNCore

/// A line of a control file or of standard input as a command: the keys' commands
/// in words (`lr 5e-4`, `clip 1 value`, `pause`). In Training, beside `Command`, so
/// that the parser can be fuzzed on its own.
public enum ControlLine {
    /// The commands, for messages about a line that is none of them.
    public static let help =
        "pause, resume, step, lr X, clip X [norm|value], optimizer NAME, batch N, dropout X, truncation N, "
        + "eval-every N, reset [SEED], cell rnn|lstm|gru, hidden N, rollback, checkpoint [PATH], weights [PATH], extend [STEPS], quit"

    /// What is wrong with a line, in words.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The command a line asks for; nil for a blank line or a `#` comment.
    public static func parse(_ line: String) throws(Problem) -> Command? {
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
