import Foundation
import TestSupport
import Testing
import Training

@testable import TerminalUI

/// The dashboard as a user meets it, in tmux at 80x24 and 120x40: the panels
/// appear, keys change what runs, a resize relayouts, and every way out gives the
/// terminal back in its normal mode.
@Suite(.serialized) struct DashboardTmuxTests {
    /// Whether `stty -a` describes a terminal in its normal (cooked, echoing) mode.
    static func isNormal(_ modes: String) -> Bool {
        let flags = Set(modes.split { $0 == " " || $0 == "\n" || $0 == ";" }.map(String.init))
        return flags.contains("icanon") && flags.contains("echo") && flags.contains("isig") && !flags.contains("-icanon")
    }

    @Test func theDefaultRunTeachesTheLessonAndObeysItsKeys() throws {
        // The default lesson, long enough not to finish while a loaded machine holds the
        // drawing back (a finished run takes space as "as long again", not a pause).
        let tmux = try Tmux(["--steps", "1000000"], width: 80, height: 24)
        // The whole frame, down to the footer: on a loaded machine the drawing thread
        // (at the lowest priority) can be held up halfway through one.
        let first = try tmux.waitForScreen("the panels") { lines in
            lines.joined().contains("┌ loss") && lines.joined().contains("┌ settings") && Tmux.step(lines).map { $0 > 0 } == true
                && lines.last?.contains("q quit") == true
        }
        #expect(first.count == 24)
        #expect(first[0].contains("RNN(64, tanh)") && first[0].contains("adding"))
        #expect(first.joined().contains("┌ ∂L/∂h_t by step") && first.joined().contains("┌ h  64×50"))
        #expect(first[22].contains("press m for an LSTM"))
        #expect(first[23].contains("? help  q quit"))
        // Colours from the xterm-256 palette, and the heatmap in half blocks.
        #expect(try tmux.screen(escapes: true).joined().contains("\u{1B}[38;5;"))
        #expect(first.joined().contains("▀"))
        try tmux.waitForScreen("the step counter to move on") { (Tmux.step($0) ?? 0) > Tmux.step(first)! }

        // + doubles the learning rate: the header and the settings panel say so.
        #expect(first.contains { $0.contains("lr    0.01") })
        try tmux.send("+", literal: true)
        let faster = try tmux.waitForScreen("lr 0.02 and the hint gone with the first key") {
            $0.contains { $0.contains("lr    0.02") } && !$0[22].contains("press m")
        }
        #expect(faster[0].contains("adam lr 0.02"))

        // Space pauses: the counter stops; space again resumes.
        try tmux.send("Space")
        let paused = try tmux.waitForScreen("the paused state") { $0[0].hasSuffix("● paused") }
        usleep(700_000)
        #expect(Tmux.step(try tmux.screen()) == Tmux.step(paused))
        try tmux.send("n", literal: true)
        try tmux.waitForScreen("a single step") { Tmux.step($0) == Tmux.step(paused)! + 1 }
        try tmux.send("Space")
        try tmux.waitForScreen("running again") { $0[0].hasSuffix("● running") && Tmux.step($0)! > Tmux.step(paused)! + 1 }

        // ? shows the keys over the panels, and hides them again.
        try tmux.send("?", literal: true)
        try tmux.waitForScreen("the help") { $0.joined().contains("┌ keys") && $0.joined().contains("learning rate x2 /2") }
        try tmux.send("?", literal: true)
        try tmux.waitForScreen("the help to go") { !$0.joined().contains("┌ keys") }

        // The keys that pick a comparison's run say what they are for.
        try tmux.send("2", literal: true)
        try tmux.waitForScreen("the note on run keys") { $0[22].contains("one run: 1-8 , . pick a run of a comparison") }

        // m makes the model an LSTM on the same task.
        try tmux.send("m", literal: true)
        try tmux.waitForScreen("the LSTM") { $0[0].contains("LSTM(64, tanh)") }

        // q quits with status 0 and the terminal in its normal mode.
        try tmux.send("q", literal: true)
        let exit = try tmux.exit()
        #expect(exit.status == 0)
        #expect(Self.isNormal(exit.modes), "\(exit.modes)")
        let after = try tmux.waitForScreen("the summary") { $0.contains { $0.hasPrefix("stopped at step") } }
        #expect(!after.joined().contains("┌ loss"), "the dashboard's screen is gone")
    }

    @Test func aResizeRelayoutsAtOnce() throws {
        let tmux = try Tmux(["--task", "sine", "--cell", "lstm", "--hidden", "16"], width: 120, height: 40)
        let wide = try tmux.waitForScreen("the panels at 120x40") {
            $0.joined().contains("┌ settings") && $0.count == 40 && $0[39].contains("q quit")
        }
        #expect(wide[0].contains("LSTM(16, tanh)") && wide[0].contains("clip") && wide[0].contains("epoch"))
        #expect(wide[39].hasPrefix("space pause") && wide[39].contains("? help  q quit"))

        try tmux.resize(width: 60, height: 20)
        let small = try tmux.waitForScreen("the request for room") { $0.joined().contains("needs at least 80x24") }
        #expect(small.contains { $0.contains("this window is 60x20") })
        #expect(small.contains { $0.contains("training goes on") })

        try tmux.resize(width: 80, height: 24)
        let normal = try tmux.waitForScreen("the panels at 80x24") { $0.count == 24 && $0.joined().contains("┌ settings") }
        #expect(normal.allSatisfy { $0.unicodeScalars.count <= 80 })
        #expect(normal[0].contains("LSTM(16, tanh)"))
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }

    /// SIGTERM, Ctrl-C and SIGHUP (a closed ssh session) end the run in order;
    /// SIGQUIT (Ctrl-\\) takes its default action, SIGILL (what a Swift runtime trap
    /// raises) and SIGSEGV kill it, and the terminal is restored every time: its
    /// modes, and the normal screen instead of the dashboard's.
    @Test(arguments: [
        (SIGTERM, "SIGTERM"), (SIGINT, "Ctrl-C"), (SIGHUP, "a hang-up"), (SIGQUIT, "Ctrl-\\"), (SIGILL, "a trap"),
        (SIGSEGV, "a crash"),
    ])
    func aSignalEndsTheRunAndRestoresTheTerminal(_ signal: Int32, _ name: String) throws {
        let tmux = try Tmux(["--task", "sine"], width: 80, height: 24)
        try tmux.waitForScreen("the panels") { $0.joined().contains("┌ settings") }
        if signal == SIGINT { try tmux.send("C-c") } else if signal == SIGQUIT { try tmux.send("C-\\") } else { kill(try tmux.pid(), signal) }
        let exit = try tmux.exit()
        #expect(exit.status == 128 + signal, "\(name)")
        #expect(Self.isNormal(exit.modes), "\(exit.modes)")
        let screen = try tmux.screen()
        #expect(!screen.joined().contains("┌ settings"), "\(name): the dashboard's screen is gone")
        if signal == SIGILL || signal == SIGSEGV {
            #expect(screen.contains { $0.hasPrefix("rnntop crashed: this is a bug") })
        } else {
            #expect(!screen.joined().contains("crashed") && !screen.joined().contains("Backtrace"), "\(name)")
        }
    }

    /// A hang-up ends the run like SIGTERM: the checkpoint and the log are written.
    @Test func aHangUpWritesTheCheckpointAndTheLog() throws {
        let folder = try Fixtures.temporaryFolder()
        let checkpoint = folder.appendingPathComponent("run.ckpt").path, log = folder.appendingPathComponent("run.jsonl").path
        let tmux = try Tmux(["--task", "sine", "--checkpoint", checkpoint, "--log", log], width: 80, height: 24)
        try tmux.waitForScreen("some steps") { (Tmux.step($0) ?? 0) > 20 }
        kill(try tmux.pid(), SIGHUP)
        #expect(try tmux.exit().status == 129)
        let saved = try Checkpoint.read(checkpoint)
        #expect(saved.step > 20)
        let last = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").last ?? ""
        #expect(last.hasPrefix("{\"type\":\"end\",\"reason\":\"quit\",\"step\":\(saved.step)"), "\(last)")
    }

    @Test func tChangesTheThemeLiveAndABrokenOneLeavesItAsItWas() throws {
        let tmux = try Tmux(["--task", "sine"], width: 80, height: 24)
        /// The escape that sets a theme's background, in the xterm-256 colour rnntop maps it to.
        func background(_ hex: String) -> String { "\u{1B}[48;5;\(Palette.xterm256(RGB(hex: hex)!))m" }
        try tmux.waitForScreen("the panels") { $0.joined().contains("┌ settings") }
        #expect(try tmux.screen(escapes: true).joined().contains(background("#14161c")))

        let themes = tmux.folder.appendingPathComponent("config/rnntop/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        try "[series]\ntrain = \"#12345\"\n".write(to: themes.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        try tmux.send("t", literal: true)
        let refused = try tmux.waitForScreen("the theme's error") { $0[22].contains("broken.toml") }
        #expect(refused[22].hasPrefix("broken.toml: line 2: key 'series.train': '#12345' is not a #rrggbb colour"))
        #expect(try tmux.screen(escapes: true).joined().contains(background("#14161c")), "the theme stays")

        // After broken come colorblind, high-contrast, then light.
        for name in ["colorblind", "high-contrast", "light"] {
            try tmux.send("t", literal: true)
            try tmux.waitForScreen("theme \(name)") { $0[22].contains("theme \(name)") }
        }
        let light = try tmux.screen(escapes: true).joined()
        #expect(light.contains(background("#fbfbfa")) && !light.contains(background("#14161c")))
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }

    @Test func anEightColourTerminalGetsTheNearestOfItsEight() throws {
        let tmux = try Tmux(["--task", "sine"], width: 80, height: 24, environment: ["TERM": "xterm"])
        try tmux.waitForScreen("the panels") { $0.joined().contains("┌ settings") }
        let screen = try tmux.screen(escapes: true).joined()
        #expect(screen.contains("\u{1B}[3") && !screen.contains("38;5;") && !screen.contains("38;2;"))
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }

    @Test func withoutUtf8OrColourTheScreenIsPlainAscii() throws {
        let tmux = try Tmux(["--task", "sine"], width: 80, height: 24, environment: ["LC_ALL": "C", "NO_COLOR": "1"])
        let lines = try tmux.waitForScreen("the panels") { $0.joined().contains("+ settings") }
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(lines[0].hasSuffix("* running"))
        try tmux.send("q", literal: true)
        #expect(try tmux.exit().status == 0)
    }
}
