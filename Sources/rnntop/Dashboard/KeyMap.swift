import RNNCore
import TerminalUI
import Training

/// What a key does on the dashboard: a command for the session, or a change of view.
enum Action: Equatable, Sendable {
    case command(Command)
    case toggleLogScale, cycleSmoothing, cycleHeatmap, cycleTheme, focusNext, focusPrevious, cycleXAxis
    case move(dx: Int, dy: Int)
    /// The time charts' window: half or twice as many steps, a quarter of it back
    /// or forward, or the whole run again (and no cursor).
    case zoomIn, zoomOut, pan(Double), showWholeRun
    /// Esc: closes the help, or takes the cursor away.
    case dismiss
    /// Writes the screen as an SVG file.
    case exportScreen
    /// A comparison: the run that the heatmap and settings show and keys act on (by
    /// number from 0, or the next or previous), and whether keys act on every run.
    case pickRun(Int), cycleRun(Int), toggleAllRuns
    /// A replay's cursor through the run.
    case replay(ReplayMove)
    /// A lesson: the chapter this many after (or before) the one shown; its text
    /// hidden or shown.
    case chapter(Int), toggleLesson
    case toggleHelp, quit
    /// A key that does nothing now, and why.
    case refused(String)
}

/// How a key moves a replay's cursor through the run.
enum ReplayMove: Equatable, Sendable {
    /// By a fraction of the run, forward or back.
    case by(Double)
    case start, end
}

/// The keys' actions, and the help overlay and the footer, all from `KeyBinding.all`.
enum KeyMap {
    /// A key's action in a live run, or in a replay (where a key for live runs is
    /// still found, so that the dashboard can say it is for live runs). Keys that
    /// change a value relative to the run's send the change, which the training loop
    /// applies to the value it holds then: every press counts, however fast they come.
    static func action(for key: Key, snapshot: Snapshot, replay: Bool = false, lesson: Bool = false) -> Action? {
        let order: [KeyBinding.Modes] = replay ? [.replay, .live] : lesson ? [.lesson, .live] : [.live]
        for modes in order {
            for binding in KeyBinding.all where binding.modes.contains(modes) {
                if let found = binding.keys.first(where: { $0.key == key }) { return found.action(snapshot) }
            }
        }
        return nil
    }

    /// The help overlay's lines: every key of the mode ("key  what it does"), as
    /// many to a line as fit, then what the charts' marks mean.
    static func helpLines(replay: Bool, lesson: Bool = false) -> [String] {
        var lines: [String] = []
        for binding in KeyBinding.all where shown(binding, replay: replay, lesson: lesson) {
            let entry = "\(binding.label)  \(binding.help)"
            if let last = lines.last, last.count + 3 + entry.count <= lineWidth {
                lines[lines.count - 1] = last + "   " + entry
            } else {
                lines.append(entry)
            }
        }
        return lines + legend
    }

    /// The longest line of keys in the help: it fits an 80-column screen's overlay.
    private static let lineWidth = 66

    /// What the charts' marks mean, under the keys in the help.
    static let legend = [
        "loss: the raw loss's spread as a faint band, the smoothed",
        "      loss a bold line, validation ◆, the baseline dashed",
        "x axis: m model  r reset  u rollback  R resume  l lr",
        "        o optimizer  b batch  c clip  d dropout  t truncation",
        "sat: the share of a gate's units near 0 or 1 (saturated)",
    ]

    /// The footer's keys for the mode, most wanted first: a narrow footer keeps the
    /// first ones (and the last two, help and quit, always). A comparison's keys only
    /// when several runs are on screen, the run keys as many as there are ("1-3,.").
    static func footer(replay: Bool, runs: Int, lesson: Bool = false) -> [(String, String)] {
        KeyBinding.all.enumerated()
            .filter { $0.element.footer != nil && shown($0.element, replay: replay, lesson: lesson) }
            .filter { runs > 1 || !$0.element.comparisonOnly }
            .sorted { ($0.element.footerRank, $0.offset) < ($1.element.footerRank, $1.offset) }
            .compactMap { $0.element.footer.map { ($0.keys.replacingOccurrences(of: "1-8", with: "1-\(min(runs, 8))"), $0.action) } }
    }

    /// Whether a binding works in the mode: a replay's keys, a live run's, and in a
    /// lesson a live run's and the lesson's.
    private static func shown(_ binding: KeyBinding, replay: Bool, lesson: Bool) -> Bool {
        binding.modes.contains(replay ? .replay : .live) || (lesson && !replay && binding.modes.contains(.lesson))
    }
}
