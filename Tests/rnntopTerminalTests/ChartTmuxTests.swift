import Foundation
import TestSupport
import Testing

@testable import rnntop

/// The charts and the run's length as a user meets them in a terminal: a new model
/// leaves its mark on the time axis (and a replay of the log shows it in the same
/// place), and the seed preset ends at its 100 epochs. (The help's rules, a key
/// behind it doing nothing, are DashboardModelTests'.)
@Suite(.serialized) struct ChartTmuxTests {
    /// The column of `symbol` on the loss chart's axis line (the first line with a
    /// corner from the top, inside the loss panel), and the axis line's columns.
    static func marker(_ symbol: Unicode.Scalar, in screen: [String]) -> (column: Int, axis: ClosedRange<Int>)? {
        guard let row = screen.dropFirst().first(where: { $0.contains("└") }) else { return nil }
        let scalars = Array(row.unicodeScalars)
        guard let corner = scalars.firstIndex(of: "└"), let end = scalars[(corner + 1)...].firstIndex(of: "│"),
            let column = scalars[corner..<end].firstIndex(of: symbol)
        else { return nil }
        return (column, (corner + 1)...(end - 1))
    }

    @Test func aNewModelIsMarkedAtItsStepAndTheReplayShowsTheSameMark() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("run.jsonl").path
        let tmux = try Tmux(["--task", "sine", "--steps", "100000", "--log", log], width: 120, height: 40)
        try tmux.waitForScreen("a few hundred steps") { (Tmux.step($0) ?? 0) > 300 }
        try tmux.send("Space")
        let paused = try tmux.waitForScreen("the pause") { $0[0].hasSuffix("● paused") }
        let step = try #require(Tmux.step(paused))
        try tmux.send("m", literal: true)
        let changed = try tmux.waitForScreen("the new model and its mark") { Self.marker("m", in: $0) != nil && $0[0].contains("minGRU(") }
        let (column, axis) = try #require(Self.marker("m", in: changed))
        // The axis spans 0 to a round number past the last step; two dots a column.
        let range = ChartWindow.wholeRange(upTo: Double(step))
        let dots = Double(axis.count * 2 - 1)
        let expected = axis.lowerBound + Int((Double(step) / range.upperBound * dots).rounded()) / 2
        #expect(abs(column - expected) <= 1, "m at column \(column), step \(step) belongs at \(expected): \(changed.first { $0.contains("└") } ?? "")")
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)

        let replay = try Tmux(["replay", log], width: 120, height: 40)
        let shown = try replay.waitForScreen("the replay's mark") { Self.marker("m", in: $0) != nil }
        #expect(Self.marker("m", in: shown)?.column == column, "the replay marks the same step")
        try replay.send("q", literal: true)
        #expect(try replay.exit().status == 0)
    }

    @Test func theSeedPresetStopsAtItsHundredEpochsAndSaysDone() throws {
        let tmux = try Tmux(["--preset", "seed"], width: 160, height: 48)
        let done = try tmux.waitForScreen("the end of 100 epochs") { $0[0].contains("● done") }
        #expect(done[0].contains("step 400 of 400") && done[0].contains("epoch 100.0"), "\(done[0])")
        usleep(500_000)
        #expect(Tmux.step(try tmux.screen()) == 400, "nothing trains past the run's length")
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }
}
