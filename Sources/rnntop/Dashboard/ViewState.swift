import TerminalUI

/// What the user chose to see (not what the session does): focus, heatmap, scales,
/// the charts' window and cursor.
struct ViewState {
    enum Focus: Int, CaseIterable {
        case loss, gradients, heatmap, settings
    }

    var focus = Focus.loss
    /// Of several runs, the one the heatmap and settings show and keys act on.
    var focusedRun = 0
    /// Whether keys act on every run of a comparison, not the focused one only.
    var actOnAll = false
    /// Index into the heatmap modes of the current model (h, c, gates, ∂L/∂h).
    var heatmapMode = 0
    /// The layer the gradient and heatmap panels show.
    var layer = 0
    /// A unit picked in the heatmap, whose row is marked and whose values are read out.
    var unit: Int?
    var logLoss = false
    /// The weight of the smoothed line's moving average (0: the columns' plain means).
    var smoothing = 0.9
    static let smoothingWeights = [0, 0.6, 0.9, 0.99]
    var showHelp = false
    /// The steps both time charts show.
    var window = ChartWindow.whole
    /// A step the charts read values off at; nil for none.
    var cursor: Int?
    /// What the time charts' x axis counts.
    var xAxis = XAxisUnit.steps
    /// A transient note on the message line and when it goes away.
    var message: (text: String, until: Double)?
    /// In a lesson, whether the chapter's panel shows (L hides and shows it); nil
    /// outside one.
    var lessonPanel: Bool?
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

/// What the x axis of the loss and gradient-norm charts counts: training steps,
/// epochs, or time since the start.
enum XAxisUnit: String, CaseIterable {
    case steps, epochs, time
}
