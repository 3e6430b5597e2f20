import RNNCore
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

    func render(width: Int, height: Int) -> Buffer {
        var buffer = Buffer(width: width, height: height, fill: Cell(" ", theme.style(theme.foreground)))
        guard width >= Self.minimumWidth && height >= Self.minimumHeight else {
            tooSmall(&buffer)
            return buffer
        }
        let (header, rest) = buffer.area.splitTop(1)
        let (body, bottom) = rest.splitTop(rest.height - 2)
        let (messageRow, footerRow) = bottom.splitTop(1)
        drawHeader(&buffer, header)
        let layout = Layout(body: body, hasSample: snapshot.textSample != nil)
        LossPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .loss)
            .render(into: &buffer, area: layout.loss, context: context)
        GradientPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .gradients)
            .render(into: &buffer, area: layout.gradients, context: context)
        HeatmapPanel(snapshot: snapshot, view: view, theme: theme, focused: view.focus == .heatmap)
            .render(into: &buffer, area: layout.heatmap, context: context)
        SettingsPanel(snapshot: snapshot, theme: theme, focused: view.focus == .settings, showsKeys: view.replay == nil)
            .render(into: &buffer, area: layout.settings, context: context)
        if let sample = layout.sample, let text = snapshot.textSample {
            let inside = theme.panel("sample").render(into: &buffer, area: sample, context: context)
            wrap(text, width: inside.width).prefix(inside.height).enumerated().forEach { row, line in
                buffer.text(inside.x, inside.y + row, line, theme.style(theme.foreground))
            }
        }
        drawMessage(&buffer, messageRow)
        drawFooter(&buffer, footerRow)
        if view.showHelp {
            Overlay(title: "keys", lines: view.replay == nil ? KeyMap.helpLines : KeyMap.replayHelpLines, style: theme.style(theme.foreground), titleStyle: theme.style(theme.title, .bold))
                .render(into: &buffer, area: body, context: context)
        }
        return buffer
    }

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

    private func drawHeader(_ buffer: inout Buffer, _ area: Rect) {
        let s = snapshot
        let training = s.settings.training
        let model = "\(s.model.cell.rawValue.uppercased())(\(s.model.hiddenSize), \(s.model.activation.rawValue))"
            + (s.model.layers > 1 ? "x\(s.model.layers)" : "")
        let clip = training.clipping.isOff ? "clip off" : "clip \(training.clipping.mode.rawValue) \(Format.setting(training.clipping.threshold))"
        // Segments in reading order, each with a priority: the least important
        // (highest number) go first when the row is too narrow.
        let segments: [(text: String, priority: Int, style: Style)] = [
            ("rnntop", 5, theme.style(theme.title, .bold)),
            ((s.taskName ?? s.settings.task.kind.rawValue) + (s.settings.task.sequenceLength.map { " T=\($0)" } ?? ""), 3, theme.style(theme.foreground)),
            (model, 1, theme.style(theme.foreground)),
            ("\(s.optimizerName ?? training.optimizer.kind.rawValue) lr \(Format.setting(training.optimizer.learningRate))", 2, theme.style(theme.foreground)),
            (clip, 6, theme.style(theme.foreground)),
            (
                "step \(Format.count(s.step))" + (view.replay.map { " of \(Format.count($0.lastStep))" } ?? ""), 0,
                theme.style(theme.foreground, .bold)
            ),
            ("epoch \(String(format: "%.1f", s.epochs))", 7, theme.style(theme.foreground)),
            ("\(Format.rate(perSecond: s.sequencesPerSecond)) seq/s", 4, theme.style(theme.foreground)),
            (Format.duration(s.elapsedSeconds), 8, theme.style(theme.foreground)),
        ]
        let state = "● " + (view.replay.map { $0.following ? "following" : "replay" } ?? s.state.rawValue)
        let stateColor: RGB =
            switch s.state {
            case _ where view.replay?.following == true: theme.running
            case _ where view.replay != nil: theme.paused
            case .running: theme.running
            case .paused, .done: theme.paused
            case .diverged: theme.diverged
            }
        let separator = " │ "
        var kept = Array(segments.indices)
        func width(_ kept: [Int]) -> Int {
            kept.reduce(0) { $0 + segments[$1].text.count } + max(kept.count - 1, 0) * separator.count + 1 + state.count
        }
        while width(kept) > area.width, let drop = kept.max(by: { segments[$0].priority < segments[$1].priority }) {
            kept.removeAll { $0 == drop }
        }
        var x = area.x
        for (n, index) in kept.enumerated() {
            if n > 0 { x += buffer.text(x, area.y, separator, theme.style(theme.border)) }
            x += buffer.text(x, area.y, segments[index].text, segments[index].style)
        }
        buffer.text(area.maxX - state.count, area.y, state, theme.style(stateColor, .bold))
    }

    private func drawMessage(_ buffer: inout Buffer, _ area: Rect) {
        let text: String
        var color = theme.muted
        if let message = view.message, message.until > now {
            text = message.text
            color = theme.highlight
        } else if let hint = view.hint {
            text = hint
            color = theme.highlight
        } else if let event = snapshot.events.last {
            text = "step \(event.step): \(event.message)"
            color = event.applied ? (event.kind == .diverged ? theme.diverged : theme.muted) : theme.diverged
        } else {
            text = snapshot.taskSummary
        }
        buffer.text(area.x, area.y, text, theme.style(color), limit: area.width)
    }

    /// The keys that fit, with help and quit always at the right end.
    private func drawFooter(_ buffer: inout Buffer, _ area: Rect) {
        func width(_ items: ArraySlice<(String, String)>) -> Int { items.reduce(0) { $0 + $1.0.count + $1.1.count + 3 } }
        let keys = view.replay == nil ? KeyMap.footer : KeyMap.replayFooter
        let always = keys.suffix(2)
        // Ends in two spaces, so the bottom-right cell, which curses cannot write, is blank.
        var x = area.maxX - width(always)
        for (key, action) in always {
            x += buffer.text(x, area.y, key, theme.style(theme.highlight, .bold))
            x += buffer.text(x, area.y, " " + action + "  ", theme.style(theme.muted))
        }
        let room = area.width - width(always)
        x = area.x
        for (key, action) in keys.dropLast(2) {
            guard x - area.x + key.count + action.count + 3 <= room else { break }
            x += buffer.text(x, area.y, key, theme.style(theme.highlight, .bold))
            x += buffer.text(x, area.y, " " + action + "  ", theme.style(theme.muted))
        }
    }

    /// Splits `text` into rows of at most `width` characters.
    private func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var rows = [String](), current = ""
        for character in text {
            current.append(character)
            if current.count == width {
                rows.append(current)
                current = ""
            }
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }
}
