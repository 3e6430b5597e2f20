import TerminalUI
import Training

/// The dashboard's keys, declared once: each line of this table gives the keys, what
/// each does, how the help and the footer name them, and where they work (a live run,
/// a replay, a comparison). `KeyMap` looks keys up here and lays out the help and the
/// footer from it, so a key cannot do something its help does not say.
struct KeyBinding: Sendable {
    /// Where a key works.
    struct Modes: OptionSet, Sendable {
        let rawValue: Int
        /// A run training in this process.
        static let live = Modes(rawValue: 1)
        /// `rnntop replay`: a recorded run.
        static let replay = Modes(rawValue: 2)
        static let both: Modes = [.live, .replay]
        /// `rnntop lesson`: a live run that is a chapter (every live key works too).
        static let lesson = Modes(rawValue: 4)
    }

    /// The keys and what each does, given the focused run's snapshot.
    let keys: [(key: Key, action: Effect)]
    /// How the help names the keys ("+ -") and what it says they do.
    let label: String
    let help: String
    /// The footer's words for them, most wanted first (`footerRank`); nil for keys the
    /// footer leaves to the help.
    let footer: (keys: String, action: String)?
    let footerRank: Int
    let modes: Modes
    /// Shown in the footer only when several runs are on screen.
    let comparisonOnly: Bool

    /// What a key does, given the focused run's snapshot.
    typealias Effect = @Sendable (Snapshot) -> Action

    init(
        _ keys: [(Key, Effect)], _ label: String, _ help: String, footer: (String, String)? = nil,
        rank: Int = .max, _ modes: Modes = .live, comparisonOnly: Bool = false
    ) {
        self.keys = keys.map { (key: $0.0, action: $0.1) }
        self.label = label
        self.help = help
        self.footer = footer.map { (keys: $0.0, action: $0.1) }
        self.footerRank = rank
        self.modes = modes
        self.comparisonOnly = comparisonOnly
    }

    /// One key that always does the same.
    init(_ key: Character, _ action: Action, _ help: String, footer: (String, String)? = nil, rank: Int = .max, _ modes: Modes = .live) {
        self.init([Self.key(key, action)], String(key), help, footer: footer, rank: rank, modes)
    }

    /// A key that always does `action`.
    static func key(_ key: Key, _ action: Action) -> (Key, Effect) { (key, { _ in action }) }
    static func key(_ character: Character, _ action: Action) -> (Key, Effect) { key(.character(character), action) }
    /// A key whose action depends on the run it acts on.
    static func key(_ character: Character, _ effect: @escaping Effect) -> (Key, Effect) { (.character(character), effect) }
}

extension KeyBinding {
    /// Every key of the dashboard, in the order the help lists them (a replay's own
    /// first: they are what a replay is for).
    static let all: [KeyBinding] = [
        KeyBinding(
            [key(.left, .replay(.by(-0.01))), key(.right, .replay(.by(0.01)))], "left right", "the run's time: 1% back, forward",
            footer: ("←→", "time"), rank: 0, .replay),
        KeyBinding(
            [key(.pageUp, .replay(.by(-0.1))), key(.pageDown, .replay(.by(0.1)))], "pgup pgdn", "10% back, forward",
            footer: ("pgup pgdn", "10%"), rank: 1, .replay),
        KeyBinding(
            [key(.home, .replay(.start)), key(.end, .replay(.end))], "home end", "start, end", footer: ("home end", "start end"),
            rank: 2, .replay),
        KeyBinding([key(" ", .command(.adjust(.pauseOrResume)))], "space", "pause, resume; a finished run: as long again",
            footer: ("space", "pause"), rank: 0),
        KeyBinding("n", .command(.step), "one step (paused)", footer: ("n", "step"), rank: 8),
        KeyBinding(
            [key("+", .command(.adjust(.learningRate(times: 2)))), key("=", .command(.adjust(.learningRate(times: 2)))),
             key("-", .command(.adjust(.learningRate(times: 0.5)))), key("_", .command(.adjust(.learningRate(times: 0.5))))],
            "+ -", "learning rate x2 /2", footer: ("+-", "lr"), rank: 3),
        KeyBinding(
            [key("]", .command(.adjust(.clipping(up: true)))), key("[", .command(.adjust(.clipping(up: false)))),
             key("\\", .command(.setClipping(threshold: 0, mode: nil)))],
            "] [ \\", "clip up, down, off", footer: ("][", "clip"), rank: 5),
        KeyBinding("o", .command(.adjust(.nextOptimizer)), "next optimizer", footer: ("o", "opt"), rank: 7),
        KeyBinding(
            [key("b", .command(.adjust(.batchSize(doubled: false)))), key("B", .command(.adjust(.batchSize(doubled: true))))],
            "b B", "batch /2 x2", footer: ("bB", "batch"), rank: 9),
        KeyBinding(
            [key("d", .command(.adjust(.dropout(by: -0.1)))), key("D", .command(.adjust(.dropout(by: 0.1))))],
            "d D", "dropout -0.1 +0.1", footer: ("dD", "drop"), rank: 10),
        KeyBinding("m", .command(.adjust(.nextCell)), "next cell", footer: ("m", "cell"), rank: 4),
        KeyBinding("r", .command(.resetWeights(seed: nil)), "reset the weights", footer: ("r", "reset"), rank: 14),
        KeyBinding(
            [key("u") { $0.canRollBack ? .command(.rollBack) : .refused("nothing to roll back to yet") }], "u", "roll back a divergence",
            footer: ("u", "undo"), rank: 13),
        KeyBinding(
            [key("s") { .command(.saveCheckpoint(path: $0.settings.checkpointPath ?? "rnntop.ckpt")) }], "s", "save a checkpoint",
            footer: ("s", "save"), rank: 15),
        KeyBinding(
            [key("w") { .command(.saveWeights(path: $0.settings.weightsPath ?? "rnntop.safetensors")) }], "w",
            "save the weights (safetensors, PyTorch's names)", footer: ("w", "weights"), rank: 16),
        KeyBinding(
            (1...8).map { n in key(Character("\(n)"), .pickRun(n - 1)) }
                + [key(",", .cycleRun(-1)), key(".", .cycleRun(1))],
            "1-8 , .", "a comparison's run", footer: ("1-8,.", "run"), rank: 1, .both, comparisonOnly: true),
        KeyBinding([key("A", .toggleAllRuns)], "A", "keys act on every run", footer: ("A", "all"), rank: 2, comparisonOnly: true),
        KeyBinding(
            [key(.left, .move(dx: -1, dy: 0)), key(.right, .move(dx: 1, dy: 0))], "left right",
            "the cursor; heatmap: layer"),
        KeyBinding(
            [key(.up, .move(dx: 0, dy: -1)), key(.down, .move(dx: 0, dy: 1))], "up down",
            "zoom; gradients: layer; heatmap: unit", .both),
        KeyBinding(
            [key("{", .zoomIn), key("}", .zoomOut), key("<", .pan(-0.25)),
             key(">", .pan(0.25)), key("0", .showWholeRun)],
            "{ } < > 0", "zoom in, out; pan back, forward; the whole run", footer: ("{}<>", "zoom"), rank: 11, .both),
        KeyBinding(
            [key("N", .chapter(1)), key("P", .chapter(-1))], "N P", "the next, previous chapter", footer: ("NP", "chapter"), rank: -2,
            .lesson),
        KeyBinding("L", .toggleLesson, "the chapter's text: hide, show", footer: ("L", "text"), rank: -1, .lesson),
        KeyBinding("x", .cycleXAxis, "x axis: steps, epochs, time", footer: ("x", "axis"), rank: 18, .both),
        KeyBinding("e", .cycleSmoothing, "smoothing", footer: ("e", "smooth"), rank: 17, .both),
        KeyBinding("l", .toggleLogScale, "log loss scale", footer: ("l", "log"), rank: 12, .both),
        KeyBinding("h", .cycleHeatmap, "next heatmap", footer: ("h", "heat"), rank: 6, .both),
        KeyBinding("t", .cycleTheme, "next theme", footer: ("t", "theme"), rank: 19, .both),
        KeyBinding([key(.tab, .focusNext), key(.backTab, .focusPrevious)], "tab", "next panel", footer: ("tab", "panel"), rank: 20, .both),
        KeyBinding("p", .exportScreen, "save the screen as SVG", .both),
        KeyBinding(
            [key("?", .toggleHelp), key(.escape, .dismiss)], "? esc", "help; esc: close it, hide the cursor",
            footer: ("?", "help"), rank: 1000, .both),
        KeyBinding(
            [key("q", .quit), key("Q", .quit)], "q", "quit", footer: ("q", "quit"), rank: 1001, .both),
    ]
}
