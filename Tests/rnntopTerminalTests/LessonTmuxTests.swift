import Foundation
import TestSupport
import Testing

/// A learner walks the lessons in a real terminal: chapter 1's panel shows its
/// checks reproduced, N moves to chapter 2 and 3 (each its own run), P back, L hides
/// and shows the text, the footer names the lesson's keys, and q leaves the terminal
/// as it was.
@Suite(.serialized) struct LessonTmuxTests {
    @Test func aLearnerWalksFromChapterOneToThreeWithTheKeys() throws {
        let tmux = try Tmux(["lesson", "1"], width: 120, height: 40)
        let first = try tmux.waitForScreen("chapter 1 with its figures reproduced") { lines in
            lines.contains { $0.contains("chapter 1/") } && lines.filter { $0.contains("✓") }.count == 3
        }
        #expect(first.last?.contains("NP chapter") == true && first.last?.contains("L text") == true, "\(first.joined(separator: "\n"))")
        #expect(first[0].contains("RNN(64, tanh)"))

        try tmux.send("N", literal: true)
        let second = try tmux.waitForScreen("chapter 2") { $0.contains { $0.contains("chapter 2/") } }
        #expect(!second.contains { $0.contains("chapter 1/") })
        try tmux.send("N", literal: true)
        let third = try tmux.waitForScreen("chapter 3, a comparison") { lines in
            lines.contains { $0.contains("chapter 3/") } && lines[0].contains("(1/2)")
        }
        #expect(third[0].contains("rnn"), "\(third.joined(separator: "\n"))")

        // L hides the chapter's panel (the charts take its rows) and shows it again.
        try tmux.send("L", literal: true)
        try tmux.waitForScreen("the text hidden") { !$0.contains { $0.contains("chapter 3/") } }
        try tmux.send("L", literal: true)
        try tmux.waitForScreen("the text shown") { $0.contains { $0.contains("chapter 3/") } }

        try tmux.send("P", literal: true)
        try tmux.waitForScreen("back to chapter 2") { $0.contains { $0.contains("chapter 2/") } }
        try tmux.send("q", literal: true)
        let (status, modes) = try tmux.exit()
        #expect(status == 0)
        #expect(DashboardTmuxTests.isNormal(modes), "\(modes)")
    }
}
