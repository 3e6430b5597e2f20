import ArgumentParser
import Foundation
import RNNCore
import RNNData

/// A flag's value, or several separated by commas (`--lr 1e-3,1e-2`): one run per
/// value, side by side. Each value keeps the text it was given, which names its run.
struct ValueList<Value: ExpressibleByArgument>: ExpressibleByArgument {
    let values: [Value]
    let texts: [String]

    init?(argument: String) {
        let texts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: .whitespaces)
        }
        var values = [Value]()
        for text in texts {
            guard let value = Value(argument: text) else { return nil }
            values.append(value)
        }
        self.values = values
        self.texts = texts
    }
}

/// The settings one run of a comparison takes from the flags that may list values;
/// nil where the flag was not given (the task's default).
struct RunChoices {
    var cell: CellKind?
    var activation: Activation?
    var hidden: Int?
    var layers: Int?
    var lr: Float?
    var optimizer: OptimizerKind?
    var initialization: InitScheme?
    var clip: Float?
    var dropout: Float?
    var batch: Int?
}

/// The runs that lists of values ask for: every combination, in the order the flags
/// are listed here and their values were given, each named by the values in which
/// it differs from the others (`lstm`, `lr=1e-2`, `gru lr=1e-2`).
struct RunGrid {
    /// More runs than this share the cores too thinly to watch, and the legend has
    /// colours for this many.
    static let maximumRuns = 8

    struct Run {
        let name: String
        let choices: RunChoices
    }

    let runs: [Run]

    /// One flag's list: the flag, whether its values name themselves (`lstm`, not
    /// `cell=lstm`), and how to put a value in the choices.
    struct Axis {
        let flag: String
        let namesItself: Bool
        let texts: [String]
        let apply: [(inout RunChoices) -> Void]

        init<Value>(
            _ flag: String, _ list: ValueList<Value>?, _ keyPath: WritableKeyPath<RunChoices, Value?>, namesItself: Bool = false
        ) {
            self.flag = flag
            self.namesItself = namesItself
            texts = list?.texts ?? [""]
            apply = list.map { list in list.values.map { value in { $0[keyPath: keyPath] = value } } } ?? [{ _ in }]
        }
    }

    /// All combinations of `axes`; more than `maximumRuns` is refused with the count.
    init(_ axes: [Axis]) throws {
        for axis in axes {
            if let twice = axis.texts.first(where: { text in axis.texts.filter { $0 == text }.count > 1 }) {
                throw ConfigError(setting: "--\(axis.flag)", problem: "\(twice) is listed twice (each run of a comparison differs from the others)")
            }
        }
        // In floating point: ten long lists would overflow an Int.
        let count = axes.reduce(1.0) { $0 * Double($1.texts.count) }
        guard count <= Double(Self.maximumRuns) else {
            let lists = axes.filter { $0.texts.count > 1 }
            throw ConfigError(
                setting: lists.map { "--\($0.flag)" }.joined(separator: ", "),
                problem: "\(lists.map { "\($0.texts.count)" }.joined(separator: " x ")) values make \(count < 1e15 ? "\(Int(count))" : "\(count)") runs; "
                    + "a comparison holds at most \(Self.maximumRuns)")
        }
        var runs = [(names: [String], choices: RunChoices)]([([], RunChoices())])
        for axis in axes {
            runs = runs.flatMap { run in
                zip(axis.texts, axis.apply).map { text, apply in
                    var choices = run.choices
                    apply(&choices)
                    let name = axis.texts.count == 1 ? nil : axis.namesItself ? text : "\(axis.flag)=\(text)"
                    return (run.names + [name].compactMap { $0 }, choices)
                }
            }
        }
        self.runs = runs.map { Run(name: $0.names.joined(separator: " "), choices: $0.choices) }
    }

    /// Whether the flags ask for more than one run.
    var isComparison: Bool { runs.count > 1 }
}
