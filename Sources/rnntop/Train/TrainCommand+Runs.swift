import ArgumentParser
import Foundation
import RNNCore
import RNNData
import TerminalUI
import Training

/// A run of the session a command line asks for, and its name in a comparison
/// (empty for a run alone).
struct LiveRun: Sendable {
    let name: String
    let session: Session

    /// Sends `command`, a file it names made this run's own in a comparison
    /// (`checkpoint x.ckpt` writes `x.lstm.ckpt` for the run `lstm`, so that the runs
    /// do not overwrite each other), unless it is the run's own file already.
    func send(_ command: Command, from source: CommandSource = .key) {
        guard !name.isEmpty else { return session.send(command, from: source) }
        let settings = session.snapshot.settings
        let files = RunFiles(name: name)
        switch command {
        case .saveCheckpoint(let path?) where path != settings.checkpointPath:
            session.send(.saveCheckpoint(path: files.path(path)), from: source)
        case .saveWeights(let path?) where path != settings.weightsPath:
            session.send(.saveWeights(path: files.path(path)), from: source)
        default:
            session.send(command, from: source)
        }
    }
}

/// Making the runs: one session per combination of the flags' values, each with
/// its own files, all sharing the cores in turns when there are several.
extension TrainCommand {
    /// A session per run of `grid`; in a comparison every file flag (`--log`,
    /// `--csv`, `--checkpoint`, `--save-weights`) names one file per run, the run's
    /// name before the extension (`run.lstm.jsonl`).
    func makeRuns(_ grid: RunGrid, options: (RunGrid.Run) -> SessionOptions) throws -> [LiveRun] {
        let turns = grid.isComparison ? StepTurns() : nil
        let count = grid.runs.count
        return try grid.runs.enumerated().map { index, run in
            var runOptions = options(run)
            runOptions.turns = turns
            // The runs live at once: each may plan for its share of the memory.
            runOptions.memoryLimit /= Double(count)
            let files = RunFiles(name: grid.isComparison ? run.name : nil)
            runOptions.log = logOptions(files, place: grid.isComparison ? ComparisonPlace(run: index + 1, of: count) : nil)
            do {
                return LiveRun(name: run.name, session: try makeSession(runOptions, run.choices, files))
            } catch let error as ConfigError where count > 1 {
                let share = error.problem.contains("of memory") ? ", one of \(count) sharing the machine's \(MemoryFootprint.describe(MemoryLimit.machine))" : ""
                throw ConfigError(setting: error.setting, problem: "\(error.problem) (run \(run.name)\(share))")
            }
        }
    }

    /// Refuses, before any work, two outputs that are one file, or an output that is
    /// an input: `--save-weights x --log x` would lose the log, `--log data.csv` the
    /// data. A resumed run checkpoints to the file it resumed from, as it should.
    func checkFilesAreDistinct() throws {
        let checkpointPath = checkpoint ?? resume
        let outputs = [("--log", log), ("--csv", csv), ("--checkpoint", checkpointPath), ("--save-weights", saveWeights)]
        var inputs = [("--data", data), ("--init-from", initFrom), ("--control", control)]
        if let resume, let checkpointPath, !OutputPaths.same(resume, checkpointPath) { inputs.append(("--resume", resume)) }
        try OutputPaths.checkDistinct(
            outputs: outputs.compactMap { option, path in path.map { OutputPaths.Named(option, $0) } },
            inputs: inputs.compactMap { option, path in path.map { OutputPaths.Named(option, $0) } })
    }

    /// The run log the flags ask for, if any; a comparison's run's log says its place,
    /// so that replay and plot show the runs in the comparison's order and colours.
    private func logOptions(_ files: RunFiles, place: ComparisonPlace?) -> RunLogOptions? {
        guard log != nil || csv != nil else { return nil }
        // A resumed run goes on in the log it wrote before (the same path given again).
        return RunLogOptions(
            path: log.map(files.path), csvPath: csv.map(files.path), every: logEvery, program: "rnntop \(RNNTop.version)",
            append: resume != nil, name: files.name, comparison: place)
    }

    /// `rnntop` with nothing to say: the lesson, the adding problem with a vanilla RNN.
    var isDefaultRun: Bool {
        task == nil && preset == nil && cell == nil && resume == nil && data == nil && initFrom == nil
    }

    /// A new session from the flags and one run's choices, or the one a checkpoint saved.
    private func makeSession(_ options: SessionOptions, _ choices: RunChoices, _ files: RunFiles) throws -> Session {
        let weightsPath = saveWeights.map(files.path)
        if let weightsPath { try AtomicFile.checkWritable(weightsPath, flag: "save-weights") }
        guard resume == nil else { return try resumedSession(options, choices) }
        var generator = RandomGenerator(seed: seed ?? 1)
        let kind = preset == .seed ? .seed : task ?? .adding
        let taskOptions = TaskOptions(
            kind: kind, dataPath: data, columns: column, sequenceLength: sequenceLength,
            validationSplit: validationSplit, fill: fill)
        // A task of data is made here once to learn its defaults (the session makes its
        // own from the same seed); a generated task's are known without its data.
        let outline: (shape: TaskShape, defaults: TaskDefaults)
        if let known = try taskOutline(taskOptions) {
            outline = known
        } else {
            let task = try makeTask(taskOptions, generator: &generator)
            outline = (task.shape, task.defaults)
        }
        let weights = try initFrom.map { Checkpoint.modelWeights(of: try SafetensorsFile.read($0)) }
        let shape = try initFrom.flatMap { path in try weights.map { try PyTorchWeights.shape(of: $0, path: path) } }
        if let initFrom, let weights { try PyTorchWeights.checkFinite(weights, path: initFrom) }
        let training = try resolvedSettings(for: outline, weights: shape, choices: choices)
        let settings = RunSettings(
            task: taskOptions, training: training, seed: seed ?? 1, evaluationInterval: evaluationInterval,
            checkpointPath: checkpoint.map(files.path), initialWeightsPath: initFrom, weightsPath: weightsPath)
        var options = options
        options.initialWeights = weights
        return try Session(settings: settings, options: options)
    }

    /// The task's defaults for the cell the run will have, then the model of the
    /// weights to start from, then every flag that was given, validated.
    private func resolvedSettings(
        for task: (shape: TaskShape, defaults: TaskDefaults), weights: PyTorchWeights.Shape?, choices c: RunChoices
    ) throws -> TaskDefaults {
        var s = task.defaults
        if isDefaultRun { s.cell = .rnn }
        if let weights { s.cell = weights.cell }
        var flagged = c.applied(to: s)
        for choice in singleChoices { choice.apply(&flagged) }
        s = s.choosing(flagged.cell)
        if let weights {
            s.hiddenSize = weights.hiddenSize
            s.layers = weights.layers
            if let activation = weights.activation { s.activation = activation }
        }
        s = c.applied(to: s)
        for choice in singleChoices { choice.apply(&s) }
        if let trained = weights?.activation, s.activation != trained {
            throw ConfigError(setting: "activation", problem: "the weights to start from were trained with \(trained.rawValue), not \(s.activation.rawValue)")
        }
        guard s.batchSize >= 1 else { throw ConfigError(setting: "batch", problem: "must be at least 1 (got \(s.batchSize))") }
        if let steps {
            guard steps >= 1 else { throw ConfigError(setting: "steps", problem: "must be at least 1 (got \(steps))") }
            s.length = .steps(steps)
        }
        if let epochs {
            guard epochs >= 1 else { throw ConfigError(setting: "epochs", problem: "must be at least 1 (got \(epochs))") }
            s.length = .epochs(epochs)
        }
        try task.shape.modelConfig(from: s).validate()
        try s.optimizer.validate()
        try s.clipping.validate()
        return s
    }
}

/// Where a run's files go: the paths the flags give for a run alone, or, for a run
/// of a comparison, the same with its name before the extension.
struct RunFiles {
    /// The run's name in a comparison; nil for a run alone.
    let name: String?

    /// `run.jsonl` for `lstm lr=1e-2` is `run.lstm_lr=1e-2.jsonl`; a path without an
    /// extension gets the name at its end.
    func path(_ base: String) -> String {
        guard let name else { return base }
        let tag = name.replacingOccurrences(of: " ", with: "_")
        let url = URL(fileURLWithPath: base)
        let file = url.lastPathComponent
        let folder = String(base.dropLast(file.count))
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return "\(base).\(tag)" }
        return folder + file[..<dot] + "." + tag + file[dot...]
    }
}

extension TrainCommand {
    /// The dashboard until the user quits or a signal ends the runs; the terminal is
    /// back to normal before the summary is printed (a table for a comparison). In a
    /// lesson, the learner may ask for another chapter instead: no summary then.
    func runDashboard(_ runs: [LiveRun], _ terminal: Terminal, _ themes: ThemeCycle, lesson: LessonShown? = nil) -> (status: Int32, chapter: Int?) {
        let signals = SignalWatch(sessions: runs.map(\.session))
        let hint = isDefaultRun && lesson == nil ? "a vanilla RNN cannot carry a number across 50 steps: press m for an LSTM" : nil
        let dashboard = Dashboard(source: .live(runs), terminal: terminal, themes: themes, hint: hint, lesson: lesson)
        dashboard.run(signals: signals)
        let ends = runs.map { $0.session.wait() }
        terminal.restore()
        signals.stop()
        if let chapter = dashboard.requestedChapter, signals.received == nil { return (0, chapter) }
        for warning in runs[0].session.warnings { printError(warning) }
        for (run, end) in zip(runs, ends) {
            let prefix = run.name.isEmpty ? "" : "\(run.name): "
            // Shown on the message line when they happened; the screen is gone now.
            for failure in end.writeFailures { printError(prefix + failure) }
            if let error = end.checkpointError { printError(prefix + error) }
            if let error = end.weightsError { printError(prefix + error) }
        }
        if runs.count > 1 {
            for line in HeadlessRunner.table(zip(runs, ends).map { ($0.name, $1) }) { report(line) }
        } else {
            let last = ends[0].snapshot
            let loss = last.epochLoss.map { "\(format($0.value)) (mean of the last \($0.steps) steps)" } ?? "-"
            report(
                "stopped at step \(last.step); loss \(loss), "
                    + "validation \(last.validationLoss.last.map { format($0.value) } ?? "-"), baseline \(format(last.baseline.loss))")
        }
        let failed = ends.contains { !$0.writeFailures.isEmpty || $0.checkpointError != nil || $0.weightsError != nil }
        return (signals.received.map { 128 + $0 } ?? (failed ? 1 : 0), nil)
    }
}
