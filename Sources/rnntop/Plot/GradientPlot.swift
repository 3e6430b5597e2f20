import Foundation
import TerminalUI

/// The gradient panel: one small plot per run of ‖∂L/∂h_t‖ over the time steps
/// (log scale), from its log's last gradient profile, every layer a line (the
/// first bold), titled with the run's name, the first step's norm over the last's
/// and the dashboard's word for it (vanishing, healthy, exploding). All runs share
/// one y range, so a flat profile looks flat beside a steep one. A profile from
/// before the run's last step says its step under the title, and is drawn dim once
/// it is older than a tenth of the run, as on the dashboard.
struct GradientPlot {
    let runs: [PlottedRun]
    let colors: PlotColors
    let fontSize: Double

    func draw(into svg: inout SVGDocument, area: PlotArea) {
        let titleLeft = area.left - 40, titleWidth = area.right - titleLeft
        let heading = SVGDocument.fitting(
            ["‖∂L/∂h_t‖ by time step, last profile, one scale", "‖∂L/∂h_t‖ by time step, last profile", "‖∂L/∂h_t‖ by time step"],
            width: titleWidth, size: fontSize * 1.1, bold: true)
        svg.text(heading, x: titleLeft, y: area.top, size: fontSize * 1.1, fill: colors.title, bold: true)
        let norms = runs.flatMap { $0.gradientProfile.joined() }.filter { $0 > 0 && $0.isFinite }
        // Pixels are each panel's own; the range of values is all runs', in whole
        // decades as on the dashboard.
        let shared = norms.min().map { low in Axis.profileDecades(low, norms.max()!) }
        let gap = fontSize * 4.2
        let height = (area.height - fontSize * 0.5) / Double(max(runs.count, 1))
        // A line for a profile's age under its title, where the plots keep three lines'
        // height; in every panel when one has it, so that the panels stay the same
        // height and a value at the same height in each. Else the step is in the title.
        let roomy = height - gap - fontSize * 0.4 - fontSize * 1.2 >= fontSize * 3
        let ageLine = roomy && runs.contains { !$0.gradientProfileAge.isCurrent } ? fontSize * 1.2 : 0
        for (index, run) in runs.enumerated() {
            let top = area.top + fontSize * 0.5 + Double(index) * height
            let plot = PlotArea(left: area.left, top: top + fontSize * 1.6 + ageLine, right: area.right, bottom: top + height - gap + fontSize * 1.2)
            let y = shared.map { PlotScale(low: Double($0.lowerBound), high: Double($0.upperBound), start: plot.bottom, end: plot.top, logarithmic: true) }
            let titleY = top + fontSize * 1.3
            drawTitle(run, index: index, into: &svg, left: titleLeft, width: titleWidth, y: titleY, ageBelow: ageLine > 0)
            drawProfile(run, index: index, into: &svg, area: plot, y: y)
        }
    }

    /// The run's name, ratio and word, in its colour (dim when the profile is old),
    /// and when the profile is not from the run's last step, its step: under the
    /// title (`ageBelow`), else in it.
    private func drawTitle(_ run: PlottedRun, index: Int, into svg: inout SVGDocument, left: Double, width: Double, y: Double, ageBelow: Bool) {
        let (name, short) = (run.name(upTo: 30), run.name(upTo: 12))
        guard let first = run.gradientProfile.first, let start = first.first, let end = first.last else {
            let text = SVGDocument.fitting(
                ["\(name): no gradient profile in the log", "\(name): no gradient profile", "\(short): no gradient profile"],
                width: width, size: fontSize)
            svg.text(text, x: left, y: y, size: fontSize, fill: colors.muted)
            return
        }
        let ratio = GradientPanel.ratio(first: start, last: end), word = Health(first: start, last: end).word
        let layers = run.gradientProfile.count > 1 ? " (layer 1 bold)" : ""
        let part = run.gradientProfileSequences.map { ", on \($0) sequence\($0 == 1 ? "" : "s")" } ?? ""
        let age = run.gradientProfileAge
        let step = age.isCurrent ? nil : "at step \(Format.count(age.dataStep))"
        let titles =
            if let step, !ageBelow {
                [
                    "\(name) \(step): \(ratio) \(word)\(layers)\(part)", "\(name) \(step): \(ratio) \(word)\(layers)",
                    "\(name) \(step): \(ratio) \(word)", "\(short) \(step): \(word)",
                ]
            } else {
                [
                    "\(name): \(ratio) \(word)\(layers)\(part)", "\(name): \(ratio) \(word)\(layers)", "\(name): \(ratio) \(word)",
                    "\(short): \(ratio) \(word)", "\(short): \(word)",
                ]
            }
        let title = SVGDocument.fitting(titles, width: width, size: fontSize, bold: true)
        svg.text(title, x: left, y: y, size: fontSize, fill: age.isOld ? colors.muted : colors.run(index), bold: true)
        guard let at = step, ageBelow else { return }
        let (before, plural) = (Format.count(age.stepsAgo), age.stepsAgo == 1 ? "" : "s")
        let line = SVGDocument.fitting(
            ["\(at) · \(before) step\(plural) before the end", "\(at) · \(before) before the end", at], width: width, size: fontSize * 0.9)
        svg.text(line, x: left, y: y + fontSize * 1.2, size: fontSize * 0.9, fill: age.isOld ? colors.muted : colors.text)
    }

    /// The profile's lines on the shared scale `y`, with the panel's axes.
    private func drawProfile(_ run: PlottedRun, index: Int, into svg: inout SVGDocument, area: PlotArea, y: PlotScale?) {
        guard !run.gradientProfile.joined().isEmpty, area.height >= fontSize * 2 else { return }
        let steps = run.gradientProfile.map(\.count).max() ?? 1
        let x = PlotScale(low: 1, high: Double(max(steps, 2)), start: area.left, end: area.right, logarithmic: false)
        guard let y, run.gradientProfile.joined().contains(where: { y.pixel($0) != nil }) else {
            svg.text("no finite, positive norm", x: area.left + 4, y: area.top + fontSize * 1.2, size: fontSize, fill: colors.diverged)
            return
        }
        area.drawAxes(into: &svg, x: x, y: y, colors: colors, fontSize: fontSize * 0.85, xSpacing: 70, ySpacing: 22)
        let dim = run.gradientProfileAge.isOld ? 0.45 : 1
        // Norms below the axis (it spans at most 24 decades) run along its foot, and
        // a note says so: they are not drawn where they are not.
        var below = false
        for (layer, norms) in run.gradientProfile.enumerated().reversed() {
            let points = norms.enumerated().compactMap { step, norm in
                y.pixel(norm).map { pixel in
                    below = below || pixel > area.bottom
                    return (x: x.pixel(Double(step + 1))!, y: min(pixel, area.bottom))
                }
            }
            svg.polyline(
                points, stroke: colors.run(index), width: layer == 0 ? 2 : 1, dash: colors.dash(index), opacity: (layer == 0 ? 1 : 0.6) * dim)
        }
        if below {
            svg.text("↓ below the axis", x: area.left + 4, y: area.bottom - fontSize * 0.4, size: fontSize * 0.85, fill: colors.muted)
        }
    }
}
