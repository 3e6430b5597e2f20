import ArgumentParser
import Foundation
import RNNData
import TerminalUI
import Training

/// `rnntop replay PATH.jsonl... [--follow]`: the dashboard drawn from run logs, with
/// a cursor through the runs' time; `--follow` tails logs that are still being
/// written. Several logs are drawn over each other, aligned by step, as a comparison
/// is. Without a terminal it prints what each log holds.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show run logs (--log) in the dashboard, finished or still growing, one or several overlaid.",
        discussion: """
            Left and right move through the run's time by 1%, page up and down by 10%, home \
            and end go to its start and end; the charts, the gradient profile and the heatmap \
            show the run as it was at that step. With --follow the dashboard keeps up with a \
            log that another rnntop is writing, like tail -f, while the cursor is at the end. \
            Several logs (the runs of a comparison, or runs of other programs) are overlaid, \
            aligned by step, each named by its file unless the log names it; 1-8 , . pick \
            the one the heatmap and settings show.
            """
    )

    @Argument(help: "The run logs, as written by rnntop --log (at most 8).")
    var paths: [String]

    @Flag(help: "Keep reading as the log grows.")
    var follow = false

    @Option(help: "Dashboard colours: a theme's name or a .toml path.")
    var theme: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give a run log to replay") }
        if paths.count > RunGrid.maximumRuns { throw ValidationError("\(paths.count) logs; a replay overlays at most \(RunGrid.maximumRuns)") }
    }

    func run() throws {
        let colors = try ThemeChoice(theme)
        if follow && (isatty(STDOUT_FILENO) == 0 || isatty(STDIN_FILENO) == 0) {
            throw ValidationError("--follow shows a growing log on the dashboard, which needs a terminal; without one, replay prints what the logs hold now")
        }
        let signals = SignalWatch(sessions: [])
        defer { signals.stop() }
        let feeds = try paths.map { path in (path, try Self.feed(path, follow: follow, signals: signals)) }
        let set = ReplaySet(feeds)
        guard isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0, let terminal = Terminal(color: !colors.noColor) else {
            for (path, feed) in feeds {
                for note in feed.notes { printError(note) }
                for line in Self.summary(of: feed, path: path) { print(Escaping.escape(line)) }
            }
            return
        }
        Dashboard(source: .replay(set), terminal: terminal, themes: colors.cycle).run(signals: signals)
        terminal.restore()
        for note in set.notes { printError(note) }
        if let signal = signals.received { throw ExitCode(128 + signal) }
    }

    /// The log at `path` read whole, or, following, once it exists and has its run
    /// record (waiting for both, until a signal).
    private static func feed(_ path: String, follow: Bool, signals: SignalWatch) throws -> ReplayFeed {
        var waiting = false
        func wait() throws {
            if let signal = signals.received { throw ExitCode(128 + signal) }
            if !waiting { printError("\(Escaping.escape(path)): waiting for the run to start (Ctrl-C to stop)") }
            waiting = true
            usleep(200_000)
        }
        while follow && !FileManager.default.fileExists(atPath: path) { try wait() }
        var status = stat()
        if stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO {
            printError("\(Escaping.escape(path)): a FIFO: waiting for a program to write to it")
        }
        let reader = try RunLogReader(path: path)
        if follow {
            try reader.update()
            while reader.run == nil {
                try wait()
                try reader.update()
            }
        }
        return try ReplayFeed(reader: reader, following: follow)
    }

    /// What a log holds, in three lines.
    static func summary(of feed: ReplayFeed, path: String) -> [String] {
        guard let run = feed.run, let last = feed.snapshot else { return ["\(path): no run yet"] }
        let header = run.header, model = last.model
        let steps = run.steps.step.count
        let changes = run.models.isEmpty ? "" : " (after \(run.models.count) model change\(run.models.count == 1 ? "" : "s"))"
        var lines = [
            "\(path): \(header.program), \(header.taskName ?? header.settings.task.kind.rawValue), "
                + model.cellSummary + "\(changes), "
                + (header.missing.contains("parameters") ? "parameters unknown" : "\(Format.count(last.parameterCount)) parameters")
                + (header.missing.contains("seed") ? ", seed unknown" : ", seed \(header.settings.seed)"),
            "to step \(Format.count(run.lastStep)): \(Format.count(steps)) step records, \(run.evaluations.count) validations, "
                + "\(run.gradientProfiles.count) gradient profiles, \(run.probes.count) probes, \(run.events.count) events",
        ]
        let loss = last.loss.last.map { "loss \(Format.value($0.value))" } ?? "no loss yet"
        // A classifier's accuracies, as the headless summary gives them.
        let validation =
            last.validationLoss.last.map {
                ", validation \(Format.value($0.value))" + (last.validationAccuracy.last.map { Format.accuracyNote($0.value) } ?? "")
            } ?? ""
        let ending = run.ending.map { "ended: \($0.reason) at step \(Format.count($0.step))" } ?? "no end record (still running, or stopped short)"
        let chance = header.baseline.accuracy.map(Format.accuracyNote) ?? ""
        let baseline = header.baseline.loss.isFinite ? ", baseline \(Format.value(header.baseline.loss))\(chance)" : ", no baseline in the log"
        lines.append("\(ending); \(loss)\(validation)\(baseline)")
        return lines
    }
}
