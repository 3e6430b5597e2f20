import Foundation
import RNNCore
import RNNData
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// The dashboard's screen drawn into the test backend from real snapshots: every
/// panel is there at 80x24 and larger, the numbers shown are the session's, and the
/// keys map to the commands their help promises.
@Suite struct DashboardScreenTests {
    /// The snapshot a short run ends with.
    static func snapshot(_ kind: TaskKind = .adding, cell: CellKind = .rnn, steps: Int = 40) throws -> Snapshot {
        var generator = RandomGenerator(seed: 1)
        var task = TaskOptions(kind: kind)
        if kind == .text { task = TaskOptions(kind: .text, dataPath: Fixtures.data("hamlet.txt"), sequenceLength: 20) }
        var training = try makeTask(task, generator: &generator).defaults
        training.cell = cell
        training.length = .steps(steps)
        var options = SessionOptions(stopWhenDone: true)
        options.probeInterval = 0
        options.sampleInterval = 0
        let session = try Session(settings: RunSettings(task: task, training: training, seed: 1), options: options)
        session.start()
        return session.wait().snapshot
    }

    static func render(_ snapshot: Snapshot, width: Int = 80, height: Int = 24, view: ViewState = ViewState(), theme: Theme = DashboardThemes.standard)
        -> [String]
    {
        DashboardScreen(snapshot: snapshot, view: view, theme: theme, context: .full, now: 0)
            .render(width: width, height: height).lines
    }

    @Test(arguments: [(80, 24), (120, 40), (160, 48)])
    func everyPanelIsOnScreen(_ width: Int, _ height: Int) throws {
        let snapshot = try Self.snapshot()
        let lines = Self.render(snapshot, width: width, height: height)
        let screen = lines.joined(separator: "\n")
        #expect(lines.count == height && lines.allSatisfy { $0.unicodeScalars.count == width })
        #expect(lines[0].contains("RNN(64, tanh)") && lines[0].contains("step 40 of 40") && lines[0].hasSuffix("● done: space for more"))
        #expect(lines[0].contains("adding"))
        // At 80x24 the legend is in the loss panel's title, in its short words.
        let baseline = width == 80 ? "base \(Format.short(snapshot.baseline.loss))" : "baseline \(Format.value(snapshot.baseline.loss))"
        #expect(screen.contains("┌ loss ") && screen.contains(baseline), "\(screen)")
        #expect(screen.contains("┌ ∂L/∂h_t by step"))
        #expect(screen.contains("┌ h  64×50") || screen.contains("┌ h  64 units × 50 steps"))
        #expect(screen.contains("┌ settings") && screen.contains(width >= 120 ? "lr        0.01" : "lr    0.01"))
        #expect(lines[height - 1].contains("? help  q quit"))
        if width >= 120 { #expect(lines[0].contains("clip norm 1")) }
        if width >= 160 { #expect(lines[0].contains("epoch")) }
    }

    @Test func theNumbersShownAreTheSnapshots() throws {
        let snapshot = try Self.snapshot()
        let screen = Self.render(snapshot, width: 120, height: 40).joined(separator: "\n")
        let smoothed = ChartData.smoothed(ChartData.samples(snapshot.loss), weight: ViewState().smoothing).last!.mean
        #expect(screen.contains("━ \(Format.value(smoothed)) (ema 0.9)"))
        #expect(Self.render(snapshot).joined().contains("━ \(Format.short(smoothed))"), "80x24: three digits")
        let profile = snapshot.hiddenGradientProfile[0]
        #expect(screen.contains(Health(first: profile.first!, last: profile.last!).word))
        #expect(screen.contains("batch     \(snapshot.settings.training.batchSize)"))
    }

    @Test func aSmallWindowAsksForRoomAndSaysTrainingGoesOn() throws {
        let lines = Self.render(try Self.snapshot(), width: 79, height: 30)
        #expect(lines.contains { $0.contains("rnntop needs at least 80x24") })
        #expect(lines.contains { $0.contains("this window is 79x30") })
        #expect(lines.contains { $0.contains("training goes on: step 40") })
        #expect(Self.render(try Self.snapshot(), width: 10, height: 2).count == 2)
    }

    @Test func helpListsEveryKey() throws {
        var view = ViewState()
        view.showHelp = true
        let screen = Self.render(try Self.snapshot(), view: view).joined(separator: "\n")
        #expect(screen.contains("┌ keys"))
        for key in ["space", "+ -", "] [ \\", "b B", "d D", "tab", "left right", "{ } < > 0", "esc", "q  quit", "sat:"] {
            #expect(screen.contains(key), "\(key)")
        }
    }

    @Test func theHeatmapCyclesThroughTheLstmsMatrices() throws {
        let snapshot = try Self.snapshot(cell: .lstm)
        let modes = HeatmapPanel.modes(of: snapshot.model)
        #expect(modes == ["h", "c", "gate i", "gate f", "gate g", "gate o", "∂L/∂h"])
        for (index, mode) in modes.enumerated() {
            var view = ViewState()
            view.heatmapMode = index
            let screen = Self.render(snapshot, view: view).joined(separator: "\n")
            #expect(screen.contains("┌ \(mode)"), "\(mode)")
        }
    }

    /// 64 units in 44 half rows at 120×40: the title says how many a row holds, and
    /// the bottom border labels the time axis's ends.
    @Test func theHeatmapSaysHowManyUnitsARowHoldsAndLabelsTime() throws {
        let snapshot = try Self.snapshot(cell: .lstm)
        let lines = Self.render(snapshot, width: 120, height: 40)
        let title = try #require(lines.first { $0.contains("┌ h  ") })
        #expect(title.contains("h  64×50, 1.5 units a row  step 40"), "\(title)")
        let bottom = try #require(lines.first { $0.contains(" t=1 ") })
        #expect(bottom.contains(" t=50 ┘"), "\(bottom)")
        // Where every unit has its own row, nothing is said.
        let tall = Self.render(snapshot, width: 200, height: 60)
        #expect(!tall.joined().contains("units a row"))
    }

    @Test func aTextTaskShowsItsSampleEscapedWithItsLineBreaks() throws {
        let snapshot = try Self.snapshot(.text, cell: .lstm, steps: 10)
        let sample = try #require(snapshot.textSample)
        #expect(!sample.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let screen = Self.render(snapshot, width: 120, height: 40).joined(separator: "\n")
        #expect(screen.contains("┌ sample"))
        #expect(screen.contains(String(sample.prefix { $0 != "\n" }.prefix(20))))
        #expect(!screen.contains("\\n"), "a line break is a new row, not a backslash and an n")
        // Shown on the screen, other control characters stay escaped.
        let wrapped = DashboardScreen.wrap(Escaping.escape("ab\ncd\u{1B}[2J", keepingLineBreaks: true), width: 10)
        #expect(wrapped == ["ab", "cd\\u{1B}[2", "J"])
    }

    @Test func withoutUtf8TheScreenIsAscii() throws {
        let buffer = DashboardScreen(
            snapshot: try Self.snapshot(), view: ViewState(), theme: try DashboardThemes.catalog(userDirectory: nil, shippedDirectory: nil).load("mono"), context: RenderContext(unicode: false, color: false), now: 0
        ).render(width: 80, height: 24)
        let lines = buffer.asciiOnly().lines
        #expect(lines.allSatisfy { !$0.contains("?") || $0.contains("? help") })
        #expect(lines[1].hasPrefix("+ loss "))
    }

    @Test func keysBecomeTheCommandsTheirHelpPromises() throws {
        // Changes relative to the run's values are the loop's to make (AdjustmentTests).
        let snapshot = try Self.snapshot()
        #expect(KeyMap.action(for: .character("+"), snapshot: snapshot) == .command(.adjust(.learningRate(times: 2))))
        #expect(KeyMap.action(for: .character("-"), snapshot: snapshot) == .command(.adjust(.learningRate(times: 0.5))))
        #expect(KeyMap.action(for: .character(" "), snapshot: snapshot) == .command(.adjust(.pauseOrResume)))
        #expect(KeyMap.action(for: .character("m"), snapshot: snapshot) == .command(.adjust(.nextCell)))
        #expect(KeyMap.action(for: .character("q"), snapshot: snapshot) == .quit)
        #expect(KeyMap.action(for: .tab, snapshot: snapshot) == .focusNext)
        #expect(KeyMap.action(for: .character("x"), snapshot: snapshot) == .cycleXAxis)
        #expect(KeyMap.action(for: .character("z"), snapshot: snapshot) == nil)
        #expect(KeyMap.action(for: .character("]"), snapshot: snapshot) == .command(.adjust(.clipping(up: true))))
    }

    @Test func theVerdictOnTheGradientReadsPlainly() {
        #expect(Health(first: 1e-9, last: 1).word == "vanishing")
        #expect(Health(first: 0, last: 1).word == "vanishing")
        #expect(Health(first: 1e5, last: 1).word == "exploding")
        #expect(Health(first: 0.5, last: 1).word == "healthy")
        #expect(Health(first: .nan, last: 1).word == "blown up")
        #expect(GradientPanel.ratio(first: 0, last: 0.3) == "t1/tT <1e-38")
        #expect(GradientPanel.ratio(first: 0.02, last: 1) == "t1/tT 0.0200")
    }

    @Test func smoothingStartsAtTheFirstValueAndCountsMergedPointsAsSteps() {
        let samples = [ChartSample(x: 0, y: 2), ChartSample(x: 1, y: .nan), ChartSample(x: 2, y: 2), ChartSample(x: 3, y: 0)]
        let smoothed = ChartData.smoothed(samples, weight: 0.95).map(\.mean)
        #expect(smoothed[0] == 2 && smoothed[1].isNaN && smoothed[2] == 2)
        // Weights 0.95^2, 0.95 and 1 on 2, 2 and 0.
        #expect(abs(smoothed[3] - (0.9025 * 2 + 0.95 * 2) / 2.8525) < 1e-12)
        // A merged bucket of two points at its mean counts as those two steps.
        let merged = ChartData.smoothed([ChartSample(x0: 0, x1: 1, low: 2, high: 2, mean: 2, weight: 2), ChartSample(x: 2, y: 0)], weight: 0.95)
        #expect(abs(merged[1].mean - smoothed[3]) < 1e-12)
        // A gap starts the average again.
        let broken = ChartData.smoothed([ChartSample(x: 0, y: 2), .gap(at: 0.5), ChartSample(x: 1, y: 0)], weight: 0.95)
        #expect(broken[2].mean == 0)
    }
}

extension DashboardScreenTests {
    @Test func theStepAxisEndsOnTheRoundNumberAtOrPastTheLastStep() {
        #expect(ChartWindow.wholeRange(upTo: 6186) == 0...6500)
        #expect(ChartWindow.wholeRange(upTo: 6500) == 0...6500)
        #expect(ChartWindow.wholeRange(upTo: 6501) == 0...7000)
        #expect(ChartWindow.wholeRange(upTo: 96) == 0...100)
        #expect(ChartWindow.wholeRange(upTo: 3) == 0...10)
        #expect(ChartWindow.wholeRange(upTo: 1_234_567) == 0...1_500_000)
    }
}

extension DashboardScreenTests {
    /// The rest of the keys the help promises, including the ones that refuse.
    @Test func everyOtherKeyDoesWhatItsHelpSays() throws {
        let snapshot = try Self.snapshot()
        func action(_ c: Character) -> Action? { KeyMap.action(for: .character(c), snapshot: snapshot) }
        #expect(action("o") == .command(.adjust(.nextOptimizer)), "o goes sgd → adam → rmsprop → adagrad → sgd")
        #expect(action("n") == .command(.step))
        #expect(action("B") == .command(.adjust(.batchSize(doubled: true))))
        #expect(action("b") == .command(.adjust(.batchSize(doubled: false))))
        #expect(action("D") == .command(.adjust(.dropout(by: 0.1))))
        #expect(action("d") == .command(.adjust(.dropout(by: -0.1))))
        #expect(action("[") == .command(.adjust(.clipping(up: false))))
        #expect(action("\\") == .command(.setClipping(threshold: 0, mode: nil)))
        #expect(action("r") == .command(.resetWeights(seed: nil)))
        #expect(action("s") == .command(.saveCheckpoint(path: "rnntop.ckpt")))
        #expect(action("u") == (snapshot.canRollBack ? .command(.rollBack) : .refused("nothing to roll back to yet")))
        #expect(action("h") == .cycleHeatmap && action("l") == .toggleLogScale && action("e") == .cycleSmoothing)
        #expect(action("t") == .cycleTheme && action("?") == .toggleHelp)
        #expect(KeyMap.action(for: .backTab, snapshot: snapshot) == .focusPrevious)
        #expect(KeyMap.action(for: .up, snapshot: snapshot) == .move(dx: 0, dy: -1))
    }

    @Test func theLoggedScaleAndTheZoomShowBesideTheLegend() throws {
        var view = ViewState()
        view.logLoss = true
        view.window = .trailing(steps: 1_000)
        view.xAxis = .epochs
        let screen = Self.render(try Self.snapshot(), width: 160, height: 48, view: view).joined(separator: "\n")
        #expect(screen.contains("log  last 1,000  x: epochs"))
    }

    /// A live run stopped by a divergence says what to try before what happened.
    @Test func aDivergedRunSaysWhatToTry() throws {
        var generator = RandomGenerator(seed: 1)
        let task = TaskOptions(kind: .sine)
        var training = try makeTask(task, generator: &generator).defaults
        training.optimizer = OptimizerSettings(kind: .sgd, learningRate: 1e30)
        training.length = .steps(1000)
        let session = try Session(settings: RunSettings(task: task, training: training, seed: 1), options: SessionOptions())
        session.start()
        defer { session.send(.quit) }
        let deadline = Date().addingTimeInterval(60)
        while session.snapshot.state != .diverged && Date() < deadline { usleep(10_000) }
        let lines = Self.render(session.snapshot, width: 120, height: 40)
        #expect(lines[38].hasPrefix("u roll back, - halve the lr, ] clip · step ") && lines[38].contains("diverged"), "\(lines[38])")
    }
}
