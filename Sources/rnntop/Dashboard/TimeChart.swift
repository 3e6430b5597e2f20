import TerminalUI
import Training

/// What the loss chart and the gradient-norm chart share, so their time axes agree:
/// one window of steps, one x unit, the event markers and the cursor.
enum TimeChart {
    /// A chart with the shared x axis set up; the caller adds series and scale.
    /// `snapshot` is the focused run's (its markers and x unit); the axis reaches
    /// the furthest of `runs`.
    static func make(snapshot: Snapshot, runs: [ShownRun], view: ViewState, theme: Theme) -> LineChart {
        var chart = LineChart()
        chart.xRange = view.window.range(last: Double(lastStep(snapshot, runs, view)))
        chart.xScale = ChartData.xScale(view.xAxis, snapshot)
        chart.markers = ChartData.markers(snapshot, style: theme.style(theme.highlight, .bold))
        chart.cursor = view.cursor.map(Double.init)
        chart.cursorStyle = theme.style(theme.highlight)
        chart.axisStyle = theme.style(theme.border)
        chart.labelStyle = theme.style(theme.muted)
        return chart
    }

    /// The step the charts' axis is measured against: the run's latest, or in a
    /// replay the log's last, so the curve grows into an axis that holds still.
    /// Of several runs, the furthest one's (`snapshot` being the focused run's).
    static func lastStep(_ snapshot: Snapshot, _ runs: [ShownRun], _ view: ViewState) -> Int {
        view.replay?.lastStep ?? max(snapshot.step, runs.map(\.snapshot.step).max() ?? 0)
    }
}

/// One run as the dashboard shows it: its picture now, and its name among several
/// (empty for a run alone).
struct ShownRun {
    let name: String
    let snapshot: Snapshot
}
