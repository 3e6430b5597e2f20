import TerminalUI
import Testing
import Training

@testable import rnntop

/// The dashboard's key rules without a terminal: what each key changes of the view
/// and what it asks of the runs, from the same snapshots a screen would show.
@Suite struct DashboardModelTests {
    static let single = [ShownRun(name: "", snapshot: ComparisonScreenTests.runs[0].snapshot)]

    /// Presses `keys` in order against `runs` that do not change in between (quick
    /// typing: no new snapshot comes); returns the model and every effect.
    static func press(_ keys: [Key], live: Bool = true, runs: [ShownRun]? = single, model start: DashboardModel? = nil)
        -> (DashboardModel, [DashboardModel.Effect])
    {
        var model = start ?? DashboardModel(live: live)
        let effects = keys.compactMap { model.update($0, runs: runs, now: 0) }
        return (model, effects)
    }

    /// A replay at step 450 of a 1,000-step log: zooming in keeps step 450 in the
    /// window (the data shown ends there), and the legend says the window.
    @Test func aReplayZoomsAroundItsStep() throws {
        var start = DashboardModel(live: false)
        start.view.replay = ViewState.ReplayPosition(step: 450, lastStep: 1000, following: false, ended: true)
        let (model, _) = Self.press([.character("{")], live: false, model: start)
        let range = model.view.window.range(last: 1000)
        #expect(range.contains(450) && range.upperBound < 1000, "\(range)")
        #expect(model.view.scaleNote(Self.single[0].snapshot).contains("steps 200-700"), "\(model.view.window)")
    }

    @Test func fiveQuickPlusesBetweenTwoSnapshotsSendFiveDoublings() {
        let (_, effects) = Self.press(Array(repeating: .character("+"), count: 5))
        let doubling = DashboardModel.Effect.send([.init(run: 0, command: .adjust(.learningRate(times: 2)))])
        #expect(effects == Array(repeating: doubling, count: 5))
    }

    @Test func withAllRunsOnEachRunGetsItsOwnCommandAndOtherwiseTheFocusedOne() {
        let runs = ComparisonScreenTests.runs
        let (focused, one) = Self.press([.character("2"), .character("+")], runs: runs)
        #expect(focused.view.focusedRun == 1)
        #expect(one == [.send([.init(run: 1, command: .adjust(.learningRate(times: 2)))])])
        let (all, every) = Self.press([.character("A"), .character("-")], runs: runs)
        #expect(all.view.actOnAll)
        #expect(every == [.send(runs.indices.map { .init(run: $0, command: .adjust(.learningRate(times: 0.5))) })])
        #expect(all.view.message?.text == "keys act on every run (A: the focused run only)")
    }

    @Test func theHelpTakesEveryKeyUntilItClosesAndQDoesNotQuitBehindIt() {
        let (model, effects) = Self.press([.character("?"), .character("+"), .character("q")])
        #expect(effects.isEmpty && !model.view.showHelp)
        let (_, quit) = Self.press([.character("q")], model: model)
        #expect(quit == [.quit])
    }

    @Test func aRecordedRunMovesItsCursorAndRefusesTrainingKeysSayingWhy() {
        let (model, effects) = Self.press([.character("+"), .left, .home], live: false)
        #expect(effects == [.moveReplay(.by(-0.01)), .moveReplay(.start)])
        #expect(model.view.message?.text.hasPrefix("a recorded run takes no commands") == true)
        let (refused, none) = Self.press([.character("A")], live: false, runs: ComparisonScreenTests.runs)
        #expect(none.isEmpty && !refused.view.actOnAll && refused.view.message?.text == "recorded runs take no commands")
    }

    @Test func beforeAFollowedLogHasARunOnlyQuitIsTaken() {
        let (_, effects) = Self.press([.character("+"), .character("l"), .character("q")], live: false, runs: nil)
        #expect(effects == [.quit])
    }

    @Test func runKeysOnOneRunOrPastTheLastRunSaySoAndChangeNothing() {
        let (alone, _) = Self.press([.character("2")])
        #expect(alone.view.focusedRun == 0 && alone.view.message?.text.hasPrefix("one run:") == true)
        let (past, _) = Self.press([.character("5")], runs: ComparisonScreenTests.runs)
        #expect(past.view.focusedRun == 0 && past.view.message?.text == "there are 3 runs")
        let (cycled, _) = Self.press([.character("."), .character("."), .character("."), .character(",")], runs: ComparisonScreenTests.runs)
        #expect(cycled.view.focusedRun == 2)
    }

    @Test func arrowsOnTheHeatmapPickALayerAndAUnitWithinTheModel() {
        let hidden = Self.single[0].snapshot.model.hiddenSize
        var start = DashboardModel(live: true)
        start.view.focus = .heatmap
        let (model, _) = Self.press([.down] + Array(repeating: .down, count: hidden + 5) + [.right], model: start)
        #expect(model.view.unit == hidden - 1 && model.view.layer == 0)
        let (back, _) = Self.press(Array(repeating: .up, count: hidden + 5), model: model)
        #expect(back.view.unit == 0)
    }

    @Test func theCursorAppearsAtTheLastStepAndStaysWithinTheRun() {
        let last = Self.single[0].snapshot.step
        let (model, _) = Self.press([.left])
        #expect(model.view.cursor == last)
        let (right, _) = Self.press([.right, .right], model: model)
        #expect(right.view.cursor == last)
        let (far, _) = Self.press(Array(repeating: .left, count: 200), model: model)
        #expect(far.view.cursor == 0)
        let (gone, _) = Self.press([.escape], model: far)
        #expect(gone.view.cursor == nil)
    }

    @Test func viewKeysCycleAndSayWhatTheyChose() {
        let (model, effects) = Self.press([.character("e"), .character("x"), .character("l"), .tab, .character("h")])
        #expect(effects.isEmpty)
        #expect(model.view.smoothing == 0.99 && model.view.xAxis == .epochs && model.view.logLoss)
        #expect(model.view.focus == .gradients && model.view.heatmapMode == 1)
        #expect(model.view.message?.text == "x axis: epochs")
        let (_, outside) = Self.press([.character("t"), .character("p")])
        #expect(outside == [.cycleTheme, .exportScreen])
    }
}
