import RNNCore
import RNNData
import TerminalUI
import Training

/// The rows around the panels: the header, the message line and the key hints.
extension DashboardScreen {
    func drawHeader(_ buffer: inout Buffer, _ area: Rect) {
        let s = snapshot
        let training = s.settings.training
        // Another program's watched module: its width is known, not what cell it is.
        let model = (s.unknownSettings.contains("cell") ? "\(s.model.hiddenSize) units" : s.model.cellSummary)
            + (s.model.layers > 1 ? "x\(s.model.layers)" : "")
        // Segments in reading order, each with a priority: the least important
        // (highest number) go first when the row is too narrow.
        let segments: [(text: String, priority: Int, style: Style)] = [
            ("rnntop", 5, theme.style(theme.title, .bold)),
            (s.taskTitle + (s.settings.task.sequenceLength.map { " T=\($0)" } ?? ""), 3, theme.style(theme.foreground)),
            (runLabel, 0, RunPalette(theme: theme, context: context).style(focusedRun, .bold)),
            (model, 1, theme.style(theme.foreground)),
            (optimizer, 2, theme.style(theme.foreground)),
            (!s.unknownSettings.contains("clip") ? "clip \(training.clipping.text)" : "", 6, theme.style(theme.foreground)),
            ("step \(Format.count(s.step)) of \(Format.count(s.totalSteps))", 0, theme.style(theme.foreground, .bold)),
            ("epoch \(String(format: "%.1f", s.epochs))", 7, theme.style(theme.foreground)),
            (rate, 4, theme.style(theme.foreground)),
            (resources, 6, theme.style(theme.muted)),
            (Format.duration(s.elapsedSeconds), 8, theme.style(theme.foreground)),
        ].filter { !$0.text.isEmpty }
        let (state, stateColor) = self.state
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

    /// Which run of several the header and the panels on the right show, and how
    /// many there are: "▶ lstm (2/3)"; "(all)" when keys act on every run.
    private var runLabel: String {
        guard runs.count > 1 else { return "" }
        return "\(context.unicode ? "▶" : ">") \(runs[focusedRun].name) (\(focusedRun + 1)/\(runs.count))" + (view.actOnAll ? " keys: all" : "")
    }

    private var focusedRun: Int { min(view.focusedRun, max(runs.count - 1, 0)) }

    /// "adam lr 0.01", with what a recorded run's log left out left out here too.
    private var optimizer: String {
        let training = snapshot.settings.training, unknown = snapshot.unknownSettings
        let kind = unknown.contains("optimizer") ? nil : snapshot.optimizerName ?? training.optimizer.kind.rawValue
        let rate = unknown.contains("lr") ? nil : "lr \(training.optimizer.learningRate.settingText)"
        return [kind, rate].compactMap { $0 }.joined(separator: " ")
    }

    /// Training's rate while it runs, its average once done, nothing while it waits.
    private var rate: String {
        switch snapshot.state {
        case .running: "\(Format.rate(perSecond: snapshot.sequencesPerSecond)) seq/s"
        case .done: snapshot.sequencesPerSecond > 0 ? "avg \(Format.rate(perSecond: snapshot.sequencesPerSecond)) seq/s" : ""
        case .paused, .diverged: ""
        }
    }

    /// What the training process costs, as `top` shows it: "cpu 187% 312 MB", and
    /// for another program's run on a GPU its device and the most its tensors took
    /// there ("cuda:0 1.2 GB peak"). Nothing until the first measurement; its step
    /// when it is more than `ResourceUse.freshness` seconds older than the step shown
    /// (a log that stopped saying).
    private var resources: String {
        guard let use = snapshot.resources else { return "" }
        var parts = ["cpu \(Int(use.cpuPercent.rounded()))%"]
        if let bytes = use.residentBytes { parts.append(MemoryFootprint.describe(bytes)) }
        if let peak = use.devicePeakBytes { parts.append("\(use.device.map { Escaping.escape($0) } ?? "device") \(MemoryFootprint.describe(peak)) peak") }
        if snapshot.elapsedSeconds - use.elapsed > ResourceUse.freshness { parts.append("at step \(Format.count(use.step))") }
        return parts.joined(separator: " ")
    }

    /// The state word and its colour: the run's, a replay's (following a log that
    /// is still growing, or at a step of a finished one), or, where the runs of a
    /// comparison differ, how many of them train ("● 2 of 3 running").
    private var state: (String, RGB) {
        if let replay = view.replay {
            if replay.following && !replay.ended { return ("● following", theme.running) }
            if replay.ended && replay.step >= replay.lastStep { return ("● replay: ended", theme.paused) }
            return ("● replay", theme.paused)
        }
        let running = runs.filter { $0.snapshot.state == .running }.count
        if runs.count > 1 && running > 0 && running < runs.count { return ("● \(running) of \(runs.count) running", theme.running) }
        switch snapshot.state {
        case .running: return ("● running", theme.running)
        case .paused: return ("● paused", theme.paused)
        case .done: return ("● done: space for more", theme.paused)
        case .diverged: return ("● diverged", theme.diverged)
        }
    }

    func drawMessage(_ buffer: inout Buffer, _ area: Rect) {
        let text: String
        var color = theme.muted
        if let message = view.message, message.until > now {
            text = message.text
            color = theme.highlight
        } else if let hint = view.hint {
            text = hint
            color = theme.highlight
        } else if let event = snapshot.events.last {
            // A live run stopped by a divergence: what to try first, then what happened.
            let advice = event.kind == .diverged && snapshot.state == .diverged && view.replay == nil && snapshot.canRollBack
                ? "u roll back, - halve the lr, ] clip · " : ""
            text = advice + "step \(event.step): \(event.message)"
            color = event.applied ? (event.kind == .diverged ? theme.diverged : theme.muted) : theme.diverged
        } else {
            text = snapshot.taskSummary
        }
        buffer.text(area.x, area.y, text, theme.style(color), limit: area.width)
    }

    /// The keys that fit, with help and quit always at the right end.
    func drawFooter(_ buffer: inout Buffer, _ area: Rect) {
        func width(_ items: ArraySlice<(String, String)>) -> Int { items.reduce(0) { $0 + $1.0.count + $1.1.count + 3 } }
        let keys = KeyMap.footer(replay: view.replay != nil, runs: runs.count, lesson: view.lessonPanel != nil)
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
}
