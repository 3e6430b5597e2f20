import ArgumentParser
import Foundation
import RNNData
import TerminalUI
import Training

/// `rnntop plot LOG... -o runs.svg`: the loss curves and last gradient profiles of
/// one or more run logs as an SVG picture, in a theme's colours, for a report or an
/// issue.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw run logs' loss curves and gradient profiles as an SVG file.",
        discussion: """
            Each log is a run, named by the log (a "name" in its run record) or by its file \
            name; a comparison's logs (rnntop --cell rnn,lstm --log run.jsonl) come in the \
            comparison's order and the dashboard's colours, however they are listed. The loss \
            panel shows each run's smoothed loss as a line over its raw loss as a faint band, \
            its validations as dots, the baseline dashed and events as letters on the step \
            axis; under it, a classifier's accuracy drawn the same way, with chance dashed. \
            The right side has a legend with each run's final smoothed loss, and each run's \
            last ∂L/∂h_t profile on one log scale for all runs, with the ratio of its first \
            step to its last and, when it is not from the run's last step, its step.
            """
    )

    @Argument(help: "Run logs, as written by rnntop --log or the rnntop Python package (at most 8).")
    var logs: [String]

    @Option(name: .shortAndLong, help: "The SVG file to write.")
    var output: String

    @Option(help: "Colours: a theme's name or a .toml path.")
    var theme = "default"

    @Option(help: "The EMA weight of the smoothed loss, from 0 (none) to below 1.")
    var smoothing = 0.9

    @Flag(help: "A log scale for the loss.")
    var logScale = false

    @Option(help: "The picture's width in pixels.")
    var width = 960

    @Option(help: "The picture's height in pixels.")
    var height = 600

    func validate() throws {
        guard !logs.isEmpty else { throw ValidationError("give at least one run log") }
        // The dashboard's limit and colours: a ninth run would take the first's colour.
        guard logs.count <= RunGrid.maximumRuns else { throw ValidationError("\(logs.count) logs; a plot overlays at most \(RunGrid.maximumRuns)") }
        guard (0..<1).contains(smoothing) else { throw ValidationError("--smoothing must be from 0 to below 1 (got \(smoothing))") }
        guard (320...10_000).contains(width), (240...10_000).contains(height) else {
            throw ValidationError("--width must be 320 to 10000 and --height 240 to 10000 pixels")
        }
    }

    func run() throws {
        let colors = PlotColors(theme: try DashboardThemes.catalog().load(theme))
        try OutputPaths.checkDistinct(outputs: [.init("--output", output)], inputs: logs.map { .init("a log to plot", $0) })
        try AtomicFile.checkWritable(output, flag: "output")
        let recorded = try logs.map { path in (path: path, run: try Self.read(path)) }
        // A comparison's logs in its order, as the dashboard showed and coloured its runs.
        let order = ComparisonPlace.order(recorded.map(\.run.header.comparison))
        let runs = Self.distinctNames(order.map { PlottedRun(recorded[$0].run, path: recorded[$0].path, smoothing: smoothing) })
        let picture = RunPlot(runs: runs, colors: colors, width: width, height: height, logScale: logScale, smoothing: smoothing)
        try AtomicFile.write(Array(picture.svg().utf8), to: output)
        printError("\(Escaping.escape(output)): \(runs.count) run\(runs.count == 1 ? "" : "s") plotted")
    }

    /// A log read to its end; one without a step is refused, there being nothing to draw.
    static func read(_ path: String) throws(InputError) -> RecordedRun {
        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        for note in reader.notes { printError(note) }
        guard let run = reader.run, !run.steps.step.isEmpty else {
            throw InputError(file: path, problem: "has no step records: no loss to plot")
        }
        return run
    }

    /// The runs, the second and later of a name told apart by their place (`a (2)`).
    static func distinctNames(_ runs: [PlottedRun]) -> [PlottedRun] {
        var seen: [String: Int] = [:]
        return runs.map { run in
            var named = run
            seen[run.name, default: 0] += 1
            if let count = seen[run.name], count > 1 { named.name += " (\(count))" }
            return named
        }
    }
}
