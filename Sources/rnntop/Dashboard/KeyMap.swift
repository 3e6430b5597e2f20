import RNNCore
import TerminalUI
import Training

/// What a key does on the dashboard: a command for the session, or a change of view.
enum Action: Equatable {
    case command(Command)
    case toggleLogScale, toggleSmoothing, cycleHeatmap, cycleTheme, focusNext, focusPrevious
    case move(dx: Int, dy: Int)
    case toggleHelp, quit
    /// A key that does nothing now, and why.
    case refused(String)
}

/// The keys, their actions, and how the help overlay and the footer describe them.
enum KeyMap {
    static func action(for key: Key, snapshot: Snapshot) -> Action? {
        let training = snapshot.settings.training
        switch key {
        case .tab: return .focusNext
        case .backTab: return .focusPrevious
        case .up: return .move(dx: 0, dy: -1)
        case .down: return .move(dx: 0, dy: 1)
        case .left: return .move(dx: -1, dy: 0)
        case .right: return .move(dx: 1, dy: 0)
        case .character(let c):
            switch c {
            case " ": return .command(snapshot.state == .running ? .pause : .resume)
            case "n": return .command(.step)
            case "+", "=": return .command(.setLearningRate(training.optimizer.learningRate * 2))
            case "-", "_": return .command(.setLearningRate(training.optimizer.learningRate / 2))
            case "]":
                let threshold = training.clipping.isOff ? 1 : training.clipping.threshold * 2
                return .command(.setClipping(threshold: threshold, mode: nil))
            case "[":
                guard !training.clipping.isOff else { return .refused("clipping is off") }
                let halved = training.clipping.threshold / 2
                return .command(.setClipping(threshold: halved < 1e-4 ? 0 : halved, mode: nil))
            case "o":
                return .command(.switchOptimizer(training.optimizer.kind.cycled()))
            case "b": return training.batchSize > 1 ? .command(.setBatchSize(max(1, training.batchSize / 2))) : .refused("the batch is 1")
            case "B": return .command(.setBatchSize(training.batchSize * 2))
            case "d": return .command(.setDropout(max(0, (snapshot.model.outputDropout * 10).rounded() / 10 - 0.1)))
            case "D": return .command(.setDropout(min(0.9, (snapshot.model.outputDropout * 10).rounded() / 10 + 0.1)))
            case "m":
                return .command(.changeModel(cell: snapshot.model.cell.cycled(), hiddenSize: nil))
            case "r": return .command(.resetWeights(seed: nil))
            case "u": return snapshot.canRollBack ? .command(.rollBack) : .refused("nothing to roll back to yet")
            case "s": return .command(.saveCheckpoint(path: snapshot.settings.checkpointPath ?? "rnntop.ckpt"))
            case "w": return .command(.saveWeights(path: snapshot.settings.weightsPath ?? "rnntop.safetensors"))
            case "h": return .cycleHeatmap
            case "l": return .toggleLogScale
            case "e": return .toggleSmoothing
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
        "h       next heatmap: h c gates dL/dh",
        "l       log scale of loss     e       smoothing on / off",
        "t       next theme            tab     next panel",
        "up down loss: zoom; gradients: layer; heatmap: unit",
        "?       this help             q       quit",
    ]

    static let replayFooter: [(String, String)] = [
        ("←→", "time"), ("pgup pgdn", "10%"), ("home end", "start end"), ("h", "heat"), ("l", "log"), ("t", "theme"),
        ("tab", "panel"), ("?", "help"), ("q", "quit"),
    ]

    static let helpLines = [
        "space   pause / resume        n       one step (paused)",
        "+ -     learning rate x2 /2   ] [     clip threshold x2 /2",
        "o       next optimizer        b B     batch size /2 x2",
        "d D     dropout -0.1 +0.1     m       next cell: rnn lstm gru",
        "r       reset the weights     u       roll back a divergence",
        "s       save a checkpoint     w       save the weights (safetensors)",
        "h       next heatmap: h c gates dL/dh",
        "l       log scale of loss     e       smoothing on / off",
        "t       next theme            tab     next panel",
        "arrows  loss: zoom; gradients: layer; heatmap: unit, layer",
        "?       this help             q       quit",
    ]

    /// The footer's keys, most wanted first: a narrow footer keeps the first ones
    /// (and the last two, help and quit, always).
    static let footer: [(String, String)] = [
        ("space", "pause"), ("+-", "lr"), ("m", "cell"), ("][", "clip"), ("h", "heat"), ("o", "opt"), ("n", "step"),
        ("bB", "batch"), ("dD", "drop"), ("l", "log"), ("u", "undo"), ("r", "reset"), ("s", "save"), ("w", "weights"), ("e", "smooth"),
        ("t", "theme"), ("tab", "panel"), ("?", "help"), ("q", "quit"),
    ]
}
