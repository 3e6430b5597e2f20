import RNNCore
import TerminalUI
import Training

/// The gradient panel of a comparison: one ‖∂L/∂h_t‖ profile per run, stacked, on
/// one shared log scale so their heights compare (small multiples), each with its
/// name, its first/last ratio and its word; under them every run's gradient norm.
extension GradientPanel {
    func renderComparison(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        // Whole rows per run (the panel's inside, less its border); what is left over
        // goes to the norms' chart.
        let rowsEach = max(1, (area.height - 2) * 11 / 20 / runs.count)
        let title = "∂L/∂h_t by step, each run" + (rowsEach < 3 ? " (t1/tT)" : "") + (view.layer > 0 ? " layer \(view.layer + 1)" : "")
        let inside = theme.panel(title, focused: focused).render(into: &buffer, area: area, context: context)
        guard inside.height >= 4 else { return }
        let (top, bottom) = inside.splitTop(rowsEach * runs.count)
        let profiles = runs.map { run -> [Double]? in
            let layers = run.snapshot.hiddenGradientProfile
            return layers.isEmpty ? nil : layers[min(view.layer, layers.count - 1)]
        }
        // One scale for all: what the runs' last few profiles span.
        let ranges = runs.compactMap(\.snapshot.hiddenGradientWindow.range)
        let shared = ranges.isEmpty ? nil : ranges.map(\.lowerBound).min()!...ranges.map(\.upperBound).max()!
        let palette = RunPalette(theme: theme, context: context)
        let focus = min(view.focusedRun, runs.count - 1)
        // The names' column: at most two fifths of the panel; a longer name is cut
        // in its middle.
        let nameWidth = min(runs.map { Format.fit($0.name, top.width * 2 / 5 - 2).count }.max() ?? 0, top.width * 2 / 5 - 2) + 2
        for (index, run) in runs.enumerated() where (index + 1) * rowsEach <= top.height {
            let block = Rect(x: top.x, y: top.y + index * rowsEach, width: top.width, height: rowsEach)
            let mark = index == focus ? (context.unicode ? "▶" : ">") : " "
            let name = (mark + Format.fit(run.name, nameWidth - 2)).padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            guard let profile = profiles[index], !profile.isEmpty else {
                buffer.text(block.x, block.y, name + " waiting for the first step", palette.style(index), limit: block.width)
                continue
            }
            let (ratio, health) = Self.headline(profile, layer: min(view.layer, run.snapshot.hiddenGradientProfile.count - 1), window: run.snapshot.hiddenGradientWindow)
            // A row to itself says what the number is; beside the bars, the title does.
            // A profile from an earlier step says which, and is dim once it is old.
            let age = DataAge(profileOf: run.snapshot)
            var verdict = "\(rowsEach >= 3 ? ratio : String(ratio.dropFirst("t1/tT ".count))) \(health.word)"
            if !age.isCurrent { verdict += rowsEach >= 3 ? " · \(age.text)" : " (\(age.shortText))" }
            var bars = BarProfile(values: profile, style: palette.style(index, age.isOld ? .dim : []))
            bars.labelStyle = theme.style(theme.muted)
            bars.range = shared
            if rowsEach >= 3 {
                // The name and verdict over the bars; a min cell's memory at the right.
                let x = block.x + buffer.text(block.x, block.y, name, palette.style(index, .bold))
                let verdictStyle = theme.style(age.isOld ? theme.muted : health.color(theme))
                let end = x + buffer.text(x, block.y, verdict, verdictStyle, limit: block.maxX - x)
                drawHorizons(of: run, into: &buffer, after: end, row: Rect(x: block.x, y: block.y, width: block.width, height: 1))
                bars.render(into: &buffer, area: Rect(x: block.x, y: block.y + 1, width: block.width, height: rowsEach - 1), context: context)
            } else {
                // Name, bars and verdict on one row each.
                let verdictWidth = min(verdict.count, max(0, block.width - nameWidth - 12))
                buffer.text(block.x, block.y, name, palette.style(index, .bold))
                let barArea = Rect(x: block.x + nameWidth, y: block.y, width: block.width - nameWidth - verdictWidth - 1, height: rowsEach)
                bars.render(into: &buffer, area: barArea, context: context)
                buffer.text(
                    block.maxX - verdictWidth, block.y, verdict, theme.style(age.isOld ? theme.muted : health.color(theme)), limit: verdictWidth)
            }
        }
        drawNorms(into: &buffer, area: bottom, context: context)
    }

    /// A min-cell run's memory horizons on its probe, right-aligned in `row` if they
    /// fit after column `after`: "horizon median 41, 9% > 256", or only the median,
    /// with the probe's step when it is not the step shown. Other cells have none.
    private func drawHorizons(of run: ShownRun, into buffer: inout Buffer, after: Int, row: Rect) {
        guard let probe = run.snapshot.probe, !probe.horizons.isEmpty else { return }
        let horizons = probe.horizons[min(view.layer, probe.horizons.count - 1)]
        let age = DataAge(probeOf: run.snapshot)
        let when = age.isCurrent ? "" : " (step \(Format.count(age.dataStep)))"
        let notes = [horizons.summary + when, "horizon \(MemoryHorizons.text(horizons.median))" + when]
        guard let note = notes.first(where: { after + 2 + $0.count <= row.maxX }) else { return }
        buffer.text(row.maxX - note.count, row.y, note, theme.style(theme.muted))
    }
}
