import ArgumentParser
import Foundation
import RNNCore
import RNNData
import TerminalUI
import Training

/// `rnntop [train]`: trains a model on a task, in the dashboard on a terminal or
/// headless otherwise (a progress line per epoch on standard error and a summary),
/// with an optional run log (`--log`, `--csv`) and commands from `--control`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a recurrent model on a task and report how it learns.",
        discussion: """
            Tasks: adding (default; sum two marked numbers), copy (recall symbols after a delay), \
            sine (forecast noisy sines), seed (the Keras example), csv (your series, --data), \
            text (a character model, --data). Each task has defaults that train within a minute; \
            the flags override them. --preset seed selects the Keras example with all its settings.
            """
    )

    @Option(help: "The task to train on.")
    var task: TaskKind?

    @Option(help: "Data file: a CSV series (csv task) or a text (text task).")
    var data: String?

    @Option(help: "CSV column to model, by name or 0-based index; repeat for several (default: the last numeric one).")
    var column: [String] = []

    @Option(help: "Fill gaps in a CSV series instead of refusing them: previous or linear.")
    var fill: FillMethod?

    @Option(
        help: "Recurrent cell: rnn, lstm, gru, mingru or minlstm (the last two: linear recurrences trained by parallel scan); a list (rnn,lstm,mingru) trains one run per value, side by side.")
    var cell: ValueList<CellKind>?

    @Option(help: "Activation of the cell: tanh or relu (or a list).")
    var activation: ValueList<Activation>?

    @Option(help: "Hidden units per layer (or a list: 32,128).")
    var hidden: ValueList<Int>?

    @Option(help: "Stacked recurrent layers (or a list).")
    var layers: ValueList<Int>?

    @Option(name: .customLong("seq-len"), help: "Time steps per sequence (for copy, the delay).")
    var sequenceLength: Int?

    @Option(help: "Sequences per batch (or a list).")
    var batch: ValueList<Int>?

    @Option(help: "Learning rate (or a list: 1e-3,1e-2).")
    var lr: ValueList<Float>?

    @Option(help: "Optimizer: sgd, adam, rmsprop or adagrad (or a list).")
    var optimizer: ValueList<OptimizerKind>?

    @Option(help: "Momentum (SGD, RMSProp).")
    var momentum: Float?

    @Option(help: "Gradient clipping threshold; 0 turns clipping off (or a list).")
    var clip: ValueList<Float>?

    @Option(name: .customLong("clip-mode"), help: "Clip by global norm or by value.")
    var clipMode: ClipMode?

    @Option(help: "Dropout between layers and before the head (or a list).")
    var dropout: ValueList<Float>?

    @Option(name: .customLong("init"), help: "Initialisation: torch, keras (with Keras's one bias per gate for an LSTM or RNN) or identity (or a list).")
    var initialization: ValueList<InitScheme>?

    @Option(help: "Training steps (batches).")
    var steps: Int?

    @Option(help: "Training epochs (passes over the data).")
    var epochs: Int?

    @Option(help: "Seed of the run's random generator: the same seed gives the same run (default: 1).")
    var seed: UInt64?

    @Option(name: .customLong("val-split"), help: "Fraction of a csv or text file held out for validation.")
    var validationSplit: Double?

    @Option(help: "A complete setup: seed (the Keras example: LSTM(50, relu), Dropout 0.2, Adam, 100 epochs).")
    var preset: Preset?

    @Option(name: .customLong("eval-every"), help: "Validate every this many steps (default: every epoch).")
    var evaluationInterval: Int?

    @Option(help: "Checkpoint file, written when the run ends or is interrupted.")
    var checkpoint: String?

    @Option(
        help: ArgumentHelp(
            "Continue the run saved in this checkpoint, and checkpoint it there unless --checkpoint says where "
                + "(--steps or --epochs extend it; --lr, --optimizer, --batch, --dropout, --clip, --eval-every change it)."))
    var resume: String?

    @Option(
        name: .customLong("init-from"),
        help: "Start from these weights: a safetensors file with PyTorch's names (rnn.weight_ih_l0, ..., head.weight); the cell, hidden size and layers follow it.")
    var initFrom: String?

    @Option(
        name: .customLong("save-weights"),
        help: "Write the weights here, as safetensors with PyTorch's names, when the run ends (and on the key w).")
    var saveWeights: String?

    @Flag(help: "Train without the dashboard, reporting on standard error.")
    var headless = false

    @Option(help: "Write the run log to this file: JSON Lines, for `rnntop replay` and other programs.")
    var log: String?

    @Option(
        name: .customLong("log-every"),
        help: "A step record every this many steps (default: every step to 1,000, every 10 to 10,000, then every 100).")
    var logEvery: Int?

    @Option(help: "Also write the logged steps' scalars to this CSV file.")
    var csv: String?

    @Option(help: "Read commands (lr 5e-4, pause, quit, ...) a line each from this file or FIFO.")
    var control: String?

    @Option(help: "Dashboard colours: a theme's name (see `rnntop themes`) or a path to a .toml file. NO_COLOR selects mono.")
    var theme: String?

    enum Preset: String, CaseIterable, ExpressibleByArgument {
        case seed
    }

    func validate() throws {
        if steps != nil && epochs != nil { throw ValidationError("give --steps or --epochs, not both") }
        if logEvery != nil && log == nil && csv == nil { throw ValidationError("--log-every needs --log or --csv") }
        if preset == .seed, let task, task != .seed {
            throw ValidationError("--preset seed trains the seed task, not \(task.rawValue)")
        }
        if initFrom != nil && resume != nil { throw ValidationError("give --init-from or --resume, not both: a checkpoint has its weights") }
    }

    func run() throws {
        // The dashboard when both ends are a terminal and no one asked otherwise.
        let colors = try ThemeChoice(theme)
        if let control {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: control, isDirectory: &isFolder) else {
                throw InputError(file: control, field: "--control", problem: "no such file: create it first (touch, or mkfifo for a FIFO)")
            }
            guard !isFolder.boolValue else { throw InputError(file: control, field: "--control", problem: "is a folder: give a file or a FIFO") }
        }
        try checkFilesAreDistinct()
        let grid = try runGrid()
        if !headless && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0 {
            let runs = try makeRuns(grid) { _ in SessionOptions() }
            if let terminal = Terminal(color: !colors.noColor) {
                if let control { ControlInput(runs: runs, source: .path(control)).start() }
                let status = runDashboard(runs, terminal, colors.cycle).status
                if status != 0 { throw ExitCode(status) }
                return
            }
            printError("TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "") is not a terminal curses knows; training headless")
        }
        var progress = [String: ProgressLines]()
        for run in grid.runs { progress[run.name] = ProgressLines(name: run.name) }
        let runs = try makeRuns(grid) { run in
            var options = SessionOptions(stopWhenDone: true, stopOnDivergence: true)
            options.stepObserver = { [lines = progress[run.name]!] in lines.observe($0) }
            options.eventObserver = HeadlessRunner.problemReporter(run: run.name)
            return options
        }
        if let control {
            ControlInput(runs: runs, source: .path(control)).start()
        } else if isatty(STDIN_FILENO) == 0 {
            ControlInput(runs: runs, source: .standardInput).start()
        }
        for run in runs { progress[run.name]!.expect(run.session.snapshot) }
        let status = HeadlessRunner(runs: runs).run()
        if status != 0 { throw ExitCode(status) }
    }

    /// The runs the flags' lists ask for (one when no flag lists several values). A
    /// flag that may list values is declared here, once, with what its value sets.
    func runGrid() throws -> RunGrid {
        let grid = try RunGrid([
            .init("cell", cell, \.cell, namesItself: true),
            .init("activation", activation, \.activation, namesItself: true),
            .init("hidden", hidden, \.hiddenSize),
            .init("layers", layers, \.layers),
            // Before the learning rate: another optimizer starts from its own settings.
            .init("optimizer", optimizer, namesItself: true) { settings, kind in
                if kind != settings.optimizer.kind { settings.optimizer = OptimizerSettings(kind: kind) }
            },
            .init("lr", lr, \.optimizer.learningRate),
            .init("init", initialization, \.initialization),
            .init("clip", clip, \.clipping.threshold),
            .init("dropout", dropout) { settings, rate in
                settings.dropout = rate
                settings.outputDropout = rate
            },
            .init("batch", batch, \.batchSize),
        ])
        if grid.isComparison && resume != nil {
            throw ValidationError("--resume continues one run: give one value per flag (a comparison writes a checkpoint per run)")
        }
        return grid
    }

    /// The flags that take one value, applied after the listed ones (a momentum
    /// belongs to the optimizer a list chose).
    var singleChoices: [RunChoice] {
        [
            momentum.map { momentum in RunChoice(flag: "momentum", text: "\(momentum)") { $0.optimizer.momentum = momentum } },
            clipMode.map { mode in RunChoice(flag: "clip-mode", text: mode.rawValue) { $0.clipping.mode = mode } },
        ].compactMap { $0 }
    }
}
