import TerminalUI

/// What the user chose to see (not what the session does): focus, heatmap, scales.
struct ViewState {
    enum Focus: Int, CaseIterable {
        case loss, gradients, heatmap, settings
    }

    var focus = Focus.loss
    /// Index into the heatmap modes of the current model (h, c, gates, ∂L/∂h).
    var heatmapMode = 0
    /// The layer the gradient and heatmap panels show.
    var layer = 0
    /// A unit picked in the heatmap, whose values are read out.
    var unit: Int?
    var logLoss = false
    var smoothing = true
    var showHelp = false
    /// Steps the loss chart shows: all, or the last 10k, 1k or 100.
    var lossWindow = 0
    static let lossWindows = [0, 10_000, 1_000, 100]
    /// A transient note on the message line and when it goes away.
    var message: (text: String, until: Double)?
    /// A hint for the default run, shown until the first key.
    var hint: String?
    /// Where a replay's cursor is; nil for a live run.
    var replay: ReplayPosition?

    /// The cursor of `rnntop replay` in the run it shows.
    struct ReplayPosition: Equatable {
        var step: Int
        /// The last step the log holds (so far, when following).
        var lastStep: Int
        /// Whether the cursor moves with the end of a growing log.
        var following: Bool
        /// Whether the log has its end record.
        var ended: Bool
    }
}
