import Foundation
import RNNCore
import TerminalUI
import Training

/// The full-screen monitor: draws the sessions' snapshots at most 30 times a second,
/// and only when something changed, and turns keys into commands and view changes.
/// Or, for `rnntop replay`, draws run logs at a cursor that the arrows move.
/// Several runs (a comparison, several logs) are drawn over each other; one of them,
/// the focused run, fills the heatmap and settings and takes the keys.
/// Runs on the main thread, the only one that calls curses.
final class Dashboard {
    /// Where the pictures come from.
    enum Source {
        case live([LiveRun])
        case replay(ReplaySet)
    }

    private let source: Source
    private let terminal: Terminal
    private var view = ViewState()
    private var themes: ThemeCycle
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant
    /// What the last frame showed, to skip frames when nothing changed.
    private struct FrameKey: Equatable {
        let step, events: Int
        let state: Snapshot.State
        let probe, second, width, height: Int
    }

    private var lastFrame: FrameKey?
    /// Events already looked at for failed writes, per run.
    private var seenEvents: [Int] = []

    init(source: Source, terminal: Terminal, themes: ThemeCycle, hint: String? = nil) {
        self.source = source
        self.terminal = terminal
        self.themes = themes
        started = clock.now
        view.hint = hint
        switch source {
        case .live(let runs):
            if let warning = runs.first?.session.warnings.first { note(warning, seconds: 8) }
        case .replay(let feed):
            view.replay = feed.position
            if let first = feed.notes.first { note(first, seconds: 8) }
        }
    }

    private var now: Double { (clock.now - started).seconds }

    /// Frames that answer a key or a resize come at most this often...
    static let keyFrameInterval = 1.0 / 30
    /// ...and frames that show training's progress at most this often: a chart
    /// looks no different at 30, and on two cores every frame is time taken from
    /// training.
    static let progressFrameInterval = 1.0 / 15

    /// Runs until the user quits or a signal comes; a live session is told to quit
    /// (`Session.wait()` then gives its end).
    func run(signals: SignalWatch) {
        if case .live(let runs) = source {
            for run in runs { run.session.start() }
            // The training threads exist now (the session's own from its queue):
            // drawing gives way to them, so the dashboard costs training little.
            DrawingThread.yieldToWork()
        }
        var quitting = false
        var lastFrame = -Double.infinity
        // A key or a resize asks for a frame even when the session has not changed.
        var frameWanted = true
        while true {
            let interval = frameWanted ? Self.keyFrameInterval : Self.progressFrameInterval
            let wait = max(0.001, lastFrame + interval - now)
            let key = terminal.readKey(timeout: Int((wait * 1000).rounded(.up)))
            if let key {
                frameWanted = true
                view.hint = nil
                if key == .resize {
                    terminal.invalidate()
                } else if handle(key) {
                    quitting = true
                }
            }
            if quitting || signals.received != nil {
                if case .live(let runs) = source { for run in runs { run.session.send(.quit) } }
                return
            }
            guard now - lastFrame >= (frameWanted ? Self.keyFrameInterval : Self.progressFrameInterval) else { continue }
            if case .replay(let feed) = source, followedLogGrew(feed) { frameWanted = true }
            guard let runs = currentRuns else { continue }
            noteFailedWrites(runs)
            if changed(runs) || frameWanted {
                draw(runs)
                frameWanted = false
            }
            // Also when nothing changed: the next look is an interval away.
            lastFrame = now
        }
    }

    /// The pictures to draw: the sessions' latest, or the logs' at the cursor (nil
    /// while no followed log has a run record yet).
    private var currentRuns: [ShownRun]? {
        switch source {
        case .live(let runs): runs.map { ShownRun(name: $0.name, snapshot: $0.session.snapshot) }
        case .replay(let feed): feed.runs
        }
    }

    /// The focused run's picture, the one keys act on.
    private func focused(_ runs: [ShownRun]) -> Snapshot {
        runs[min(view.focusedRun, runs.count - 1)].snapshot
    }

    /// Reads what a followed log gained; true when there is more to show.
    private func followedLogGrew(_ feed: ReplaySet) -> Bool {
        do {
            guard try feed.poll() else { return false }
        } catch {
            note("\(error)", seconds: 8)
            return true
        }
        view.replay = feed.position
        return true
    }

    /// Applies a key; returns true for quit. While the help is up, a key only
    /// closes it (q too: it does not quit behind the help).
    private func handle(_ key: Key) -> Bool {
        if view.showHelp {
            if [.escape, .character("?"), .character("q"), .character("Q")].contains(key) { view.showHelp = false }
            return false
        }
        guard let runs = currentRuns else { return key == .character("q") || key == .character("Q") }
        let replaying: Bool
        if case .replay = source { replaying = true } else { replaying = false }
        guard let action = KeyMap.action(for: key, snapshot: focused(runs), replay: replaying) else { return false }
        let snapshot = focused(runs)
        let last = Double(TimeChart.lastStep(snapshot, runs, view))
        switch action {
        case .quit: return true
        case .replay(let move):
            guard case .replay(let feed) = source else { return false }
            switch move {
            case .by(let fraction): feed.move(by: fraction)
            case .start: feed.moveToStart()
            case .end: feed.moveToEnd()
            }
            view.replay = feed.position
        case .command(let command):
            switch source {
            case .live(let live): live.send(command, key: key, focused: view.focusedRun, toAll: view.actOnAll)
            case .replay: note("a recorded run takes no commands: \(command.name) is for a live run")
            }
        case .pickRun(let index):
            guard runs.count > 1 else {
                note("one run: 1-8 , . pick a run of a comparison (rnntop --cell rnn,lstm,gru)")
                return false
            }
            guard index < runs.count else {
                note("there are \(runs.count) runs")
                return false
            }
            note(view.focus(run: index, of: runs))
        case .cycleRun(let delta):
            guard runs.count > 1 else {
                note("one run: 1-8 , . pick a run of a comparison (rnntop --cell rnn,lstm,gru)")
                return false
            }
            note(view.focus(run: (view.focusedRun + delta + runs.count) % runs.count, of: runs))
        case .toggleAllRuns:
            guard case .live(let live) = source, live.count > 1 else {
                note(runs.count > 1 ? "recorded runs take no commands" : "one run: A is for a comparison's runs")
                return false
            }
            view.actOnAll.toggle()
            note(view.actOnAll ? "keys act on every run (A: the focused run only)" : "keys act on \(runs[view.focusedRun].name) only")
        case .refused(let why): note(why)
        case .toggleLogScale: view.logLoss.toggle()
        case .cycleSmoothing:
            let weights = ViewState.smoothingWeights
            view.smoothing = weights[((weights.firstIndex(of: view.smoothing) ?? 0) + 1) % weights.count]
            note(view.smoothing > 0 ? "smoothing: moving average, weight \(view.smoothing)" : "smoothing off: the line is each column's mean")
        case .cycleXAxis:
            view.xAxis = view.xAxis.cycled()
            note("x axis: \(view.xAxis.rawValue)")
        case .zoomIn: view.window = view.window.zoomedIn(last: last, center: view.cursor.map(Double.init))
        case .zoomOut: view.window = view.window.zoomedOut(last: last)
        case .pan(let fraction): view.window = view.window.panned(by: fraction, last: last)
        case .showWholeRun:
            view.window = .whole
            view.cursor = nil
        case .dismiss: view.cursor = nil
        case .exportScreen: exportScreen(runs)
        case .cycleHeatmap: view.heatmapMode = (view.heatmapMode + 1) % HeatmapPanel.modes(of: snapshot.model).count
        case .cycleTheme:
            if let error = themes.advance() {
                note(error.description, seconds: 8)
            } else {
                terminal.invalidate()
                let colorless = !themes.current.monochrome && !terminal.context.color
                note("theme \(themes.current.name)" + (colorless ? " (this terminal shows no colour)" : ""))
            }
        case .focusNext: view.focus = view.focus.cycled()
        case .focusPrevious: view.focus = view.focus.cycled(by: -1)
        case .toggleHelp: view.showHelp.toggle()
        case .move(let dx, let dy): move(dx: dx, dy: dy, snapshot: snapshot, last: last)
        }
        return false
    }

    /// Arrows act on the focused panel: the time charts move the cursor (left,
    /// right) and zoom (up, down, on the loss chart) or pick a layer (on the
    /// gradients); the heatmap picks a layer and a unit.
    private func move(dx: Int, dy: Int, snapshot: Snapshot, last: Double) {
        let layers = snapshot.model.layers
        switch view.focus {
        case .loss, .gradients:
            if dx != 0 { moveCursor(by: dx, last: last) }
            if dy != 0 && view.focus == .loss {
                view.window = dy < 0 ? view.window.zoomedIn(last: last, center: view.cursor.map(Double.init)) : view.window.zoomedOut(last: last)
            }
            if dy != 0 && view.focus == .gradients { view.layer = min(max(view.layer + dy, 0), layers - 1) }
        case .heatmap:
            if dx != 0 { view.layer = min(max(view.layer + dx, 0), layers - 1) }
            if dy != 0 {
                let units = snapshot.model.hiddenSize
                view.unit = view.unit.map { min(max($0 + dy, 0), units - 1) } ?? 0
            }
        case .settings:
            break
        }
    }

    /// A write that failed (the log, the CSV, a checkpoint, the weights) stays on the
    /// message line a while, whatever events come after it; in a comparison, with
    /// the run's name.
    private func noteFailedWrites(_ runs: [ShownRun]) {
        guard case .live = source else { return }
        if seenEvents.count != runs.count { seenEvents = Array(repeating: 0, count: runs.count) }
        for (index, run) in runs.enumerated() where run.snapshot.eventCount > seenEvents[index] {
            let snapshot = run.snapshot
            let fresh = snapshot.events.suffix(min(snapshot.eventCount - seenEvents[index], snapshot.events.count))
            seenEvents[index] = snapshot.eventCount
            if let failure = fresh.last(where: { $0.kind == .writeFailed || ([.checkpoint, .weights].contains($0.kind) && !$0.applied) }) {
                note((run.name.isEmpty ? "" : "\(run.name): ") + failure.message, seconds: 8)
            }
        }
    }

    /// The cursor appears at the last step, then moves by a fiftieth of the window,
    /// within it; a window that would leave it behind follows it.
    private func moveCursor(by direction: Int, last: Double) {
        let range = view.window.range(last: last)
        let stride = max(1, ((range.upperBound - range.lowerBound) / 50).rounded())
        guard let cursor = view.cursor else {
            view.cursor = Int(min(last, range.upperBound))
            return
        }
        let moved = min(max(Double(cursor) + Double(direction) * stride, 0), last)
        view.cursor = Int(moved)
        if moved < range.lowerBound || moved > range.upperBound {
            view.window = view.window.panned(by: moved < range.lowerBound ? -0.5 : 0.5, last: last)
        }
    }

    /// The screen as drawn, to an SVG file in the current folder; the message line
    /// names it (or says why it could not be written).
    private func exportScreen(_ runs: [ShownRun]) {
        let size = terminal.size
        let screen = screen(runs)
        let name = ScreenExport.fileName(step: focused(runs).step)
        do {
            try ScreenExport.write(screen.render(width: size.width, height: size.height), theme: themes.current, to: name)
            note("screen saved to \(name)", seconds: 5)
        } catch {
            note("cannot save the screen: \(error)", seconds: 8)
        }
    }

    private func note(_ text: String, seconds: Double = 3) {
        view.message = (text, now + seconds)
    }

    private func changed(_ runs: [ShownRun]) -> Bool {
        let size = terminal.size
        let s = focused(runs)
        let frame = FrameKey(
            step: runs.reduce(0) { $0 + $1.snapshot.step }, events: runs.reduce(0) { $0 + $1.snapshot.eventCount }, state: s.state,
            probe: s.probeStep, second: Int(runs.map(\.snapshot.elapsedSeconds).max() ?? 0), width: size.width, height: size.height)
        defer { lastFrame = frame }
        guard let last = lastFrame else { return true }
        return last != frame || (view.message.map { $0.until < now } ?? false)
    }

    /// The terminal's abilities, less colour for a monochrome theme.
    private var drawingContext: RenderContext {
        var context = terminal.context
        if themes.current.monochrome { context.color = false }
        return context
    }

    private func screen(_ runs: [ShownRun]) -> DashboardScreen {
        DashboardScreen(snapshot: focused(runs), view: view, theme: themes.current, context: drawingContext, now: now, runs: runs)
    }

    private func draw(_ runs: [ShownRun]) {
        let size = terminal.size
        terminal.draw(screen(runs).render(width: size.width, height: size.height))
        if let message = view.message, message.until < now { view.message = nil }
    }
}
