import RNNCore
import TerminalUI
import Training

/// The probe sequence inside the model: h_t, c_t, each gate's activations, or
/// ∂L/∂h_t of a layer, as units × time steps.
struct HeatmapPanel {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool

    /// The matrices the model offers, in the order `h` cycles through them.
    static func modes(of model: ModelConfig) -> [String] {
        ["h"] + (model.cell.hasCellState ? ["c"] : []) + model.cell.gateNames.map { "gate \($0)" } + ["∂L/∂h"]
    }

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let modes = Self.modes(of: snapshot.model)
        let mode = modes[view.heatmapMode % modes.count]
        guard let probe = snapshot.probe else {
            let inside = panel(&buffer, area, context, title: mode)
            buffer.text(inside.x, inside.y, "waiting for the first probe", theme.style(theme.muted), limit: inside.width)
            return
        }
        let layer = min(view.layer, probe.hidden.count - 1)
        let matrix: UnitMatrix
        var map = theme.diverging
        var logScale = false
        var saturation = ""
        switch mode {
        case "h": matrix = probe.hidden[layer]
        case "c": matrix = probe.cell[layer]
        case "∂L/∂h":
            matrix = probe.hiddenGradients[layer]
            logScale = true
        default:
            let name = String(mode.dropFirst(5))
            let gate = probe.gates[layer].first { $0.name == name }!
            matrix = gate.activations
            let sigmoid = !(name == "g" || name == "n")
            if sigmoid { map = theme.sequential }
            saturation = "  sat \(Int((gate.saturation * 100).rounded()))%"
        }
        let layerText = probe.hidden.count > 1 ? " layer \(layer + 1)" : ""
        let inside = panel(
            &buffer, area, context, title: "\(mode)\(layerText)  \(matrix.units)×\(matrix.steps)\(saturation)  step \(snapshot.probeStep)")
        guard inside.height >= 3 else { return }
        var heatmap = Heatmap(rows: matrix.units, columns: matrix.steps, values: matrix.values, map: map)
        heatmap.logScale = logScale
        heatmap.labelStyle = theme.style(theme.muted)
        let (heat, readout) = view.unit == nil || inside.height < 5 ? (inside, nil) : split(inside)
        heatmap.render(into: &buffer, area: heat, context: context.color && theme.monochrome ? RenderContext(unicode: context.unicode, color: false) : context)
        if let readout, let unit = view.unit {
            let u = min(unit, matrix.units - 1)
            let values = (0..<matrix.steps).map { Double(matrix[u, $0]) }
            buffer.text(readout.x, readout.y, "unit \(u + 1): ", theme.style(theme.highlight), limit: readout.width)
            Sparkline(values: values, style: theme.style(theme.highlight))
                .render(into: &buffer, area: Rect(x: readout.x + 10, y: readout.y, width: readout.width - 10, height: 1), context: context)
        }
    }

    private func split(_ area: Rect) -> (Rect, Rect?) {
        let (heat, readout) = area.splitTop(area.height - 1)
        return (heat, readout)
    }

    private func panel(_ buffer: inout Buffer, _ area: Rect, _ context: RenderContext, title: String) -> Rect {
        theme.panel(title, focused: focused).render(into: &buffer, area: area, context: context)
    }
}
