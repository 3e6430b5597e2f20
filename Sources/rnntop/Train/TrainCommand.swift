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

    @Option(help: "Recurrent cell: rnn, lstm or gru.")
    var cell: CellKind?

    @Option(help: "Activation of the cell: tanh or relu.")
    var activation: Activation?

    @Option(help: "Hidden units per layer.")
    var hidden: Int?

    @Option(help: "Stacked recurrent layers.")
    var layers: Int?

    @Option(name: .customLong("seq-len"), help: "Time steps per sequence (for copy, the delay).")
    var sequenceLength: Int?

    @Option(help: "Sequences per batch.")
    var batch: Int?

    @Option(help: "Learning rate.")
    var lr: Float?

    @Option(help: "Optimizer: sgd, adam, rmsprop or adagrad.")
    var optimizer: OptimizerKind?

    @Option(help: "Momentum (SGD, RMSProp).")
    var momentum: Float?

    @Option(help: "Gradient clipping threshold; 0 turns clipping off.")
    var clip: Float?

    @Option(name: .customLong("clip-mode"), help: "Clip by global norm or by value.")
    var clipMode: ClipMode?

    @Option(help: "Dropout between layers and before the head.")
    var dropout: Float?

    @Option(name: .customLong("init"), help: "Initialisation: torch, keras or identity.")
    var initialization: InitScheme?

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
        if let control, !FileManager.default.fileExists(atPath: control) {
            throw InputError(file: control, field: "--control", problem: "no such file: create it first (touch, or mkfifo for a FIFO)")
        }
        if !headless && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0 {
            var options = SessionOptions()
            options.log = logOptions
            let session = try makeSession(options)
            if let terminal = Terminal(color: !colors.noColor) {
                if let control { ControlInput(session: session, source: .path(control)).start() }
                let status = runDashboard(session, terminal, colors.cycle)
                if status != 0 { throw ExitCode(status) }
                return
            }
            printError("TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "") is not a terminal curses knows; training headless")
        }
        let progress = ProgressLines()
        var options = SessionOptions(stopWhenDone: true, stopOnDivergence: true)
        options.stepObserver = { progress.observe($0) }
        options.eventObserver = HeadlessRunner.reportProblem
        options.log = logOptions
        let session = try makeSession(options)
        if let control {
            ControlInput(session: session, source: .path(control)).start()
        } else if isatty(STDIN_FILENO) == 0 {
            ControlInput(session: session, source: .standardInput).start()
        }
        let snapshot = session.snapshot
        let epochs: Int
        switch snapshot.settings.training.length {
        case .epochs(let n): epochs = n
        case .steps(let n): epochs = (n + snapshot.stepsPerEpoch - 1) / snapshot.stepsPerEpoch
        }
        progress.expect(steps: snapshot.totalSteps, epochs: epochs, stepsPerEpoch: snapshot.stepsPerEpoch)
        let status = HeadlessRunner(session: session).run()
        if status != 0 { throw ExitCode(status) }
    }

    /// The run log the flags ask for, if any.
    private var logOptions: RunLogOptions? {
        guard log != nil || csv != nil else { return nil }
        // A resumed run goes on in the log it wrote before (the same path given again).
        return RunLogOptions(path: log, csvPath: csv, every: logEvery, program: "rnntop \(RNNTop.version)", append: resume != nil)
    }

    /// The dashboard until the user quits or a signal ends the run; the terminal is
    /// back to normal before the summary is printed.
    private func runDashboard(_ session: Session, _ terminal: Terminal, _ themes: ThemeCycle) -> Int32 {
        let signals = SignalWatch(session: session)
        let hint = isDefaultRun ? "a vanilla RNN cannot carry a number across 50 steps: press m for an LSTM" : nil
        Dashboard(source: .live(session), terminal: terminal, themes: themes, hint: hint).run(signals: signals)
        let end = session.wait()
        terminal.restore()
        signals.stop()
        for warning in session.warnings { printError(warning) }
        // Shown on the message line when they happened; the screen is gone now.
        for failure in end.writeFailures { printError(failure) }
        if let error = end.checkpointError { printError(error) }
        if let error = end.weightsError { printError(error) }
        let last = end.snapshot
        let loss = last.epochLoss.map { "\(format($0.value)) (mean of the last \($0.steps) steps)" } ?? "-"
        report(
            "stopped at step \(last.step); loss \(loss), "
                + "validation \(last.validationLoss.last.map { format($0.value) } ?? "-"), baseline \(format(last.baseline.loss))")
        let failed = !end.writeFailures.isEmpty || end.checkpointError != nil || end.weightsError != nil
        return signals.received.map { 128 + $0 } ?? (failed ? 1 : 0)
    }

    /// `rnntop` with nothing to say: the lesson, the adding problem with a vanilla RNN.
    private var isDefaultRun: Bool {
        task == nil && preset == nil && cell == nil && resume == nil && data == nil && initFrom == nil
    }

    /// A new session from the flags, or the one a checkpoint saved.
    private func makeSession(_ options: SessionOptions) throws -> Session {
        if let saveWeights { try AtomicFile.checkWritable(saveWeights, flag: "save-weights") }
        guard resume == nil else { return try resumedSession(options) }
        var generator = RandomGenerator(seed: seed ?? 1)
        let kind = preset == .seed ? .seed : task ?? .adding
        let taskOptions = TaskOptions(
            kind: kind, dataPath: data, columns: column, sequenceLength: sequenceLength,
            validationSplit: validationSplit, fill: fill)
        // The task is made here once to learn its defaults; the session makes its own
        // from the same seed.
        let defaults = try makeTask(taskOptions, generator: &generator)
        let weights = try initFrom.map { try SafetensorsFile.read($0) }
        let shape = try initFrom.flatMap { path in try weights.map { try PyTorchWeights.shape(of: $0, path: path) } }
        let training = try resolvedSettings(for: defaults, weights: shape)
        let settings = RunSettings(
            task: taskOptions, training: training, seed: seed ?? 1, evaluationInterval: evaluationInterval,
            checkpointPath: checkpoint, initialWeightsPath: initFrom, weightsPath: saveWeights)
        var options = options
        options.initialWeights = weights
        return try Session(settings: settings, options: options)
    }

    /// The task's defaults, then the model of the weights to start from, then every flag
    /// that was given, validated.
    private func resolvedSettings(for task: any TrainingTask, weights: PyTorchWeights.Shape?) throws -> TaskDefaults {
        var s = task.defaults
        if isDefaultRun { s.cell = .rnn }
        if let weights {
            s.cell = weights.cell
            s.hiddenSize = weights.hiddenSize
            s.layers = weights.layers
            if let activation = weights.activation { s.activation = activation }
        }
        if let cell { s.cell = cell }
        if let activation { s.activation = activation }
        if let hidden { s.hiddenSize = hidden }
        if let layers { s.layers = layers }
        if let dropout {
            s.dropout = dropout
            s.outputDropout = dropout
        }
        if let initialization { s.initialization = initialization }
        if let optimizer, optimizer != s.optimizer.kind { s.optimizer = OptimizerSettings(kind: optimizer) }
        if let lr { s.optimizer.learningRate = lr }
        if let momentum { s.optimizer.momentum = momentum }
        if let clip { s.clipping.threshold = clip }
        if let clipMode { s.clipping.mode = clipMode }
        if let batch {
            guard batch >= 1 else { throw ConfigError(setting: "batch", problem: "must be at least 1 (got \(batch))") }
            s.batchSize = batch
        }
        if let steps {
            guard steps >= 1 else { throw ConfigError(setting: "steps", problem: "must be at least 1 (got \(steps))") }
            s.length = .steps(steps)
        }
        if let epochs {
            guard epochs >= 1 else { throw ConfigError(setting: "epochs", problem: "must be at least 1 (got \(epochs))") }
            s.length = .epochs(epochs)
        }
        try task.modelConfig(from: s).validate()
        try s.optimizer.validate()
        try s.clipping.validate()
        return s
    }
}
