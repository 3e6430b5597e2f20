import RNNCore

/// A line of a control file or of standard input as a command: the keys' commands
/// in words (`lr 5e-4`, `clip 1 value`, `pause`). In Training, beside `Command`, so
/// that the parser can be fuzzed on its own. The verbs are declared once, in `verbs`,
/// from which the parser and the help are made; a verb is named by the event its
/// command records.
public enum ControlLine {
    /// What is wrong with a line, in words.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// One verb: how it is written with its arguments, how many it takes, and the
    /// command it makes of them.
    struct Verb: Sendable {
        /// The event the verb's command records; its name is the verb's, unless the
        /// verb has a word of its own (`cell` and `hidden` both change the model).
        let kind: EventKind
        let name: String
        /// The verb as the help writes it: `lr X`, `reset [SEED]`.
        let usage: String
        let arguments: ClosedRange<Int>
        /// Arguments that make a command, for the tests that walk the table.
        let example: [String]
        let make: @Sendable (Arguments) throws(Problem) -> Command

        init(
            _ kind: EventKind, word: String? = nil, _ argumentsUsage: String = "", _ arguments: ClosedRange<Int> = 0...0,
            example: [String] = [], _ make: @escaping @Sendable (Arguments) throws(Problem) -> Command
        ) {
            self.kind = kind
            self.name = word ?? kind.rawValue
            self.usage = argumentsUsage.isEmpty ? name : "\(name) \(argumentsUsage)"
            self.arguments = arguments
            self.example = example
            self.make = make
        }
    }

    /// Every verb, in the order the help lists them.
    static let verbs: [Verb] = [
        Verb(.pause) { _ throws(Problem) in .pause },
        Verb(.resume) { _ throws(Problem) in .resume },
        Verb(.step) { _ throws(Problem) in .step },
        Verb(.learningRate, "X", 1...1, example: ["5e-4"]) { a throws(Problem) in .setLearningRate(try a.value(0, "a learning rate") { Float($0) }) },
        Verb(.clipping, "X [norm|value]", 1...2, example: ["1", "value"]) { a throws(Problem) in
            let threshold = try a.value(0, "a threshold (0: off)") { Float($0) }
            guard a.count == 2 else { return .setClipping(threshold: threshold, mode: nil) }
            return .setClipping(threshold: threshold, mode: try a.value(1, "a clip mode, norm or value") { ClipMode(rawValue: $0) })
        },
        Verb(.optimizer, "NAME", 1...1, example: ["sgd"]) { a throws(Problem) in
            .switchOptimizer(try a.value(0, "sgd, adam, rmsprop or adagrad") { OptimizerKind(rawValue: $0) })
        },
        Verb(.batchSize, "N", 1...1, example: ["64"]) { a throws(Problem) in .setBatchSize(try a.value(0, "a batch size") { Int($0) }) },
        Verb(.dropout, "X", 1...1, example: ["0.2"]) { a throws(Problem) in .setDropout(try a.value(0, "a rate") { Float($0) }) },
        Verb(.truncation, "N", 1...1, example: ["100"]) { a throws(Problem) in .setTruncation(try a.value(0, "a window length") { Int($0) }) },
        Verb(.evaluationInterval, "N", 1...1, example: ["500"]) { a throws(Problem) in
            .setEvaluationInterval(try a.value(0, "a number of steps") { Int($0) })
        },
        Verb(.reset, "[SEED]", 0...1, example: ["7"]) { a throws(Problem) in
            .resetWeights(seed: a.count == 0 ? nil : try a.value(0, "a seed") { UInt64($0) })
        },
        Verb(.model, word: "cell", "rnn|lstm|gru|mingru|minlstm", 1...1, example: ["lstm"]) { a throws(Problem) in
            .changeModel(cell: try a.value(0, CellKind.choices) { CellKind(rawValue: $0) }, hiddenSize: nil)
        },
        Verb(.model, word: "hidden", "N", 1...1, example: ["128"]) { a throws(Problem) in
            .changeModel(cell: nil, hiddenSize: try a.value(0, "a number of units") { Int($0) })
        },
        Verb(.rollback) { _ throws(Problem) in .rollBack },
        Verb(.checkpoint, "[PATH]", 0...1, example: ["run.ckpt"]) { a throws(Problem) in .saveCheckpoint(path: a.words.first) },
        Verb(.weights, "[PATH]", 0...1, example: ["run.safetensors"]) { a throws(Problem) in .saveWeights(path: a.words.first) },
        Verb(.extend, "[STEPS]", 0...1, example: ["1000"]) { a throws(Problem) in
            .extend(steps: a.count == 0 ? nil : try a.value(0, "a number of steps") { Int($0) })
        },
        Verb(.quit) { _ throws(Problem) in .quit },
    ]

    /// The commands, for messages about a line that is none of them.
    public static let help = verbs.map(\.usage).joined(separator: ", ")

    /// The command a line asks for; nil for a blank line or a `#` comment.
    public static func parse(_ line: String) throws(Problem) -> Command? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let name = words.first?.lowercased(), !name.hasPrefix("#") else { return nil }
        guard let verb = verbs.first(where: { $0.name == name }) else {
            throw Problem(description: "unknown command '\(shown(name))' (commands: \(help))")
        }
        let arguments = Arguments(verb: name, words: Array(words.dropFirst()))
        guard arguments.count >= verb.arguments.lowerBound else {
            throw Problem(description: "'\(name)' needs \(verb.arguments.lowerBound == 1 ? "a value" : "values"): \(verb.usage)")
        }
        guard arguments.count <= verb.arguments.upperBound else {
            let most = verb.arguments.upperBound
            throw Problem(description: "'\(name)' takes \(most == 0 ? "nothing" : "\(most) value(s) at most") after it: \(verb.usage)")
        }
        return try verb.make(arguments)
    }

    /// A word of a line as a message quotes it: at most 200 characters (a line can
    /// be a megabyte long).
    static func shown(_ word: String) -> String {
        word.count <= 200 ? word : word.prefix(200) + "… (\(word.count) characters)"
    }

    /// A verb's arguments, read one by one.
    struct Arguments {
        let verb: String
        let words: [String]

        var count: Int { words.count }

        /// The `index`th argument converted, or a problem that says what it should be.
        func value<T>(_ index: Int, _ what: String, _ convert: (String) -> T?) throws(Problem) -> T {
            guard index < words.count, let value = convert(words[index]) else {
                let given = index < words.count ? ", not '\(ControlLine.shown(words[index]))'" : ""
                throw Problem(description: "'\(verb)' needs \(what)\(given)")
            }
            return value
        }
    }
}
