import RNNCore
import TerminalUI
import Training

/// The dashboard apart from its terminal: what the user chose to see, and what a key
/// changes of it. `update` is pure (a key and the runs on screen in, the new view and
/// what the world outside the view must do out), as in an update/view split: every
/// rule of the keys is tested without a terminal, and `Dashboard` keeps the frame loop.
struct DashboardModel {
    /// What a key asks of the world outside the view; `Dashboard` carries it out.
    enum Effect: Equatable {
        case quit
        /// Commands to live runs, each to the run of its index (in a comparison with
        /// `A` on, each run's own command for the key: `+` doubles each run's rate).
        case send([RunCommand])
        /// The replay's cursor moves; the feed's new position goes into `view.replay`.
        case moveReplay(ReplayMove)
        /// The screen as drawn, to an SVG file.
        case exportScreen
        /// The next theme (its name, or why it could not be read, to the message line).
        case cycleTheme
        /// A lesson's chapter this many after (or before) the one shown.
        case goToChapter(Int)
    }

    /// A command for one run of those on screen.
    struct RunCommand: Equatable {
        let run: Int
        let command: Command
    }

    var view = ViewState()
    /// Whether the runs train here (they take commands) or are read from logs.
    let live: Bool

    init(live: Bool) {
        self.live = live
    }

    /// Puts `text` on the message line for `seconds` from `now`.
    mutating func note(_ text: String, seconds: Double = 3, now: Double) {
        view.message = (text, now + seconds)
    }

    /// Applies `key` to the view of `runs` (nil while a followed log has no run yet);
    /// returns what else it asks for. While the help is up, a key only closes it (q
    /// too: it does not quit behind the help).
    mutating func update(_ key: Key, runs: [ShownRun]?, now: Double) -> Effect? {
        view.hint = nil
        if view.showHelp {
            if [.escape, .character("?"), .character("q"), .character("Q")].contains(key) { view.showHelp = false }
            return nil
        }
        guard let runs, !runs.isEmpty else { return key == .character("q") || key == .character("Q") ? .quit : nil }
        let snapshot = runs[min(view.focusedRun, runs.count - 1)].snapshot
        guard let action = KeyMap.action(for: key, snapshot: snapshot, replay: !live, lesson: view.lessonPanel != nil) else { return nil }
        let last = Double(TimeChart.lastStep(snapshot, runs, view))
        switch action {
        case .quit: return .quit
        case .replay(let move): return live ? nil : .moveReplay(move)
        case .chapter(let delta): return .goToChapter(delta)
        case .toggleLesson: view.lessonPanel?.toggle()
        case .command(let command): return send(command, key: key, runs: runs, now: now)
        case .pickRun(let index): pick(run: index, of: runs, now: now)
        case .cycleRun(let delta): pick(run: (view.focusedRun + delta + runs.count) % runs.count, of: runs, now: now)
        case .toggleAllRuns: toggleAllRuns(runs, now: now)
        case .refused(let why): note(why, now: now)
        case .toggleLogScale: view.logLoss.toggle()
        case .cycleSmoothing:
            let weights = ViewState.smoothingWeights
            view.smoothing = weights[((weights.firstIndex(of: view.smoothing) ?? 0) + 1) % weights.count]
            note(view.smoothing > 0 ? "smoothing: moving average, weight \(view.smoothing)" : "smoothing off: the line is each column's mean", now: now)
        case .cycleXAxis:
            view.xAxis = view.xAxis.cycled()
            note("x axis: \(view.xAxis.rawValue)", now: now)
        case .zoomIn: view.window = view.window.zoomedIn(last: last, center: zoomCenter)
        case .zoomOut: view.window = view.window.zoomedOut(last: last)
        case .pan(let fraction): view.window = view.window.panned(by: fraction, last: last)
        case .showWholeRun:
            view.window = .whole
            view.cursor = nil
        case .dismiss: view.cursor = nil
        case .exportScreen: return .exportScreen
        case .cycleHeatmap: view.heatmapMode = (view.heatmapMode + 1) % HeatmapPanel.modes(of: snapshot.model).count
        case .cycleTheme: return .cycleTheme
        case .focusNext: view.focus = view.focus.cycled()
        case .focusPrevious: view.focus = view.focus.cycled(by: -1)
        case .toggleHelp: view.showHelp.toggle()
        case .move(let dx, let dy): move(dx: dx, dy: dy, model: snapshot.model, last: last)
        }
        return nil
    }

    /// A key's command to the focused run, or with `A` on, each run's own command for
    /// that key; a recorded run takes none, and says so.
    private mutating func send(_ command: Command, key: Key, runs: [ShownRun], now: Double) -> Effect? {
        guard live else {
            note("a recorded run takes no commands: \(command.name) is for a live run", now: now)
            return nil
        }
        guard view.actOnAll && runs.count > 1 else {
            return .send([RunCommand(run: min(view.focusedRun, runs.count - 1), command: command)])
        }
        return .send(runs.indices.compactMap { index in
            guard case .command(let own) = KeyMap.action(for: key, snapshot: runs[index].snapshot) else { return nil }
            return RunCommand(run: index, command: own)
        })
    }

    private mutating func pick(run index: Int, of runs: [ShownRun], now: Double) {
        guard runs.count > 1 else {
            note("one run: 1-8 , . pick a run of a comparison (rnntop --cell rnn,lstm,gru)", now: now)
            return
        }
        guard index < runs.count else {
            note("there are \(runs.count) runs", now: now)
            return
        }
        note(view.focus(run: index, of: runs), now: now)
    }

    private mutating func toggleAllRuns(_ runs: [ShownRun], now: Double) {
        guard live, runs.count > 1 else {
            note(runs.count > 1 ? "recorded runs take no commands" : "one run: A is for a comparison's runs", now: now)
            return
        }
        view.actOnAll.toggle()
        note(view.actOnAll ? "keys act on every run (A: the focused run only)" : "keys act on \(runs[view.focusedRun].name) only", now: now)
    }

    /// Arrows act on the focused panel: the time charts move the cursor (left,
    /// right) and zoom (up, down, on the loss chart) or pick a layer (on the
    /// gradients); the heatmap picks a layer and a unit.
    /// Where zooming in centres: the cursor, else a replay's step (the data shown ends
    /// there, not at the log's last step), else the live end (nil).
    private var zoomCenter: Double? {
        view.cursor.map(Double.init) ?? view.replay.map { Double($0.step) }
    }

    private mutating func move(dx: Int, dy: Int, model: ModelConfig, last: Double) {
        switch view.focus {
        case .loss, .gradients:
            if dx != 0 { moveCursor(by: dx, last: last) }
            if dy != 0 && view.focus == .loss {
                view.window = dy < 0 ? view.window.zoomedIn(last: last, center: zoomCenter) : view.window.zoomedOut(last: last)
            }
            if dy != 0 && view.focus == .gradients { view.layer = min(max(view.layer + dy, 0), model.layers - 1) }
        case .heatmap:
            if dx != 0 { view.layer = min(max(view.layer + dx, 0), model.layers - 1) }
            if dy != 0 { view.unit = view.unit.map { min(max($0 + dy, 0), model.hiddenSize - 1) } ?? 0 }
        case .settings:
            break
        }
    }

    /// The cursor appears at the last step, then moves by a fiftieth of the window,
    /// within it; a window that would leave it behind follows it.
    private mutating func moveCursor(by direction: Int, last: Double) {
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
}
