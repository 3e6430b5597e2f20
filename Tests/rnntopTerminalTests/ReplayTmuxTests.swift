import Foundation
import TestSupport
import Testing

/// `rnntop replay` in a real terminal: the cursor keys move through a finished run,
/// and `--follow` keeps up with a log that a headless run is writing.
@Suite(.serialized) struct ReplayTmuxTests {
    @Test func theCursorMovesThroughTheRun() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("run.jsonl").path
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "2000", "--headless", "--log", log])
        #expect(outcome.status == 0)

        let tmux = try Tmux(["replay", log], width: 80, height: 24)
        let end = try tmux.waitForScreen("the end of the run") { $0[0].contains("step 2,000 of 2,000") }
        #expect(end[0].hasSuffix("● replay: ended") && end.joined().contains("┌ loss"))
        #expect(end[23].contains("←→ time") && end[23].contains("? help  q quit"))
        try tmux.send("Home")
        try tmux.waitForScreen("the first step") { $0[0].contains("step 1 of 2,000") }
        try tmux.send("Right")
        let next = try tmux.waitForScreen("1% on") { Tmux.step($0).map { $0 > 1 } == true }
        #expect(Tmux.step(next) == 21)
        try tmux.send("PageDown")
        try tmux.waitForScreen("10% on") { Tmux.step($0) == 221 }
        try tmux.send("Left")
        try tmux.waitForScreen("1% back") { Tmux.step($0) == 201 }
        try tmux.send("+", literal: true)
        try tmux.waitForScreen("the refusal") { $0[22].contains("a recorded run takes no commands") }
        try tmux.send("End")
        try tmux.waitForScreen("the end again") { $0[0].contains("step 2,000 of 2,000") }
        try tmux.send("q", literal: true)
        let exit = try tmux.exit()
        #expect(exit.status == 0 && DashboardTmuxTests.isNormal(exit.modes))
    }

    @Test func anOldGradientProfileSaysItsStep() throws {
        let lines = [SyntheticLog.run, SyntheticLog.profile(at: 1, ratio: 1e-10)] + SyntheticLog.steps(spikeAt: nil)
        let log = try Fixtures.write(lines.joined(separator: "\n") + "\n", named: "old-profile.jsonl")
        let tmux = try Tmux(["replay", log], width: 80, height: 24)
        try tmux.waitForScreen("the profile's step at the end") { $0.contains { $0.contains("∂L/∂h_t step 1, 1,499 ago vanishing") } }
        try tmux.send("Left")
        // 1% back lands on the kept record at or before it.
        try tmux.waitForScreen("its age 1% earlier") { screen in
            screen[0].contains("step 1,480 of") && screen.contains { $0.contains("∂L/∂h_t step 1, 1,479 ago vanishing") }
        }
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }

    @Test func followKeepsUpWithAGrowingLog() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("growing.jsonl").path
        let writer = Process()
        writer.executableURL = CommandRunner.executable
        writer.arguments = ["--task", "adding", "--steps", "1000000", "--headless", "--log", log]
        let input = Pipe()
        writer.standardInput = input
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer { if writer.isRunning { writer.terminate() } }

        let tmux = try Tmux(["replay", log, "--follow"], width: 80, height: 24)
        let first = try tmux.waitForScreen("the run") { $0[0].hasSuffix("● following") && (Tmux.step($0) ?? 0) > 0 }
        try tmux.waitForScreen("the run to go on") { (Tmux.step($0) ?? 0) > Tmux.step(first)! + 100 }

        // Stepping back stops following; End follows again.
        try tmux.send("Left")
        let held = try tmux.waitForScreen("the replay cursor") { $0[0].hasSuffix("● replay") }
        // 1% back from where the log had got to when the key came, which is past the
        // screen read before it: the log grows a few hundred steps a second.
        #expect(Tmux.step(held)! > Tmux.step(first)!)
        usleep(600_000)
        #expect(Tmux.step(try tmux.screen()) == Tmux.step(held))
        try tmux.send("End")
        try tmux.waitForScreen("following again") { $0[0].hasSuffix("● following") && Tmux.step($0)! > Tmux.step(held)! }

        // The writer stops: its last records arrive.
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        writer.waitUntilExit()
        try tmux.waitForScreen("the run's end") { $0[22].contains("stopped at step") }
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }
}
