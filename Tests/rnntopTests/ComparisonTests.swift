import ArgumentParser
import Foundation
import TestSupport
import Testing
import TerminalUI

@testable import RNNCore
import RNNData
@testable import Training
@testable import rnntop

/// Several runs in one command: the lists of values that make them, their names and
/// files, the headless table and exit status, and the replay of their logs.
@Suite struct ComparisonTests {
    static func grid(_ arguments: [String]) throws -> RunGrid {
        try TrainCommand.parse(arguments).runGrid()
    }

    @Test func listsMakeEveryCombinationNamedByWhatDiffers() throws {
        let cells = try Self.grid(["--cell", "rnn,lstm,gru"])
        #expect(cells.runs.map(\.name) == ["rnn", "lstm", "gru"])
        let defaults = TaskDefaults(cell: .rnn, hiddenSize: 8, optimizer: OptimizerSettings(kind: .adam), batchSize: 4, length: .steps(10))
        #expect(cells.runs.map { $0.choices.applied(to: defaults).cell } == [.rnn, .lstm, .gru])

        let both = try Self.grid(["--cell", "rnn,lstm", "--lr", "1e-3,1e-2", "--hidden", "32"])
        #expect(both.runs.map(\.name) == ["rnn lr=1e-3", "rnn lr=1e-2", "lstm lr=1e-3", "lstm lr=1e-2"])
        #expect(both.runs.allSatisfy { $0.choices.applied(to: defaults).hiddenSize == 32 })
        #expect(both.runs.map { $0.choices.applied(to: defaults).optimizer.learningRate } == [1e-3, 1e-2, 1e-3, 1e-2])
        // Another optimizer starts from its own settings, then the learning rate given.
        let switched = try Self.grid(["--lr", "0.5", "--optimizer", "sgd", "--dropout", "0.3", "--clip", "2"]).runs[0].choices.applied(to: defaults)
        #expect(switched.optimizer.kind == .sgd && switched.optimizer.learningRate == 0.5)
        #expect(switched.dropout == 0.3 && switched.outputDropout == 0.3 && switched.clipping.threshold == 2)

        let alone = try Self.grid(["--cell", "lstm", "--lr", "0.01"])
        #expect(!alone.isComparison && alone.runs.map(\.name) == [""])
        #expect(try Self.grid(["--optimizer", "adam,sgd", "--init", "torch,keras"]).runs.map(\.name) == [
            "adam init=torch", "adam init=keras", "sgd init=torch", "sgd init=keras",
        ])
        #expect(try Self.grid(["--lr", "1e-3,1e-2", "--optimizer", "adam,sgd"]).runs.map(\.name) == [
            "adam lr=1e-3", "adam lr=1e-2", "sgd lr=1e-3", "sgd lr=1e-2",
        ])
    }

    @Test func moreThanEightRunsOrAValueTwiceIsRefused() throws {
        #expect(throws: ConfigError.self) { try Self.grid(["--cell", "rnn,lstm,gru", "--lr", "1e-3,1e-2,1e-1"]) }
        #expect(throws: ConfigError.self) { try Self.grid(["--cell", "lstm,lstm"]) }
        // Ten lists of 100 values: 1e20 combinations, refused without overflowing.
        let hundred = (1...100).map(String.init).joined(separator: ",")
        let many = ["--hidden", "--layers", "--batch"].flatMap { [$0, hundred] }
            + ["--lr", "--clip", "--dropout"].flatMap { [$0, (1...100).map { "0.00\($0)" }.joined(separator: ",")] }
        #expect(throws: ConfigError.self) { try Self.grid(many) }
        #expect(throws: (any Error).self) { try Self.grid(["--cell", "rnn,lstn"]) }
        #expect(throws: (any Error).self) { try Self.grid(["--lr", "1e-3,"]) }
        #expect(throws: (any Error).self) { try Self.grid(["--cell", "rnn,lstm", "--resume", "x.ckpt"]) }

        let outcome = try CommandRunner.run(["--cell", "rnn,lstm,gru", "--lr", "1e-3,1e-2,1e-1", "--headless"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--cell, --lr: 3 x 3 values make 9 runs; a comparison holds at most 8"))
        let bad = try CommandRunner.run(["--task", "sine", "--batch", "8,0", "--headless"])
        #expect(bad.status == 2 && bad.standardError.contains("batch: must be at least 1 (got 0) (run batch=0)"), "\(bad.standardError)")
    }

    @Test func eachRunHasItsOwnFilesNamedAfterIt() {
        let files = RunFiles(name: "lstm lr=1e-2")
        #expect(files.path("run.jsonl") == "run.lstm_lr=1e-2.jsonl")
        #expect(files.path("logs/v1.2/run.csv") == "logs/v1.2/run.lstm_lr=1e-2.csv")
        #expect(files.path("logs/run") == "logs/run.lstm_lr=1e-2")
        #expect(files.path(".hidden") == ".hidden.lstm_lr=1e-2")
        #expect(RunFiles(name: nil).path("run.jsonl") == "run.jsonl")
    }

    @Test func headlessRunsWriteALogEachAndEndWithATable() throws {
        let folder = try Fixtures.temporaryFolder().path
        let outcome = try CommandRunner.run([
            "--task", "sine", "--cell", "rnn,gru", "--hidden", "8", "--steps", "40", "--headless", "--log", "\(folder)/run.jsonl",
            "--csv", "\(folder)/run.csv", "--checkpoint", "\(folder)/run.ckpt",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("rnn: RNN(8, tanh)") } && lines.contains { $0.hasPrefix("gru: GRU(8, tanh)") })
        #expect(lines.contains { $0.hasPrefix("rnn: epoch ") } && lines.contains { $0.hasPrefix("gru: epoch ") })
        let header = try #require(lines.firstIndex { $0.hasPrefix("run ") && $0.contains("validation") && $0.contains("ended") })
        #expect(lines[header + 1].hasPrefix("rnn ") && lines[header + 1].hasSuffix("done") && lines[header + 1].contains(" 40 "))
        #expect(lines[header + 2].hasPrefix("gru ") && lines[header + 2].hasSuffix("done"))
        for name in ["rnn", "gru"] {
            let log = try String(contentsOfFile: "\(folder)/run.\(name).jsonl", encoding: .utf8)
            #expect(log.hasPrefix(#"{"type":"run","schema":1,"program":"rnntop"#) && log.contains(#""name":"\#(name)""#))
            #expect(FileManager.default.fileExists(atPath: "\(folder)/run.\(name).csv"))
            #expect(try Checkpoint.read("\(folder)/run.\(name).ckpt").settings.training.cell == (name == "rnn" ? .rnn : .gru))
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/run.jsonl"))
    }

    @Test func aControlLineGoesToEveryRunAndItsFileIsEachRunsOwn() throws {
        let folder = try Fixtures.temporaryFolder().path
        let control = "\(folder)/ctl"
        try "checkpoint \(folder)/now.ckpt\nlr 0.005\nquit\n".write(toFile: control, atomically: true, encoding: .utf8)
        let outcome = try CommandRunner.run([
            "--task", "sine", "--cell", "rnn,gru", "--hidden", "8", "--steps", "1000000", "--headless", "--control", control,
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        for (name, cell) in [("rnn", CellKind.rnn), ("gru", .gru)] {
            let saved = try Checkpoint.read("\(folder)/now.\(name).ckpt")
            #expect(saved.settings.training.cell == cell && saved.step < 1_000_000)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/now.ckpt"))
        let table = outcome.standardError.split(separator: "\n").filter { $0.hasSuffix("quit") }
        #expect(table.count == 2, "both runs stopped: \(outcome.standardError)")
    }

    @Test func aRunThatDivergesMakesTheExitStatusOne() throws {
        let outcome = try CommandRunner.run([
            "--task", "sine", "--cell", "rnn", "--activation", "relu", "--hidden", "16", "--optimizer", "sgd", "--lr", "0.01,1e9",
            "--clip", "0", "--steps", "60", "--headless",
        ])
        #expect(outcome.status == 1, "\(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("lr=0.01 ") && $0.hasSuffix("done") })
        #expect(lines.contains { $0.hasPrefix("lr=1e9 ") && $0.hasSuffix("diverged") })
    }

    @Test func severalLogsReplayTogetherNamedByTheirRecordOrFile() throws {
        let folder = try Fixtures.temporaryFolder().path
        let made = try CommandRunner.run([
            "--task", "sine", "--cell", "lstm,gru", "--hidden", "8", "--steps", "30", "--headless", "--log", "\(folder)/cmp.jsonl",
        ])
        #expect(made.status == 0, "\(made.standardError)")
        let other = try CommandRunner.run(["--task", "sine", "--hidden", "8", "--steps", "60", "--headless", "--log", "\(folder)/plain.jsonl"])
        #expect(other.status == 0, "\(other.standardError)")
        let paths = ["\(folder)/cmp.lstm.jsonl", "\(folder)/cmp.gru.jsonl", "\(folder)/plain.jsonl"]
        let set = ReplaySet(try paths.map { ($0, try ReplayFeed(reader: try RunLogReader(path: $0), following: false)) })
        let runs = try #require(set.runs)
        #expect(runs.map(\.name) == ["lstm", "gru", "plain"])
        #expect(set.position.lastStep == 60 && set.position.ended)
        // One cursor for all: the shorter runs stop at their last step.
        set.moveToStart()
        set.move(by: 0.5)
        let middle = try #require(set.runs)
        #expect(middle[2].snapshot.step == set.position.step && (25...35).contains(set.position.step))
        #expect(middle[0].snapshot.step == min(set.position.step, 30))
        set.moveToEnd()
        #expect(try #require(set.runs).map(\.snapshot.step) == [30, 30, 60])

        // Another program's minimal log (the README's) joins them, named by its file.
        let foreign = "\(folder)/my-trainer.jsonl"
        try """
            {"type":"run","schema":1,"program":"my-trainer 2.1","model":{"cell":"gru","hidden":32},"task":{"summary":"my series","baseline":{"loss":0.9,"predictor":"persistence"}}}
            {"type":"step","step":1,"loss":0.95,"lr":0.001}
            {"type":"step","step":2,"loss":0.91,"lr":0.001}
            {"type":"eval","step":2,"loss":0.93}
            {"type":"end","reason":"done","step":2}

            """.write(toFile: foreign, atomically: true, encoding: .utf8)
        let mixed = ReplaySet(try (paths + [foreign]).map { ($0, try ReplayFeed(reader: try RunLogReader(path: $0), following: false)) })
        let shown = try #require(mixed.runs)
        #expect(shown.map(\.name) == ["lstm", "gru", "plain", "my-trainer"])
        for focus in shown.indices {
            var view = ViewState()
            view.focusedRun = focus
            view.replay = mixed.position
            let screen = DashboardScreen(snapshot: shown[focus].snapshot, view: view, theme: DashboardThemes.standard, context: .full, now: 0, runs: shown)
                .render(width: 120, height: 40).lines.joined(separator: "\n")
            #expect(screen.contains("my-trainer") && screen.contains("waiting for the first step"), "no profile in its log")
            #expect(screen.contains("(\(focus + 1)/4)"))
        }

        let summary = try CommandRunner.run(["replay"] + paths)
        #expect(summary.status == 0, "\(summary.standardError)")
        #expect(summary.standardOutput.contains("cmp.lstm.jsonl: rnntop") && summary.standardOutput.contains("plain.jsonl: rnntop"))
        #expect(try CommandRunner.run(["replay"] + Array(repeating: paths[0], count: 9)).status == 2)
    }
}
