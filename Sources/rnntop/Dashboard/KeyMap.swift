import RNNCore
import TerminalUI
import Training

/// What a key does on the dashboard: a command for the session, or a change of view.
enum Action: Equatable {
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
    case toggleHelp, quit
    /// A key that does nothing now, and why.
    case refused(String)
}

/// The keys, their actions, and how the help overlay and the footer describe them.
enum KeyMap {
    /// A key's action. Keys that change a value relative to the run's send the
    /// change, which the training loop applies to the value it holds then: every
    /// press counts, however fast they come.
    static func action(for key: Key, snapshot: Snapshot) -> Action? {
        switch key {
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .up: return .move(dx: 0, dy: -1)
        case .down: return .move(dx: 0, dy: 1)
        case .left: return .move(dx: -1, dy: 0)
        case .right: return .move(dx: 1, dy: 0)
        case .escape: return .dismiss
        case .character(let c):
            switch c {
            case " ": return .command(.adjust(.pauseOrResume))
            case "n": return .command(.step)
            case "+", "=": return .command(.adjust(.learningRate(times: 2)))
            case "-", "_": return .command(.adjust(.learningRate(times: 0.5)))
            case "]": return .command(.adjust(.clipping(up: true)))
            case "[": return .command(.adjust(.clipping(up: false)))
            case "\\": return .command(.setClipping(threshold: 0, mode: nil))
            case "o": return .command(.adjust(.nextOptimizer))
            case "b": return .command(.adjust(.batchSize(doubled: false)))
            case "B": return .command(.adjust(.batchSize(doubled: true)))
            case "d": return .command(.adjust(.dropout(by: -0.1)))
            case "D": return .command(.adjust(.dropout(by: 0.1)))
            case "m": return .command(.adjust(.nextCell))
            case "r": return .command(.resetWeights(seed: nil))
            case "u": return snapshot.canRollBack ? .command(.rollBack) : .refused("nothing to roll back to yet")
            case "s": return .command(.saveCheckpoint(path: snapshot.settings.checkpointPath ?? "rnntop.ckpt"))
            case "w": return .command(.saveWeights(path: snapshot.settings.weightsPath ?? "rnntop.safetensors"))
            case "h": return .cycleHeatmap
            case "l": return .toggleLogScale
            case "e": return .cycleSmoothing
            case "x": return .cycleXAxis
            case "<": return .pan(-0.25)
            case ">": return .pan(0.25)
            case ",": return .cycleRun(-1)
            case ".": return .cycleRun(1)
            case "1", "2", "3", "4", "5", "6", "7", "8": return .pickRun(Int(String(c))! - 1)
            case "A": return .toggleAllRuns
            case "{": return .zoomIn
            case "}": return .zoomOut
            case "0": return .showWholeRun
            case "p": return .exportScreen
            case "t": return .cycleTheme
            case "?": return .toggleHelp
            case "q", "Q": return .quit
            default: return nil
            }
        default: return nil
        }
    }

    /// How a key moves a replay's cursor through the run.
    enum ReplayMove: Equatable {
        /// By a fraction of the run, forward or back.
        case by(Double)
        case start, end
    }

    /// Left and right move a replay by a hundredth of the run, page up and down by a
    /// tenth, home and end to either end; nil for the keys that do what they do live.
    static func replayMove(for key: Key) -> ReplayMove? {
        switch key {
        case .left: .by(-0.01)
        case .right: .by(0.01)
        case .pageUp: .by(-0.1)
        case .pageDown: .by(0.1)
        case .home: .start
        case .end: .end
        default: nil
        }
    }

    static let replayHelpLines = [
        "left right  the run's time: 1% back, forward",
        "pgup pgdn   10% back, forward   home end  start, end",
        "up down     loss panel: zoom in, out",
        "{ } < > 0   zoom in, out; pan back, forward; the whole run",
        "x       x axis: steps, epochs, time    e  smoothing",
        "h       next heatmap          l       log loss scale",
        "t       next theme            tab     next panel",
        "p       save the screen as SVG",
        "1-8 , . several logs: the one the heatmap shows",
        "? esc   close this help       q       quit",
        "loss: the raw loss's spread as a faint band, the smoothed",
        "      loss a bold line, validation ◆, the baseline dashed",
        "x axis: m model  r reset  u rollback  R resume  l lr",
        "        o optimizer  b batch  c clip  d dropout  t truncation",
        "sat: the share of a gate's units near 0 or 1 (saturated)",
    ]

    static let replayFooter: [(String, String)] = [
        ("←→", "time"), ("pgup pgdn", "10%"), ("home end", "start end"), ("h", "heat"), ("l", "log"), ("t", "theme"),
        ("tab", "panel"), ("?", "help"), ("q", "quit"),
    ]

    static let helpLines = [
        "space   pause, resume; a finished run: as long again",
        "n       one step (paused)     + -     learning rate x2 /2",
        "] [ \\   clip up, down, off    o       next optimizer",
        "b B     batch /2 x2           d D     dropout -0.1 +0.1",
        "m       next cell             r       reset the weights",
        "u       roll back a divergence   s    save a checkpoint",
        "w       save the weights (safetensors, PyTorch's names)",
        "1-8 , . a comparison's run that keys act on   A  every run",
        "left right  loss, gradients: the cursor; heatmap: layer",
        "up down     loss: zoom; gradients: layer; heatmap: unit",
        "{ } < > 0   zoom in, out; pan back, forward; the whole run",
        "x  x axis: steps, epochs, time   e  smoothing   l  log loss",
        "h  next heatmap        t  next theme        tab  next panel",
        "p       save the screen as SVG   ? esc  close   q  quit",
        "loss: the raw loss's spread as a faint band, the smoothed",
        "      loss a bold line, validation ◆, the baseline dashed",
        "x axis: m model  r reset  u rollback  R resume  l lr",
        "        o optimizer  b batch  c clip  d dropout  t truncation",
        "sat: the share of a gate's units near 0 or 1 (saturated)",
    ]

    /// The footer's keys, most wanted first: a narrow footer keeps the first ones
    /// (and the last two, help and quit, always).
    static let footer: [(String, String)] = [
        ("space", "pause"), ("+-", "lr"), ("m", "cell"), ("][", "clip"), ("h", "heat"), ("o", "opt"), ("n", "step"),
        ("bB", "batch"), ("dD", "drop"), ("{}<>", "zoom"), ("l", "log"), ("u", "undo"), ("r", "reset"), ("s", "save"),
        ("w", "weights"), ("e", "smooth"), ("x", "axis"), ("t", "theme"), ("tab", "panel"), ("?", "help"), ("q", "quit"),
    ]
}
