import Foundation
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// The ∂L/∂h_t profile's shape agrees with its word: in a comparison a vanishing run
/// is drawn as a ramp beside a healthy run's full bars on the scale they share (an
/// early underflow forgotten), and the headline is the median of the last few
/// profiles, not one odd batch's.
@Suite struct ProfileTruthTests {
    static func recorded(_ profiles: [String]) throws -> Snapshot {
        let path = try Fixtures.write(([SyntheticLog.run] + profiles + SyntheticLog.steps(spikeAt: nil)).joined(separator: "\n") + "\n", named: "run.jsonl")
        let reader = try RunLogReader(path: path)
        try reader.update()
        return try #require(reader.run).snapshot(at: 1500)
    }

    /// Per column of the bars, how many of `rows` hold a bar glyph.
    static func heights(_ buffer: Buffer, rows: Range<Int>, columns: Range<Int>) -> [Int] {
        columns.map { x in rows.filter { "▁▂▃▄▅▆▇█".unicodeScalars.contains(buffer[x, $0].character) }.count }
    }

    @Test func aVanishingRunIsARampBesideAHealthyRunsFullBars() throws {
        // The healthy run's early underflow (step 1) has left its last eight profiles.
        let healthy = try Self.recorded([SyntheticLog.profile(at: 1, ratio: 1e-37)] + (0..<8).map { SyntheticLog.profile(at: 1430 + $0 * 10, ratio: 0.2) })
        let vanishing = try Self.recorded([SyntheticLog.profile(at: 1500, ratio: 2e-12)])
        let runs = [ShownRun(name: "healthy", snapshot: healthy), ShownRun(name: "vanishing", snapshot: vanishing)]
        let buffer = DashboardScreen(snapshot: healthy, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0, runs: runs)
            .render(width: 120, height: 40)
        let lines = buffer.lines
        let first = try #require(lines.firstIndex { $0.contains("healthy") && $0.contains("t1/tT 0.2000 healthy") })
        let second = try #require(lines.firstIndex { $0.contains("vanishing") && $0.contains("2.0e-12 vanishing") })
        let end = try #require(lines.indices.first { $0 > second && lines[$0].contains("gradient norm") })
        let columns = 7..<70
        let full = Self.heights(buffer, rows: (first + 1)..<second, columns: columns)
        let ramp = Self.heights(buffer, rows: (second + 1)..<end, columns: columns)
        #expect(full.allSatisfy { $0 == second - first - 1 }, "the healthy run's bars are full: \(full)")
        #expect(ramp == ramp.sorted() && ramp.first! < ramp.last! && ramp.last == end - second - 1, "a ramp: \(ramp)")
        #expect(ramp.filter { $0 <= 1 }.count > columns.count / 4, "the early steps are near the foot: \(ramp)")
    }

    @Test func theHeadlineIsTheMedianOfTheLastProfilesNotTheOddOne() throws {
        let profiles = (0..<7).map { SyntheticLog.profile(at: 1400 + $0 * 10, ratio: 1e-5) } + [SyntheticLog.profile(at: 1500, ratio: 1e-25)]
        let snapshot = try Self.recorded(profiles)
        #expect(snapshot.hiddenGradientWindow.count == 8)
        let buffer = DashboardScreen(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0)
            .render(width: 120, height: 40)
        let screen = buffer.lines.joined(separator: "\n")
        #expect(screen.contains("t1/tT 1.0e-05 vanishing"), "\(screen)")
        #expect(screen.contains("t1/tT: median of last 8"))
        #expect(!screen.contains("baseline"), "a task rnntop does not know has no baseline to show")
        #expect(!screen.contains("1.0e-25"))
    }

    /// Two layers, profiled on 4 sequences, at 80×24: the title gives up "by step",
    /// the sequences and the layer before it cuts the verdict.
    @Test func aNarrowTitleKeepsItsVerdictWhole() throws {
        let norms = (0..<50).map { t in "\(0.1 * pow(5e-8, Double(49 - t) / 49))" }.joined(separator: ",")
        let profile = #"{"type":"grad_profile","step":1500,"sequences":4,"layers":[[\#(norms)],[\#(norms)]]}"#
        let snapshot = try Self.recorded([profile])
        let lines = DashboardScreen(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0)
            .render(width: 80, height: 24).lines
        let title = try #require(lines.first { $0.contains("∂L/∂h_t") })
        #expect(title.contains("t1/tT 5.0e-08 vanishing ─"), "\(title)")
        let wide = DashboardScreen(snapshot: snapshot, view: ViewState(), theme: DashboardThemes.standard, context: .full, now: 0)
            .render(width: 200, height: 60).lines
        #expect(wide.contains { $0.contains("∂L/∂h_t by step layer 1/2, 4 seq  t1/tT 5.0e-08 vanishing") })
    }
}
