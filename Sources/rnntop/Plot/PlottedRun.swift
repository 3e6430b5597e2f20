import Foundation
import RNNData
import TerminalUI
import Training

/// One log's run as the plot draws it: its loss as the dashboard's chart samples
/// (raw and smoothed, broken where a new model starts), its validations, baseline,
/// markers and last gradient profile.
struct PlottedRun {
    /// The log's own name for the run, else its file name without `.jsonl`.
    var name: String
    let raw: [ChartSample]
    let smoothed: [ChartSample]
    let validation: [(step: Int, loss: Double)]
    /// The task's baseline loss, when the log gives a finite one.
    let baseline: Double?
    let markers: [Snapshot.Marker]
    /// ‖∂L/∂h_t‖ per layer and time step, from the log's last `grad_profile`.
    let gradientProfile: [[Double]]
    /// How old that profile is at the run's last step, by the dashboard's rule
    /// (another program's log may have its last profile long before its last step).
    let gradientProfileAge: DataAge
    /// When another program took that profile on part of a batch: on how many sequences.
    let gradientProfileSequences: Int?
    /// The first step whose loss was NaN or infinite, when the run blew up.
    let divergedAt: Int?
    let lastStep: Int

    /// The run of a log read to its end, smoothed with the dashboard's debiased EMA.
    init(_ run: RecordedRun, path: String, smoothing: Double) {
        let snapshot = run.snapshot(at: run.lastStep)
        name = run.header.name ?? Self.fileName(path)
        raw = ChartData.samples(snapshot.loss, breaks: ChartData.breaks(snapshot))
        smoothed = ChartData.smoothed(raw, weight: smoothing)
        validation = run.evaluations
        baseline = run.header.baseline.loss.isFinite ? run.header.baseline.loss : nil
        markers = snapshot.markers
        gradientProfile = snapshot.hiddenGradientProfile
        gradientProfileAge = DataAge(profileOf: snapshot)
        gradientProfileSequences = snapshot.hiddenGradientProfileSequences
        let firstBlownUp = zip(run.steps.step, run.steps.loss).first { !$0.1.isFinite }.map { Int($0.0) }
        divergedAt = run.events.first { $0.kind == .diverged }?.step ?? firstBlownUp
        lastStep = run.lastStep
    }

    /// The name cut to `limit` characters (with an ellipsis), to fit the legend's
    /// column and a gradient plot's title.
    func name(upTo limit: Int) -> String {
        name.count <= max(limit, 4) ? name : name.prefix(max(limit, 4) - 1) + "…"
    }

    /// The smoothed loss at the run's last step with a finite one.
    var finalLoss: Double? {
        smoothed.last { !$0.isGap && $0.mean.isFinite }?.mean
    }

    /// "runs/a.jsonl" → "a".
    static func fileName(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).lastPathComponent
        return file.hasSuffix(".jsonl") ? String(file.dropLast(6)) : file
    }
}
