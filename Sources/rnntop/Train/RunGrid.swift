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

/// One flag's value for one run: the flag and the text it was given (which name the
/// run and the messages about it), and what it sets in the run's settings.
struct RunChoice {
    let flag: String
    let text: String
    let apply: (inout TaskDefaults) -> Void
}

/// The values one run takes from the flags, applied in order over the task's
/// defaults (or over a resumed run's settings); flags that were not given are absent.
struct RunChoices {
    var each: [RunChoice] = []

    /// `settings` with every choice applied.
    func applied(to settings: TaskDefaults) -> TaskDefaults {
        var settings = settings
        for choice in each { choice.apply(&settings) }
        return settings
    }
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

    /// One flag that may list values, declared with what a value sets: the flag,
    /// whether its values name themselves (`lstm`, not `cell=lstm`), and its choices,
    /// one per value given (none when the flag was not given).
    struct Axis {
        let flag: String
        let namesItself: Bool
        let choices: [RunChoice]

        init<Value>(
            _ flag: String, _ list: ValueList<Value>?, namesItself: Bool = false, _ apply: @escaping (inout TaskDefaults, Value) -> Void
        ) {
            self.flag = flag
            self.namesItself = namesItself
            choices = list.map { list in
                zip(list.texts, list.values).map { text, value in RunChoice(flag: flag, text: text) { apply(&$0, value) } }
            } ?? []
        }

        /// A flag whose value is one field of the settings.
        init<Value>(_ flag: String, _ list: ValueList<Value>?, _ field: WritableKeyPath<TaskDefaults, Value>, namesItself: Bool = false) {
            self.init(flag, list, namesItself: namesItself) { $0[keyPath: field] = $1 }
        }

        var texts: [String] { choices.map(\.text) }
    }

    /// All combinations of `axes`; more than `maximumRuns` is refused with the count.
    init(_ axes: [Axis]) throws {
        for axis in axes {
            if let twice = axis.texts.first(where: { text in axis.texts.filter { $0 == text }.count > 1 }) {
                throw ConfigError(setting: "--\(axis.flag)", problem: "\(twice) is listed twice (each run of a comparison differs from the others)")
            }
        }
        // In floating point: ten long lists would overflow an Int.
        let count = axes.reduce(1.0) { $0 * Double(max(1, $1.texts.count)) }
        guard count <= Double(Self.maximumRuns) else {
            let lists = axes.filter { $0.texts.count > 1 }
            throw ConfigError(
                setting: lists.map { "--\($0.flag)" }.joined(separator: ", "),
                problem: "\(lists.map { "\($0.texts.count)" }.joined(separator: " x ")) values make \(count < 1e15 ? "\(Int(count))" : "\(count)") runs; "
                    + "a comparison holds at most \(Self.maximumRuns)")
        }
        var runs = [(names: [String], choices: RunChoices)]([([], RunChoices())])
        for axis in axes where !axis.choices.isEmpty {
            runs = runs.flatMap { run in
                axis.choices.map { choice in
                    var choices = run.choices
                    choices.each.append(choice)
                    let name = axis.choices.count == 1 ? nil : axis.namesItself ? choice.text : "\(axis.flag)=\(choice.text)"
                    return (run.names + [name].compactMap { $0 }, choices)
                }
            }
        }
        self.runs = runs.map { Run(name: $0.names.joined(separator: " "), choices: $0.choices) }
    }

    /// Whether the flags ask for more than one run.
    var isComparison: Bool { runs.count > 1 }
}
