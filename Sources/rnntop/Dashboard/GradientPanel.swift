import Foundation
import TerminalUI
import Training

/// The gradient panel: ‖∂L/∂h_t‖ over the time steps of a layer as bars on a log
/// scale, with the ratio of the first step's to the last's and a word for it; under
/// it the global gradient norm over training, with the clip threshold.
struct GradientPanel: Widget {
    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let focused: Bool
    /// Every run of a comparison (the focused one is `snapshot`); one run or none
    /// draws the run alone.
    var runs: [ShownRun] = []

    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard runs.count <= 1 else {
            renderComparison(into: &buffer, area: area, context: context)
            return
        }
        let profiles = snapshot.hiddenGradientProfile
        let layer = min(view.layer, max(profiles.count - 1, 0))
        let age = DataAge(profileOf: snapshot)
        let inside = theme.panel(title(profiles, layer: layer, age: age, width: area.width - 4), focused: focused, old: age.isOld)
            .render(into: &buffer, area: area, context: context)
        guard inside.height >= 4, profiles.indices.contains(layer) else {
            buffer.text(inside.x, inside.y, "waiting for the first step", theme.style(theme.muted), limit: inside.width)
            return
        }
        let (top, bottom) = inside.splitTop(inside.height * 11 / 20)
        let profile = profiles[layer]
        let window = snapshot.hiddenGradientWindow
        let health = Self.headline(profile, layer: layer, window: window).health
        var bars = BarProfile(values: profile, style: theme.style(health.color(theme), age.isOld ? .dim : []))
        bars.labelStyle = theme.style(theme.muted)
        bars.range = window.range
        let (barArea, caption) = top.splitTop(top.height - 1)
        bars.render(into: &buffer, area: barArea, context: context)
        // Where the headline is a median it says so, when that fits whole.
        var words = "t=1..\(profile.count): \(health.explanation)"
        let median = " · t1/tT: median of last \(window.count)"
        if window.count > 1, words.count + median.count <= caption.width { words += median }
        buffer.text(caption.x, caption.y, words, theme.style(theme.muted), limit: caption.width)
        drawNorms(into: &buffer, area: bottom, context: context)
    }

    /// "∂L/∂h_t by step  t1/tT 0.12 healthy"; over a profile from an earlier step,
    /// that step and how long ago, the verdict being that step's ("∂L/∂h_t at step 1
    /// · 1,499 steps ago  t1/tT 5.3e-11 vanishing"), and on how many sequences when it
    /// was taken on part of a batch. Shorter forms where the panel is narrow: the
    /// words around go first, the verdict last.
    private func title(_ profiles: [[Double]], layer: Int, age: DataAge, width: Int) -> String {
        let layerText = profiles.count > 1 ? " layer \(layer + 1)/\(profiles.count)" : ""
        var ratio = "", word = ""
        if profiles.indices.contains(layer), !profiles[layer].isEmpty {
            let headline = Self.headline(profiles[layer], layer: layer, window: snapshot.hiddenGradientWindow)
            (ratio, word) = ("  " + headline.ratio, " " + headline.health.word)
        }
        let part = snapshot.hiddenGradientProfileSequences.map { ", \($0) seq" } ?? ""
        // The decoration goes before the verdict does.
        guard !age.isCurrent else {
            return DataAge.fitting(
                [
                    "∂L/∂h_t by step\(layerText)\(part)\(ratio)\(word)", "∂L/∂h_t\(layerText)\(part)\(ratio)\(word)",
                    "∂L/∂h_t\(layerText)\(ratio)\(word)", "∂L/∂h_t\(ratio)\(word)", "∂L/∂h_t\(word)",
                ], width: width)
        }
        return DataAge.fitting(
            [
                "∂L/∂h_t \(age.text)\(layerText)\(part)\(ratio)\(word)",
                "∂L/∂h_t \(age.shortText)\(layerText)\(part)\(ratio)\(word)",
                "∂L/∂h_t \(age.shortText)\(layerText)\(part)\(word)",
                "∂L/∂h_t \(age.shortText)\(word)",
            ], width: width)
    }

    /// The global gradient norm over training, on the loss chart's time axis: its
    /// spread as a band, its smoothed value as a line, and the clip threshold. In a
    /// comparison, every run's line in its colour, the focused run's band and clip.
    func drawNorms(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let shown = runs.count > 1 ? runs : [ShownRun(name: "", snapshot: snapshot)]
        let focus = min(view.focusedRun, shown.count - 1)
        let palette = RunPalette(theme: theme, context: context)
        let raw = shown.map { ChartData.samples($0.snapshot.gradientNorm, breaks: ChartData.breaks($0.snapshot)) }
        let smoothed = raw.map { ChartData.smoothed($0, weight: view.smoothing) }
        let clipping = snapshot.settings.training.clipping
        let clipsNorm = !clipping.isOff && clipping.mode == .norm
        // The value is the smoothed line's, and says so; a narrow panel shortens the
        // words before it drops any.
        var value = ""
        if let cursor = view.cursor, let at = smoothed[focus].last(where: { !$0.isGap && $0.x0 <= Double(cursor) && $0.mean.isFinite }) {
            value = " at step \(Format.count(cursor)): \(Format.short(at.mean))"
        } else if let last = smoothed[focus].last(where: { $0.mean.isFinite }) {
            value = " \(Format.short(last.mean))"
        }
        let of = shown.count > 1 ? " of \(shown[focus].name)" : ""
        let clip = clipsNorm ? "  ┄ clip \(clipping.threshold.settingText)" : ""
        let smoothing = view.smoothing > 0 ? "ema \(view.smoothing)" : "mean"
        let heading = DataAge.fitting(
            [
                "gradient norm\(of)\(value) (\(smoothing)) before clipping\(clip)",
                "grad norm\(of)\(value) (\(view.smoothing > 0 ? "ema" : "mean")) before clip\(clip)",
                "‖g‖\(of)\(value) (\(view.smoothing > 0 ? "ema" : "mean"))\(clip)",
            ], width: area.width)
        buffer.text(area.x, area.y, heading, theme.style(theme.muted), limit: area.width)
        var chart = TimeChart.make(snapshot: snapshot, runs: runs, view: view, theme: theme)
        chart.logScale = true
        if shown.count == 1 {
            chart.series = [
                .init(
                    name: "‖g‖ spread", kind: .band, samples: raw[0], style: theme.style(theme.train, .dim), glyph: ":",
                    dash: ChartData.bandDash(theme, context)),
                .init(name: "‖g‖", kind: .line, samples: smoothed[0], style: theme.style(theme.smoothed, .bold), glyph: "*"),
            ]
        } else {
            chart.series = [.init(name: "‖g‖ spread", kind: .band, samples: raw[focus], style: palette.style(focus, .dim), glyph: ":")]
            for index in shown.indices.filter({ $0 != focus }) + [focus] {
                chart.series.append(
                    .init(
                        name: shown[index].name, kind: .line, samples: smoothed[index], style: palette.style(index, .bold),
                        glyph: palette.glyph(index), dash: palette.dash(index)))
            }
        }
        if clipsNorm {
            chart.references = [.init(label: "clip", value: Double(clipping.threshold), style: theme.style(theme.clip))]
        }
        chart.render(into: &buffer, area: Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1), context: context)
    }

    /// ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ as text; a first step whose gradient underflowed to
    /// zero is below the smallest float, not "0".
    static func ratio(first: Double, last: Double) -> String {
        guard last > 0, first.isFinite, last.isFinite else { return "t1/tT -" }
        return ratio(first / last)
    }

    static func ratio(_ value: Double) -> String {
        value == 0 ? "t1/tT <1e-38" : "t1/tT \(Format.value(value))"
    }

    /// A profile's ratio and word: the median ratio of the last few profiles in
    /// `window` (one odd batch does not swing the headline by ten decades), unless
    /// this profile blew up or the window has none.
    static func headline(_ profile: [Double], layer: Int, window: ProfileWindow) -> (ratio: String, health: Health) {
        let first = profile.first ?? .nan, last = profile.last ?? .nan
        let current = Health(first: first, last: last)
        let medians = window.medianRatios
        guard current != .blownUp, medians.indices.contains(layer), !medians[layer].isNaN else {
            return (ratio(first: first, last: last), current)
        }
        return (ratio(medians[layer]), Health(ratio: medians[layer]))
    }
}

/// How the gradient fares going back through time, from ‖∂L/∂h‖ at the first and
/// the last step: vanishing when the first is a thousandth of the last or less,
/// exploding when a thousand times more, healthy between.
enum Health {
    case vanishing, exploding, healthy, blownUp, none

    init(first: Double, last: Double) {
        guard first.isFinite, last.isFinite else {
            self = .blownUp
            return
        }
        guard last > 0 else {
            self = .none
            return
        }
        self.init(ratio: first / last)
    }

    /// From the ratio of the first step's norm to the last's.
    init(ratio: Double) {
        self = ratio.isNaN ? .none : ratio < 1e-3 ? .vanishing : ratio > 1e3 ? .exploding : .healthy
    }

    var word: String {
        switch self {
        case .vanishing: "vanishing"
        case .exploding: "exploding"
        case .healthy: "healthy"
        case .blownUp: "blown up"
        case .none: "no gradient"
        }
    }

    var explanation: String {
        switch self {
        case .vanishing: "the gradient dies on its way back"
        case .exploding: "the gradient grows on its way back"
        case .healthy: "the gradient reaches the first step"
        case .blownUp: "NaN or infinity"
        case .none: "no gradient reaches the last step"
        }
    }

    func color(_ theme: Theme) -> RGB {
        switch self {
        case .vanishing, .none: theme.paused
        case .exploding, .blownUp: theme.diverged
        case .healthy: theme.running
        }
    }
}
