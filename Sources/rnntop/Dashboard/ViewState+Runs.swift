import TerminalUI
import Training

/// The keys of a comparison: which run is focused.
extension ViewState {
    /// Focuses run `index`, keeping the heatmap's layer, unit and matrix where its
    /// model has them; returns the note that says so.
    mutating func focus(run index: Int, of runs: [ShownRun]) -> String {
        focusedRun = index
        let model = runs[index].snapshot.model
        layer = min(layer, model.layers - 1)
        unit = unit.map { min($0, model.hiddenSize - 1) }
        heatmapMode = min(heatmapMode, HeatmapPanel.modes(of: model).count - 1)
        return "run \(index + 1): \(runs[index].name)" + (actOnAll ? " (keys act on every run: A for this one only)" : "")
    }
}
