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

        var isLive: Bool {
            if case .live = self { true } else { false }
        }
    }

    private let source: Source
    private let terminal: Terminal
    /// The view and the keys' rules.
    private var model: DashboardModel
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

    /// A lesson's chapter, whose panel is drawn under the charts.
    private let lesson: LessonShown?
    /// The chapter (from 1) the learner asked for with N or P, which ended the dashboard.
    private(set) var requestedChapter: Int?

    init(source: Source, terminal: Terminal, themes: ThemeCycle, hint: String? = nil, lesson: LessonShown? = nil) {
        self.source = source
        self.lesson = lesson
        self.terminal = terminal
        self.themes = themes
        started = clock.now
        model = DashboardModel(live: source.isLive)
        model.view.hint = hint
        if lesson != nil { model.view.lessonPanel = true }
        switch source {
        case .live(let runs):
            if let warning = runs.first?.session.warnings.first { note(warning, seconds: 8) }
        case .replay(let feed):
            model.view.replay = feed.position
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
            lesson?.observe()
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
        runs[min(model.view.focusedRun, runs.count - 1)].snapshot
    }

    /// Reads what a followed log gained; true when there is more to show.
    private func followedLogGrew(_ feed: ReplaySet) -> Bool {
        do {
            guard try feed.poll() else { return false }
        } catch {
            note("\(error)", seconds: 8)
            return true
        }
        model.view.replay = feed.position
        return true
    }

    /// Applies a key through the model and carries out what it asks; returns true
    /// for quit.
    private func handle(_ key: Key) -> Bool {
        let runs = currentRuns
        guard let effect = model.update(key, runs: runs, now: now) else { return false }
        switch effect {
        case .quit: return true
        case .moveReplay(let move):
            guard case .replay(let feed) = source else { return false }
            switch move {
            case .by(let fraction): feed.move(by: fraction)
            case .start: feed.moveToStart()
            case .end: feed.moveToEnd()
            }
            model.view.replay = feed.position
        case .send(let commands):
            guard case .live(let live) = source else { return false }
            for order in commands { live[order.run].send(order.command) }
        case .exportScreen:
            if let runs { exportScreen(runs) }
        case .goToChapter(let delta):
            guard let lesson else { return false }
            let chapter = lesson.number + delta
            guard chapter >= 1 && chapter <= lesson.count else {
                note(delta > 0 ? "this is the last chapter" : "this is the first chapter")
                return false
            }
            requestedChapter = chapter
            return true
        case .cycleTheme:
            if let error = themes.advance() {
                note(error.description, seconds: 8)
            } else {
                terminal.invalidate()
                let colorless = !themes.current.monochrome && !terminal.context.color
                note("theme \(themes.current.name)" + (colorless ? " (this terminal shows no colour)" : ""))
            }
        }
        return false
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
        model.note(text, seconds: seconds, now: now)
    }

    private func changed(_ runs: [ShownRun]) -> Bool {
        let size = terminal.size
        let s = focused(runs)
        let frame = FrameKey(
            step: runs.reduce(0) { $0 + $1.snapshot.step }, events: runs.reduce(0) { $0 + $1.snapshot.eventCount }, state: s.state,
            probe: s.probeStep, second: Int(runs.map(\.snapshot.elapsedSeconds).max() ?? 0), width: size.width, height: size.height)
        defer { lastFrame = frame }
        guard let last = lastFrame else { return true }
        return last != frame || (model.view.message.map { $0.until < now } ?? false)
    }

    /// The terminal's abilities, less colour for a monochrome theme.
    private var drawingContext: RenderContext {
        var context = terminal.context
        if themes.current.monochrome { context.color = false }
        return context
    }

    private func screen(_ runs: [ShownRun]) -> DashboardScreen {
        var screen = DashboardScreen(
            snapshot: focused(runs), view: model.view, theme: themes.current, context: drawingContext, now: now, runs: runs)
        if let lesson {
            screen.lesson = LessonPanel(
                lesson: lesson.lesson, number: lesson.number, count: lesson.count, statuses: lesson.judge.statuses, runs: runs.map(\.name),
                theme: themes.current)
        }
        return screen
    }

    private func draw(_ runs: [ShownRun]) {
        let size = terminal.size
        terminal.draw(screen(runs).render(width: size.width, height: size.height))
        if let message = model.view.message, message.until < now { model.view.message = nil }
    }
}
