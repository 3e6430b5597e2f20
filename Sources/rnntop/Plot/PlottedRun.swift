import Foundation
import RNNData
import TerminalUI
import Training

/// One metric of a run as a panel draws it: its values as the dashboard's chart
/// samples (raw and smoothed, broken where a new model starts), its validations,
/// and the level it is judged against.
struct PlottedMetric {
    let raw: [ChartSample]
    let smoothed: [ChartSample]
    let validation: [(step: Int, value: Double)]
    /// The loss's baseline or the accuracy's chance, when the log gives a finite one.
    let reference: Double?

    /// `history` smoothed with the dashboard's debiased EMA; nil when it is empty.
    init?(_ history: MetricHistory, validation: MetricHistory, reference: Double?, breaks: [Int], smoothing: Double) {
        guard history.count > 0 else { return nil }
        raw = ChartData.samples(history, breaks: breaks)
        smoothed = ChartData.smoothed(raw, weight: smoothing)
        self.validation = ChartData.samples(validation, breaks: breaks).filter { !$0.isGap }.map { (Int($0.x1), $0.mean) }
        self.reference = reference.flatMap { $0.isFinite ? $0 : nil }
    }
}

/// One log's run as the plot draws it: its loss and, for a classifier, its
/// accuracy; its markers and last gradient profile.
struct PlottedRun {
    /// The log's own name for the run, else its file name without `.jsonl`.
    var name: String
    /// nil only for a log without steps, which `rnntop plot` refuses.
    let loss: PlottedMetric?
    /// A classifier's accuracy against chance; nil for a regression.
    let accuracy: PlottedMetric?
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
        let breaks = ChartData.breaks(snapshot)
        name = run.header.name ?? Self.fileName(path)
        loss = PlottedMetric(
            snapshot.loss, validation: snapshot.validationLoss, reference: run.header.baseline.loss, breaks: breaks, smoothing: smoothing)
        accuracy = PlottedMetric(
            snapshot.accuracy, validation: snapshot.validationAccuracy, reference: run.header.baseline.accuracy, breaks: breaks,
            smoothing: smoothing)
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
        loss?.smoothed.last { !$0.isGap && $0.mean.isFinite }?.mean
    }

    /// "runs/a.jsonl" → "a".
    static func fileName(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).lastPathComponent
        return file.hasSuffix(".jsonl") ? String(file.dropLast(6)) : file
    }
}
