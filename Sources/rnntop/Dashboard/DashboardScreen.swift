import RNNCore
import RNNData
import TerminalUI
import Training

/// The whole screen for one snapshot: header, loss chart, gradient panel, heatmap,
/// settings (and a text sample for character models), message line and key hints.
/// The only place that maps a session's snapshot to widgets.
struct DashboardScreen {
    static let minimumWidth = 80
    static let minimumHeight = 24

    let snapshot: Snapshot
    let view: ViewState
    let theme: Theme
    let context: RenderContext
    /// Seconds on the dashboard's clock, for transient messages.
    let now: Double
    /// Every run of a comparison or of several logs, `snapshot` being the focused
    /// one's; empty or one for a run alone.
    var runs: [ShownRun] = []
    /// A lesson's chapter, drawn under the charts while `view.lessonPanel` is true.
    var lesson: LessonPanel? = nil

    func render(width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height, fill: Cell(" ", theme.style(theme.foreground)))
        guard width >= Self.minimumWidth && height >= Self.minimumHeight else {
            tooSmall(&buffer)
            return buffer
        }
        let (header, rest) = buffer.area.splitTop(1)
        let (fullBody, bottom) = rest.splitTop(rest.height - 2)
        let (messageRow, footerRow) = bottom.splitTop(1)
        drawHeader(&buffer, header)
        var body = fullBody
        if let lesson, view.lessonPanel == true {
            let (charts, chapter) = body.splitTop(body.height - Self.lessonHeight(body.height))
            lesson.render(into: &buffer, area: chapter, context: context)
            body = charts
        }
        let layout = Layout(body: body, hasSample: snapshot.textSample != nil)
        let panels: [(any Widget, Rect)] = [
            (LossPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .loss, runs: runs), layout.loss),
            (GradientPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .gradients, runs: runs), layout.gradients),
            (HeatmapPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .heatmap, replay: view.replay), layout.heatmap),
            (SettingsPanel(snapshot: snapshot, theme: theme, focused: view.focus == .settings, showsKeys: view.replay == nil), layout.settings),
        ]
        for (panel, area) in panels { panel.render(into: &buffer, area: area, context: context) }
        if let sample = layout.sample, let text = snapshot.textSample {
            let inside = theme.panel("sample").render(into: &buffer, area: sample, context: context)
            // A log's sample comes from another program: escaped here, line breaks kept.
            let shown = Escaping.escape(text, keepingLineBreaks: true)
            for (row, line) in Self.wrap(shown, width: inside.width).prefix(inside.height).enumerated() {
                buffer.text(inside.x, inside.y + row, line, theme.style(theme.foreground))
            }
        }
        drawMessage(&buffer, messageRow)
        drawFooter(&buffer, footerRow)
        if view.showHelp {
            let lines = KeyMap.helpLines(replay: view.replay != nil, lesson: view.lessonPanel != nil)
            Overlay(title: "keys  (esc closes)", lines: lines, style: theme.style(theme.foreground), titleStyle: theme.style(theme.title, .bold))
                .render(into: &buffer, area: body, context: context)
        }
        return buffer
    }

    /// The lesson panel's rows: a third of the body, at least 8 (its verdicts and a
    /// few lines of text), at most 16.
    static func lessonHeight(_ body: Int) -> Int { min(16, max(8, body / 3)) }

    /// Where the panels go: the loss and gradient panels on the left, the heatmap and
    /// settings (and a sample) on the right; extra room widens and heightens them.
    struct Layout {
        let loss: Rect
        let gradients: Rect
        let heatmap: Rect
        let settings: Rect
        let sample: Rect?

        init(body: Rect, hasSample: Bool) {
            let (left, right) = body.splitLeft(body.width * 3 / 5)
            (loss, gradients) = left.splitTop(left.height / 2)
            let settingsHeight = min(12, max(9, right.height / 3))
            if hasSample {
                let (top, lower) = right.splitTop(right.height - settingsHeight)
                let (heat, text) = top.splitTop(top.height / 2)
                heatmap = heat
                sample = text
                settings = lower
            } else {
                (heatmap, settings) = right.splitTop(right.height - settingsHeight)
                sample = nil
            }
        }
    }

    private func tooSmall(_ buffer: inout Buffer) {
        let lines = [
            "rnntop needs at least \(Self.minimumWidth)x\(Self.minimumHeight)",
            "this window is \(buffer.width)x\(buffer.height)",
            "training goes on: step \(Format.count(snapshot.step))",
        ]
        for (i, line) in lines.enumerated() {
            let y = buffer.height / 2 - 1 + i
            buffer.text(max(0, (buffer.width - line.count) / 2), y, line, theme.style(i == 0 ? theme.highlight : theme.muted))
        }
    }

    /// Rows of at most `width` characters: the text's own line breaks, then
    /// wrapping. Control characters other than line breaks arrive escaped (`\t`).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var rows = [String]()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for character in line {
                current.append(character)
                if current.count == width {
                    rows.append(current)
                    current = ""
                }
            }
            if !current.isEmpty || line.isEmpty { rows.append(current) }
        }
        return rows
    }
}
