import Foundation
import RNNCore
import TerminalUI
import Training

/// The full-screen monitor: draws the session's snapshots at most 30 times a second,
/// and only when something changed, and turns keys into commands and view changes.
/// Or, for `rnntop replay`, draws a run log at a cursor that the arrows move.
/// Runs on the main thread, the only one that calls curses.
final class Dashboard {
    /// Where the pictures come from.
    enum Source {
        case live(Session)
        case replay(ReplayFeed)
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
    /// Events already looked at for failed writes.
    private var seenEvents = 0

    init(source: Source, terminal: Terminal, themes: ThemeCycle, hint: String? = nil) {
        self.source = source
        self.terminal = terminal
        self.themes = themes
        started = clock.now
        view.hint = hint
        switch source {
        case .live(let session):
            if let warning = session.warnings.first { note(warning, seconds: 8) }
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
        if case .live(let session) = source {
            session.start()
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
                if case .live(let session) = source { session.send(.quit) }
                return
            }
            guard now - lastFrame >= (frameWanted ? Self.keyFrameInterval : Self.progressFrameInterval) else { continue }
            if case .replay(let feed) = source, followedLogGrew(feed) { frameWanted = true }
            guard let snapshot = currentSnapshot else { continue }
            noteFailedWrites(snapshot)
            if changed(snapshot) || frameWanted {
                draw(snapshot)
                frameWanted = false
            }
            // Also when nothing changed: the next look is an interval away.
            lastFrame = now
        }
    }

    /// The picture to draw: the session's latest, or the log's at the cursor (nil
    /// while a followed log has no run record yet).
    private var currentSnapshot: Snapshot? {
        switch source {
        case .live(let session): session.snapshot
        case .replay(let feed): feed.snapshot
        }
    }

    /// Reads what a followed log gained; true when there is more to show.
    private func followedLogGrew(_ feed: ReplayFeed) -> Bool {
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
        if case .replay(let feed) = source, let move = KeyMap.replayMove(for: key) {
            switch move {
            case .by(let fraction): feed.move(by: fraction)
            case .start: feed.moveToStart()
            case .end: feed.moveToEnd()
            }
            view.replay = feed.position
            return false
        }
        guard let snapshot = currentSnapshot, let action = KeyMap.action(for: key, snapshot: snapshot) else {
            return key == .character("q") || key == .character("Q")
        }
        let last = Double(TimeChart.lastStep(snapshot, view))
        switch action {
        case .quit: return true
        case .command(let command):
            switch source {
            case .live(let session): session.send(command)
            case .replay: note("a recorded run takes no commands: \(command.name) is for a live run")
            }
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
        case .exportScreen: exportScreen(snapshot)
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
    /// message line a while, whatever events come after it.
    private func noteFailedWrites(_ snapshot: Snapshot) {
        guard case .live = source, snapshot.eventCount > seenEvents else { return }
        let fresh = snapshot.events.suffix(min(snapshot.eventCount - seenEvents, snapshot.events.count))
        seenEvents = snapshot.eventCount
        if let failure = fresh.last(where: { $0.kind == .writeFailed || ([.checkpoint, .weights].contains($0.kind) && !$0.applied) }) {
            note(failure.message, seconds: 8)
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
    private func exportScreen(_ snapshot: Snapshot) {
        let size = terminal.size
        let screen = DashboardScreen(snapshot: snapshot, view: view, theme: themes.current, context: drawingContext, now: now)
        let name = ScreenExport.fileName(step: snapshot.step)
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

    private func changed(_ s: Snapshot) -> Bool {
        let size = terminal.size
        let frame = FrameKey(
            step: s.step, events: s.eventCount, state: s.state, probe: s.probeStep, second: Int(s.elapsedSeconds),
            width: size.width, height: size.height)
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

    private func draw(_ snapshot: Snapshot) {
        let size = terminal.size
        let screen = DashboardScreen(snapshot: snapshot, view: view, theme: themes.current, context: drawingContext, now: now)
        terminal.draw(screen.render(width: size.width, height: size.height))
        if let message = view.message, message.until < now { view.message = nil }
    }
}
