import RNNCore
import TerminalUI
import Training

/// The probe sequence inside the model: h_t, c_t, each gate's activations, or
/// ∂L/∂h_t of a layer, as units × time steps. A unit picked with the arrows is
/// marked at the edge and read out under the map.
struct HeatmapPanel: Widget {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool
    /// Where a replay is, if this is one: a log may have no probe at all.
    let replay: ViewState.ReplayPosition?

    /// The matrices the model offers, in the order `h` cycles through them.
    static func modes(of model: ModelConfig) -> [String] {
        ["h"] + (model.cell.hasCellState ? ["c"] : []) + model.cell.gateNames.map { "gate \($0)" }
            + (model.cell.isLinearRecurrence ? ["decay"] : []) + ["∂L/∂h"]
    }

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let modes = Self.modes(of: snapshot.model)
        let mode = modes[view.heatmapMode % modes.count]
        guard let probe = snapshot.probe else {
            let inside = panel(&buffer, area, context, title: mode)
            let waiting = replay.map { $0.following && !$0.ended } ?? true
            buffer.text(
                inside.x, inside.y, waiting ? "waiting for the first probe" : "no probe in this log up to here",
                theme.style(theme.muted), limit: inside.width)
            return
        }
        let layer = min(view.layer, probe.hidden.count - 1)
        guard let shown = shown(mode, probe: probe, layer: layer) else {
            let inside = panel(&buffer, area, context, title: mode)
            buffer.text(inside.x, inside.y, "this probe has no \(mode)", theme.style(theme.muted), limit: inside.width)
            return
        }
        let (matrix, saturation) = (shown.matrix, shown.note)
        let layerText = probe.hidden.count > 1 ? " layer \(layer + 1)" : ""
        var heatmap = Heatmap(rows: matrix.units, columns: matrix.steps, values: matrix.values, map: shown.map)
        heatmap.logScale = shown.logScale
        heatmap.labelStyle = theme.style(theme.muted)
        // The probe's step, and how long ago it was when that is not the step shown.
        let age = DataAge(probeOf: snapshot)
        let when = age.isCurrent ? "step \(Format.count(snapshot.probeStep))" : age.text
        let perRow = Self.unitsPerRow(heatmap, panelHeight: area.height, hasReadout: view.unit != nil, context: mapContext(context))
        let rows = perRow.map { ", \($0) units a row" } ?? "", shortRows = perRow.map { ", \($0)/row" } ?? ""
        let shortWhen = age.isCurrent ? when : age.shortText
        let title = DataAge.fitting(
            [
                // "sat" says little on its own: spelled out where the title has room.
                "\(mode)\(layerText)  \(matrix.units) units × \(matrix.steps) steps\(rows)\(saturation)  \(when)"
                    + shown.explanation,
                "\(mode)\(layerText)  \(matrix.units)×\(matrix.steps)\(rows)\(saturation)  \(when)"
                    + shown.explanation,
                "\(mode)\(layerText)  \(matrix.units) units × \(matrix.steps) steps\(rows)\(saturation)  \(when)",
                "\(mode)\(layerText)  \(matrix.units)×\(matrix.steps)\(rows)\(saturation)  \(shortWhen)",
                "\(mode)\(layerText)  \(matrix.units)×\(matrix.steps)\(shortRows)\(saturation)  \(shortWhen)",
                "\(mode)\(layerText)  \(matrix.units)×\(matrix.steps)\(saturation)  \(shortWhen)",
                // A narrow panel keeps the note's figure and, above all, when the data is from.
                "\(mode)\(layerText)\(shown.shortNote ?? saturation)  \(shortWhen)",
                "\(mode)\(layerText)  \(shortWhen)",
            ], width: area.width - 4)
        let inside = panel(&buffer, area, context, title: title, old: age.isOld)
        guard inside.height >= 3 else {
            // Rather than an empty box: why there is no map, and how to get one.
            let why = "no room for the map:", how = "a taller window shows it"
            let lines = why.count + how.count + 1 <= inside.width || inside.height < 2 ? [why + " " + how] : [why, how]
            for (row, line) in lines.enumerated() {
                buffer.text(inside.x, inside.y + row, line, theme.style(theme.muted), limit: inside.width)
            }
            return
        }
        draw(heatmap, of: matrix, into: &buffer, inside: inside, context: context)
        // The time axis's ends on the bottom border: the sequence runs left to right.
        let first = " t=1 ", last = " t=\(matrix.steps) "
        if area.width >= first.count + last.count + 4 {
            buffer.text(area.x + 1, area.maxY - 1, first, theme.style(theme.muted))
            buffer.text(area.maxX - 1 - last.count, area.maxY - 1, last, theme.style(theme.muted))
        }
    }

    /// How many units a row of the map holds ("4", "1.1") where units are averaged
    /// together to fit; nil where each has a row of its own.
    private static func unitsPerRow(_ heatmap: Heatmap, panelHeight: Int, hasReadout: Bool, context: RenderContext) -> String? {
        let inside = panelHeight - 2
        let bands = heatmap.bands(forHeight: inside - (hasReadout && inside >= 5 ? 1 : 0), context: context)
        guard bands > 0, heatmap.rows > bands else { return nil }
        let share = Double(heatmap.rows) / Double(bands)
        return share == share.rounded() ? "\(Int(share))" : String(format: "%.1f", share)
    }

    /// The context the map is drawn in: the mono theme draws it in shades.
    private func mapContext(_ context: RenderContext) -> RenderContext {
        context.color && theme.monochrome ? RenderContext(unicode: context.unicode, color: false) : context
    }

    /// What a mode shows of a probe's layer: the matrix, its colour map and scale, a
    /// note for the title (a gate's saturation " sat 40%", the decays' horizons) and
    /// what the note means where there is room; nil for what the probe does not have.
    private func shown(_ mode: String, probe: ProbeReport, layer: Int) -> Shown? {
        switch mode {
        case "h": return Shown(matrix: probe.hidden[layer], map: theme.diverging)
        case "c":
            guard layer < probe.cell.count else { return nil }
            return Shown(matrix: probe.cell[layer], map: theme.diverging)
        // Magnitudes across decades: a sequential scale of log |∂L/∂h|.
        case "∂L/∂h": return Shown(matrix: probe.hiddenGradients[layer], map: theme.sequential, logScale: true)
        case "decay":
            guard layer < probe.decays.count else { return nil }
            let horizons = probe.horizons[layer]
            return Shown(
                matrix: probe.decays[layer], map: theme.sequential, note: horizonNote(horizons),
                explanation: "  (horizon: steps to forget by e, -1/ln mean a)",
                shortNote: "  horizon \(MemoryHorizons.text(horizons.median))")
        default:
            let name = String(mode.dropFirst(5))
            guard layer < probe.gates.count, let gate = probe.gates[layer].first(where: { $0.name == name }) else { return nil }
            let sigmoid = !(name == "g" || name == "n")
            return Shown(
                matrix: gate.activations, map: sigmoid ? theme.sequential : theme.diverging,
                note: "  sat \(Int((gate.saturation * 100).rounded()))%", explanation: "  (sat: share of units near 0 or 1)")
        }
    }

    /// "  horizon median 12, 25% > 50" and, for a picked unit, its own horizon.
    private func horizonNote(_ horizons: MemoryHorizons) -> String {
        var note = "  " + horizons.summary
        if let unit = view.unit.map({ min($0, horizons.steps.count - 1) }) {
            note += ", unit \(unit + 1): \(MemoryHorizons.text(horizons.steps[unit]))"
        }
        return note
    }

    /// What one mode draws.
    private struct Shown {
        let matrix: UnitMatrix
        let map: ColorMap
        var logScale = false
        var note = ""
        var explanation = ""
        /// The note where the title has little room; nil: the note itself.
        var shortNote: String?
    }

    /// The map, and for a picked unit, a mark at its row and its values read out
    /// under the map as a sparkline.
    private func draw(_ heatmap: Heatmap, of matrix: UnitMatrix, into buffer: inout Buffer, inside: Rect, context: RenderContext) {
        let unit = view.unit.map { min($0, matrix.units - 1) }
        let withReadout = unit != nil && inside.height >= 5
        let (mapArea, readout) = withReadout ? inside.splitTop(inside.height - 1) : (inside, inside.splitTop(0).0)
        // A one-column gutter on the left marks the picked unit's row.
        let (gutter, heat) = unit == nil ? (mapArea.splitLeft(0).0, mapArea) : mapArea.splitLeft(1)
        let mapContext = mapContext(context)
        heatmap.render(into: &buffer, area: heat, context: mapContext)
        guard let unit else { return }
        if let row = heatmap.cellRow(of: unit, in: heat, context: mapContext) {
            buffer.put(gutter.x, row, context.unicode ? "▶" : ">", theme.style(theme.highlight, .bold))
        }
        if withReadout {
            let values = (0..<matrix.steps).map { Double(matrix[unit, $0]) }
            let label = "unit \(unit + 1): "
            buffer.text(readout.x, readout.y, label, theme.style(theme.highlight), limit: readout.width)
            Sparkline(values: values, style: theme.style(theme.highlight))
                .render(
                    into: &buffer, area: Rect(x: readout.x + label.count, y: readout.y, width: readout.width - label.count, height: 1),
                    context: context)
        }
    }

    private func panel(_ buffer: inout Buffer, _ area: Rect, _ context: RenderContext, title: String, old: Bool = false) -> Rect {
        theme.panel(title, focused: focused, old: old).render(into: &buffer, area: area, context: context)
    }
}
