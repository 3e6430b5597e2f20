import ArgumentParser
import Foundation
import RNNData
import TerminalUI
import Training

/// `rnntop replay PATH.jsonl [--follow]`: the dashboard drawn from a run log, with a
/// cursor through the run's time; `--follow` tails a log that is still being written.
/// Without a terminal it prints what the log holds.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Show a run log (--log) in the dashboard, finished or still growing.",
        discussion: """
            Left and right move through the run's time by 1%, page up and down by 10%, home \
            and end go to its start and end; the charts, the gradient profile and the heatmap \
            show the run as it was at that step. With --follow the dashboard keeps up with a \
            log that another rnntop is writing, like tail -f, while the cursor is at the end.
            """
    )

    @Argument(help: "The run log, as written by rnntop --log.")
    var path: String

    @Flag(help: "Keep reading as the log grows.")
    var follow = false

    @Option(help: "Dashboard colours: a theme's name or a .toml path.")
    var theme: String?

    func run() throws {
        let colors = try ThemeChoice(theme)
        let signals = SignalWatch(session: nil)
        defer { signals.stop() }
        // Following, the log may not be there yet, or not have its run record: wait.
        var waiting = false
        func wait() throws {
            if let signal = signals.received { throw ExitCode(128 + signal) }
            if !waiting { printError("\(Escaping.escape(path)): waiting for the run to start (Ctrl-C to stop)") }
            waiting = true
            usleep(200_000)
        }
        while follow && !FileManager.default.fileExists(atPath: path) { try wait() }
        let reader = try RunLogReader(path: path)
        if follow {
            try reader.update()
            while reader.run == nil {
                try wait()
                try reader.update()
            }
        }
        let feed = try ReplayFeed(reader: reader, following: follow)
        guard isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0, let terminal = Terminal(color: !colors.noColor) else {
            for note in feed.notes { printError(Escaping.escape(note)) }
            for line in Self.summary(of: feed, path: path) { print(Escaping.escape(line)) }
            return
        }
        Dashboard(source: .replay(feed), terminal: terminal, themes: colors.cycle).run(signals: signals)
        terminal.restore()
        for note in feed.notes { printError(Escaping.escape(note)) }
        if let signal = signals.received { throw ExitCode(128 + signal) }
    }

    /// What a log holds, in three lines.
    static func summary(of feed: ReplayFeed, path: String) -> [String] {
        guard let run = feed.run, let last = feed.snapshot else { return ["\(path): no run yet"] }
        let header = run.header, model = last.model
        let steps = run.steps.step.count
        let changes = run.models.isEmpty ? "" : " (after \(run.models.count) model change\(run.models.count == 1 ? "" : "s"))"
        var lines = [
            "\(path): \(header.program), \(header.taskName ?? header.settings.task.kind.rawValue), "
                + "\(model.cell.rawValue.uppercased())(\(model.hiddenSize), \(model.activation.rawValue))\(changes), "
                + (header.missing.contains("parameters") ? "parameters unknown" : "\(Format.count(last.parameterCount)) parameters")
                + (header.missing.contains("seed") ? ", seed unknown" : ", seed \(header.settings.seed)"),
            "to step \(Format.count(run.lastStep)): \(Format.count(steps)) step records, \(run.evaluations.count) validations, "
                + "\(run.gradientProfiles.count) gradient profiles, \(run.probes.count) probes, \(run.events.count) events",
        ]
        let loss = last.loss.last.map { "loss \(Format.value($0.value))" } ?? "no loss yet"
        let validation = last.validationLoss.last.map { ", validation \(Format.value($0.value))" } ?? ""
        let ending = run.ending.map { "ended: \($0.reason) at step \(Format.count($0.step))" } ?? "no end record (still running, or stopped short)"
        lines.append("\(ending); \(loss)\(validation), baseline \(Format.value(header.baseline.loss))")
        return lines
    }
}
