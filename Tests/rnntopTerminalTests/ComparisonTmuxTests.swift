import Foundation
import TestSupport
import Testing

/// The three-way lesson as a user meets it, in tmux: `rnntop --cell rnn,lstm,gru`
/// shows every run in the legend and the table, the vanilla RNN at the baseline and
/// the LSTM and the GRU below it, a gradient profile each; keys act on the focused
/// run only, or with A on every run.
@Suite(.serialized) struct ComparisonTmuxTests {
    /// A run's smoothed loss from its row of the table (run, loss, val, best val,
    /// steps, state), once the row says it is done.
    static func loss(of run: String, in screen: [String]) -> Double? {
        let row = #"[▶ ] "# + run + #" +([0-9.e+-]+) +\S+ +\S+ +[0-9,]+ +done"#
        for line in screen {
            guard let match = line.range(of: row, options: .regularExpression) else { continue }
            let fields = line[match].split(separator: " ")
            return Double(fields[fields.firstIndex { $0 == run }! + 1])
        }
        return nil
    }

    @Test func theLessonShowsEveryRunAndKeysActOnTheFocusedOne() throws {
        let tmux = try Tmux(["--cell", "rnn,lstm,gru", "--steps", "1000"], width: 120, height: 40)
        let first = try tmux.waitForScreen("the legend and the footer") { lines in
            lines.joined().contains("▶rnn") && lines.joined().contains("lstm") && lines.last?.contains("q quit") == true
        }
        #expect(first[0].contains("▶ rnn (1/3)") && first[0].contains("RNN(64, tanh)"))
        #expect(first.last!.contains("1-3,. run"))

        // Three runs of 1,000 steps share two cores: well within a minute.
        var done: [String] = []
        for _ in 0..<3 where done.isEmpty {
            done = (try? tmux.waitForScreen("every run done") { lines in
                ["rnn", "lstm", "gru"].allSatisfy { Self.loss(of: $0, in: lines) != nil }
            }) ?? []
        }
        let screen = done.joined(separator: "\n")
        let rnn = try #require(Self.loss(of: "rnn", in: done), "\(screen)")
        let lstm = try #require(Self.loss(of: "lstm", in: done))
        let gru = try #require(Self.loss(of: "gru", in: done))
        // The adding problem's baseline is 1/6: the RNN stays near it, the others learn.
        #expect(rnn > 0.1, "\(screen)")
        #expect(lstm < 0.05 && gru < 0.05, "\(screen)")
        #expect(done.filter { $0.contains("t1/tT") }.count == 3, "a profile per run")
        #expect(done.contains { $0.contains("▶rnn") && $0.contains("vanishing") })

        // 2 focuses the LSTM; + doubles its learning rate, and only its.
        try tmux.send("2", literal: true)
        try tmux.waitForScreen("the LSTM focused") { $0[0].contains("▶ lstm (2/3)") && $0[0].contains("LSTM(64, tanh)") }
        try tmux.send("+", literal: true)
        try tmux.waitForScreen("the LSTM's lr doubled") { $0[0].contains("lstm (2/3)") && $0[0].contains("adam lr 0.02") }
        try tmux.send(",", literal: true)
        try tmux.waitForScreen("the RNN, its lr as it was") { $0[0].contains("▶ rnn (1/3)") && $0[0].contains("adam lr 0.01") }

        // A: keys act on every run, each from its own value.
        try tmux.send("A", literal: true)
        try tmux.waitForScreen("every run's keys") { $0[0].contains("keys: all") }
        try tmux.send("+", literal: true)
        try tmux.waitForScreen("the RNN's lr doubled") { $0[0].contains("rnn (1/3)") && $0[0].contains("adam lr 0.02") }
        try tmux.send(".", literal: true)
        try tmux.waitForScreen("the LSTM's doubled again") { $0[0].contains("lstm (2/3)") && $0[0].contains("adam lr 0.04") }
        try tmux.send("3", literal: true)
        try tmux.waitForScreen("the GRU's doubled once") { $0[0].contains("gru (3/3)") && $0[0].contains("adam lr 0.02") }

        try tmux.send("q", literal: true)
        let exit = try tmux.exit()
        #expect(exit.status == 0)
        let after = try tmux.waitForScreen("the summary table") { lines in
            lines.contains { $0.hasPrefix("run ") && $0.contains("ended") } && lines.contains { $0.hasPrefix("gru ") }
        }
        #expect(after.contains { $0.hasPrefix("lstm ") && $0.contains("1,000") })
    }
}
