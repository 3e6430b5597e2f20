import Foundation
import TerminalUI
import TestSupport
import Testing
import Training

@testable import rnntop

/// What a replay says of the run it shows: the run's planned length and whether it
/// is still going come from the log, and what another program's log leaves out shows
/// as unknown rather than as zeros.
@Suite struct ReplayDetailTests {
    static func screen(_ path: String, following: Bool) throws -> [String] {
        let feed = try ReplayFeed(reader: try RunLogReader(path: path), following: following)
        var view = ViewState()
        view.replay = feed.position
        let snapshot = try #require(feed.snapshot)
        return DashboardScreen(snapshot: snapshot, view: view, theme: DashboardThemes.standard, context: .full, now: 0)
            .render(width: 120, height: 40).lines
    }

    @Test func theHeaderGivesThePlannedLengthAndWhetherTheRunGoesOn() throws {
        let steps = (1...1000).map { "{\"type\":\"step\",\"step\":\($0),\"loss\":0.5,\"lr\":0.01,\"batch\":8}" }.joined(separator: "\n")
        let run = "{\"type\":\"run\",\"schema\":1,\"program\":\"rnntop 1\",\"model\":{\"cell\":\"lstm\",\"hidden\":8},\"total_steps\":3000,\"parameters\":300}"
        let growing = try Fixtures.write(run + "\n" + steps + "\n", named: "growing.jsonl")
        let live = try Self.screen(growing, following: true)
        #expect(live[0].contains("step 1,000 of 3,000") && live[0].hasSuffix("● following"), "\(live[0])")
        let ended = try Fixtures.write(run + "\n" + steps + "\n{\"type\":\"end\",\"reason\":\"quit\",\"step\":1000}\n", named: "ended.jsonl")
        let done = try Self.screen(ended, following: true)
        #expect(done[0].contains("step 1,000 of 3,000") && done[0].hasSuffix("● replay: ended"), "\(done[0])")
    }

    @Test func whatAnotherProgramLeftOutIsUnknownNotZero() throws {
        let path = try Fixtures.write(
            """
            {"type":"run","schema":1,"program":"my-trainer 2.1","model":{"cell":"gru","hidden":32}}
            {"type":"step","step":1,"loss":0.95,"lr":0.001}
            {"type":"step","step":2,"loss":0.91,"lr":0.001}

            """, named: "foreign.jsonl")
        let summary = try CommandRunner.run(["replay", path])
        #expect(summary.standardOutput.contains("parameters unknown, seed unknown"), "\(summary.standardOutput)")
        let lines = try Self.screen(path, following: false)
        let settings = lines.joined(separator: "\n")
        #expect(settings.contains("lr        0.001") && settings.contains("batch     not logged") && settings.contains("optimizer not logged"))
        #expect(!lines[0].contains("clip") && !lines[0].contains("adam"), "no made-up settings in the header: \(lines[0])")
        #expect(settings.contains("no probe in this log"))
    }

    /// A finished run's "avg seq/s" is every sequence over the time taken, not the
    /// last step's rate: 1,000 steps of 8 sequences in 2 s is 4k/s, though the last
    /// step alone ran at 1k/s; records that stand for 10 steps count ten.
    @Test func aFinishedRunsAverageRateIsItsSequencesOverItsTime() throws {
        let run = #"{"type":"run","schema":1,"program":"rnntop 1","model":{"cell":"lstm","hidden":8},"total_steps":1000}"#
        let steps = (1...500).map { #"{"type":"step","step":\#($0),"loss":0.5,"batch":8,"seq_per_s":9000,"elapsed":\#(Double($0) / 500)}"# }
            + stride(from: 510, through: 1000, by: 10).map {
                #"{"type":"step","step":\#($0),"loss":0.5,"batch":8,"seq_per_s":1000,"elapsed":\#(1 + Double($0 - 500) / 500),"steps":10}"#
            }
        let end = #"{"type":"end","reason":"done","step":1000}"#
        let path = try Fixtures.write(([run] + steps + [end]).joined(separator: "\n") + "\n", named: "rate.jsonl")
        let header = try Self.screen(path, following: false)[0]
        #expect(header.contains("avg 4.0k seq/s"), "\(header)")
    }
}
