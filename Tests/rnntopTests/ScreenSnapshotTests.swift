import Foundation
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// Whole dashboards drawn from recorded runs (Tests/Fixtures/logs), each compared with
/// its text under Tests/Snapshots: a run at the three sizes users meet, the replay of
/// it at a step in the middle, a comparison in colour and without, the help, and a
/// terminal too small. Logs fix every number a screen shows (times and speeds too),
/// so a screen is the same on every machine.
@Suite struct ScreenSnapshotTests {
    static let logs = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/logs")

    /// The recorded runs of `names`, as `rnntop replay` reads them, at their end.
    static func replay(_ names: [String]) throws -> ReplaySet {
        try ReplaySet(
            names.map { name in
                let path = logs.appendingPathComponent(name).path
                return (path, try ReplayFeed(reader: RunLogReader(path: path), following: false))
            })
    }

    /// The screen of `set` with `view`, as the live dashboard draws it when `replay`
    /// is false (no cursor through the run, the keys of a live run).
    static func screen(_ set: ReplaySet, width: Int, height: Int, view start: ViewState = ViewState(), replay: Bool = false, color: Bool = true)
        throws -> [String]
    {
        let runs = try #require(set.runs)
        var view = start
        view.replay = replay ? set.position : nil
        let context = RenderContext(unicode: true, color: color)
        return DashboardScreen(snapshot: runs[view.focusedRun].snapshot, view: view, theme: DashboardThemes.standard, context: context, now: 0, runs: runs)
            .render(width: width, height: height).lines
    }

    @Test(arguments: [(80, 24), (100, 30), (120, 40), (200, 60)])
    func aRunAtEachSize(_ width: Int, _ height: Int) throws {
        let lines = try Self.screen(Self.replay(["adding-lstm.jsonl"]), width: width, height: height)
        try ScreenSnapshot.check(lines, named: "run-\(width)x\(height)")
    }

    @Test func aRunWithoutColour() throws {
        let lines = try Self.screen(Self.replay(["adding-lstm.jsonl"]), width: 100, height: 30, color: false)
        try ScreenSnapshot.check(lines, named: "run-100x30-no-color")
    }

    @Test func theReplayOfARunInItsMiddle() throws {
        let set = try Self.replay(["adding-lstm.jsonl"])
        set.moveToStart()
        set.move(by: 0.4)
        try ScreenSnapshot.check(try Self.screen(set, width: 120, height: 40, replay: true), named: "replay-120x40")
    }

    @Test(arguments: [true, false])
    func aComparisonInColourAndWithout(_ color: Bool) throws {
        var view = ViewState()
        view.focusedRun = 1
        let set = try Self.replay(["compare.rnn.jsonl", "compare.lstm.jsonl"])
        let lines = try Self.screen(set, width: 120, height: 40, view: view, color: color)
        try ScreenSnapshot.check(lines, named: color ? "comparison-120x40" : "comparison-120x40-no-color")
    }

    @Test func theHelpOverTheDashboard() throws {
        var view = ViewState()
        view.showHelp = true
        try ScreenSnapshot.check(try Self.screen(Self.replay(["adding-lstm.jsonl"]), width: 80, height: 24, view: view), named: "help-80x24")
    }

    @Test func aTerminalTooSmall() throws {
        try ScreenSnapshot.check(try Self.screen(Self.replay(["adding-lstm.jsonl"]), width: 60, height: 20), named: "too-small-60x20")
    }

    @Test func aDifferenceNamesItsRows() {
        let difference = ScreenSnapshot.rowDifferences("a\nb\nc", "a\nB\nc\nd")
        #expect(difference == "row 2\n- b\n+ B\nrow 4\n- (none)\n+ d")
    }
}
