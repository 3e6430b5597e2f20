import Foundation
import RNNCore
import RNNData
import TestSupport
import Testing
import TerminalUI
import Training

@testable import rnntop

/// Headless runs with `--log` and `--csv` as a user or a script meets them: every
/// line parses, a command typed on standard input mid-run is in the log at the step
/// it took effect, `rnntop replay` reads what was written (and refuses what it cannot
/// read, saying why), and the replayed chart is the live one.
@Suite struct RunLogCommandTests {
    static func records(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test func theSeedPresetWritesAWholeLogAndItsCsv() throws {
        let folder = try Fixtures.temporaryFolder()
        let log = folder.appendingPathComponent("seed.jsonl").path, csv = folder.appendingPathComponent("seed.csv").path
        let outcome = try CommandRunner.run(["--preset", "seed", "--headless", "--log", log, "--csv", csv])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let records = try Self.records(log)
        let types = records.map { $0["type"] as? String ?? "" }
        #expect(types.first == "run" && types.last == "end")
        // 100 epochs of 4 batches: every step is logged at the default interval.
        let steps = records.filter { $0["type"] as? String == "step" }
        #expect(steps.compactMap { $0["step"] as? Int } == Array(1...400))
        #expect(steps.allSatisfy { ($0["lr"] as? Double).map { abs($0 - 0.001) < 1e-9 } == true })
        // Validation once an epoch while it takes under a tenth of the time, and at the end.
        let evaluations = records.filter { $0["type"] as? String == "eval" }.compactMap { $0["step"] as? Int }
        #expect(evaluations.count >= 10 && evaluations.last == 400)
        let run = try #require(records.first), settings = try #require(run["settings"] as? [String: Any])
        #expect((settings["task"] as? [String: Any])?["kind"] as? String == "seed")
        #expect(run["program"] as? String == "rnntop \(RNNTop.version)")
        #expect(records.last?["reason"] as? String == "done")

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "step,epoch,loss,val_loss,lr,grad_norm,clipped,batch,seq_per_s,elapsed")
        #expect(rows.count == 401)
        let last = rows[400].split(separator: ",", omittingEmptySubsequences: false)
        #expect(last.count == 10 && last[0] == "400" && last[1] == "100.0" && !last[3].isEmpty, "\(last)")
    }

    @Test func logEverySetsTheStepRecordsIntervalAndNeedsALog() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("sparse.jsonl").path
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "100", "--headless", "--eval-every", "50", "--log", log, "--log-every", "25"])
        #expect(outcome.status == 0)
        let steps = try Self.records(log).filter { $0["type"] as? String == "step" }.compactMap { $0["step"] as? Int }
        #expect(steps == [25, 50, 75, 100])
        let alone = try CommandRunner.run(["--task", "sine", "--steps", "10", "--headless", "--log-every", "5"])
        #expect(alone.status == 2 && alone.standardError.contains("--log-every needs --log or --csv"))
        let zero = try CommandRunner.run(["--task", "sine", "--steps", "10", "--headless", "--log", log, "--log-every", "0"])
        #expect(zero.status == 2 && zero.standardError.contains("log-every: must be at least 1 (got 0)"))
        let theme = try CommandRunner.run(["replay", log, "--theme", "solarised"])
        #expect(theme.status == 2 && theme.standardError.contains("no theme named 'solarised'"))
    }

    @Test func aCommandOnStandardInputIsLoggedAtTheStepItTookEffect() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("adding.jsonl").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["--task", "adding", "--steps", "100000", "--headless", "--log", log]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        func loggedSteps() -> Int {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.hasPrefix("{\"type\":\"step\"") }.count
        }
        let deadline = Date().addingTimeInterval(60)
        while loggedSteps() < 50 && Date() < deadline { usleep(20_000) }
        input.fileHandleForWriting.write(Data("lr 5e-4\nbogus 3\n".utf8))
        var records: [[String: Any]] = []
        while Date() < deadline {
            records = (try? Self.records(log)) ?? []
            if let changed = records.first(where: { $0["name"] as? String == "lr" }), let at = changed["step"] as? Int,
                records.contains(where: { $0["type"] as? String == "step" && ($0["step"] as? Int ?? 0) > at + 5 })
            {
                break
            }
            usleep(50_000)
        }
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("rnntop: standard input: line 2: unknown command 'bogus'"))

        records = try Self.records(log)
        let event = try #require(records.first { $0["type"] as? String == "event" && $0["name"] as? String == "lr" })
        #expect(event["source"] as? String == "control" && event["old"] as? String == "0.01" && event["new"] as? String == "5e-4")
        let at = try #require(event["step"] as? Int)
        #expect(at >= 50)
        let steps = records.filter { $0["type"] as? String == "step" }.map { ($0["step"] as! Int, $0["lr"] as! Double) }
        #expect(steps.filter { $0.0 <= at }.allSatisfy { abs($0.1 - 0.01) < 1e-9 })
        #expect(!steps.filter { $0.0 > at }.isEmpty && steps.filter { $0.0 > at }.allSatisfy { abs($0.1 - 0.0005) < 1e-9 })
        let quit = try #require(records.last { $0["type"] as? String == "event" })
        #expect(quit["name"] as? String == "quit" && records.last?["reason"] as? String == "quit")
    }

    @Test func aControlFifoTakesCommandsFromOneWriterAfterAnother() throws {
        let folder = try Fixtures.temporaryFolder()
        let fifo = folder.appendingPathComponent("ctl").path, log = folder.appendingPathComponent("run.jsonl").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["--task", "sine", "--steps", "10000000", "--headless", "--log", log, "--control", fifo]
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Two writers, one after the other, as `echo ... > ctl` twice.
        for line in ["lr 0.002\n", "quit\n"] {
            let handle = try #require(FileHandle(forWritingAtPath: fifo))
            handle.write(Data(line.utf8))
            try handle.close()
            usleep(300_000)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let missing = try CommandRunner.run(["--task", "sine", "--steps", "10", "--headless", "--control", folder.path + "/nope"])
        #expect(missing.status == 2 && missing.standardError.contains("nope: field '--control': no such file"))
        let events = try Self.records(log).filter { $0["type"] as? String == "event" }
        let fromControl = events.filter { $0["source"] as? String == "control" }
        #expect(fromControl.map { $0["name"] as? String ?? "" } == ["lr", "quit"])
        // Besides them, at most the run's own note that validation was spaced out.
        #expect(events.count == fromControl.count || events.allSatisfy { $0["source"] as? String == "control" || $0["name"] as? String == "eval-every" })
    }

    @Test func theReplayedChartIsTheLiveOne() throws {
        let log = try Fixtures.temporaryFolder().appendingPathComponent("sine.jsonl").path
        var options = SessionOptions(stopWhenDone: true)
        options.log = RunLogOptions(path: log, every: 1, program: "rnntop test")
        options.probeInterval = 0
        var generator = RandomGenerator(seed: 1)
        var training = try makeTask(TaskOptions(kind: .sine), generator: &generator).defaults
        training.length = .steps(600)
        let session = try Session(settings: RunSettings(task: TaskOptions(kind: .sine), training: training, seed: 1), options: options)
        session.start()
        let live = session.wait().snapshot

        let feed = try ReplayFeed(reader: try RunLogReader(path: log), following: false)
        let replayed = try #require(feed.snapshot)
        var view = ViewState()
        view.replay = feed.position
        let theme = DashboardThemes.standard
        let liveScreen = DashboardScreen(snapshot: live, view: ViewState(), theme: theme, context: .full, now: 0).render(width: 80, height: 24)
        let replayScreen = DashboardScreen(snapshot: replayed, view: view, theme: theme, context: .full, now: 0).render(width: 80, height: 24)
        // The loss panel (rows 1-10, columns 0-47) and the gradient norm chart under it.
        // The profile's headline is the median of recent profiles: the live run's last
        // 32 steps, the log's last profiles (every tenth step here), so only its word
        // must agree.
        for y in 1...21 {
            let left = { (buffer: Buffer) in (0..<48).map { buffer[$0, y] } }
            guard !liveScreen.lines[y].contains("∂L/∂h_t") else {
                let headline = { (buffer: Buffer) in buffer.lines[y].replacingOccurrences(of: #"t1/tT \S+"#, with: "t1/tT …", options: .regularExpression) }
                #expect(headline(liveScreen) == headline(replayScreen))
                continue
            }
            #expect(left(liveScreen) == left(replayScreen), "row \(y): \(liveScreen.lines[y].prefix(48)) | \(replayScreen.lines[y].prefix(48))")
        }
        #expect(replayScreen.lines[0].contains("step 600 of 600") && replayScreen.lines[0].hasSuffix("● replay: ended"))
        // The settings as they were, without the keys that would change them live.
        let settings = try #require(replayScreen.lines.first { $0.contains("│lr    ") })
        #expect(liveScreen.lines.contains { $0.contains("│lr    ") && $0.contains("+-") } && !settings.contains("+-"))
    }

    @Test func replayRefusesWhatItCannotReadAndSaysWhy() throws {
        let folder = try Fixtures.temporaryFolder()
        func replay(_ name: String, _ contents: String?) throws -> CommandRunner.Outcome {
            let path = folder.appendingPathComponent(name).path
            if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
            return try CommandRunner.run(["replay", path])
        }
        let missing = try replay("missing.jsonl", nil)
        #expect(missing.status == 2 && missing.standardError.hasSuffix("missing.jsonl: no such file\n"))
        let empty = try replay("empty.jsonl", "")
        #expect(empty.status == 2 && empty.standardError.hasSuffix("empty.jsonl: is empty: not a run log\n"))
        let csv = try replay("data.jsonl", "step,loss\n1,0.5\n")
        #expect(csv.status == 2 && csv.standardError.hasSuffix("data.jsonl: line 1: not a run log: the first line is not a JSON object\n"))

        let (_, path) = try Self.finishedLog()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let future = try replay("future.jsonl", text.replacingOccurrences(of: "\"schema\":1", with: "\"schema\":7"))
        #expect(future.status == 2 && future.standardError.contains("line 1: written with log schema 7; this rnntop reads schema 1"))
        let cut = try replay("cut.jsonl", String(text.dropLast(9)))
        #expect(cut.status == 0)
        #expect(cut.standardError.contains("is cut short (the run was stopped while writing it)"))
        #expect(cut.standardOutput.contains("no end record"))
        let whole = try CommandRunner.run(["replay", path])
        #expect(whole.status == 0 && whole.standardError.isEmpty)
        #expect(whole.standardOutput.contains("ended: done at step 200"))
        let broken = try replay("broken.jsonl", text.replacingOccurrences(of: "{\"type\":\"eval\"", with: "{\"type\":\"eval\"]"))
        #expect(broken.status == 2 && broken.standardError.contains(": not JSON"))
    }

    @Test func aResumedRunGoesOnInItsLogAndAnEarlierCheckpointRewindsIt() throws {
        let folder = try Fixtures.temporaryFolder()
        let log = folder.appendingPathComponent("run.jsonl").path, csv = folder.appendingPathComponent("run.csv").path
        let at200 = folder.appendingPathComponent("200.ckpt").path, at300 = folder.appendingPathComponent("300.ckpt").path
        let first = try CommandRunner.run(["--task", "sine", "--steps", "200", "--headless", "--log", log, "--csv", csv, "--checkpoint", at200])
        let second = try CommandRunner.run(["--resume", at200, "--steps", "300", "--headless", "--log", log, "--csv", csv, "--checkpoint", at300])
        #expect(first.status == 0 && second.status == 0)
        var records = try Self.records(log)
        #expect(records.filter { $0["type"] as? String == "run" }.count == 1)
        #expect(records.filter { $0["type"] as? String == "step" }.compactMap { $0["step"] as? Int } == Array(1...300))
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 301 && rows.filter { $0.hasPrefix("step,") }.count == 1)

        // Going back to step 200 again: what the run did from 201 to 300 is replaced.
        let third = try CommandRunner.run(["--resume", at200, "--steps", "250", "--headless", "--log", log, "--csv", csv])
        #expect(third.status == 0)
        // The CSV has each step once: the rows after 200 that the second run wrote are gone.
        let steps = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.prefix { $0 != "," } }
        #expect(steps.map { Int($0) } == Array(1...250))
        records = try Self.records(log)
        #expect(records.filter { $0["type"] as? String == "step" }.count == 350)
        let feed = try ReplayFeed(reader: try RunLogReader(path: log), following: false)
        let run = try #require(feed.run)
        #expect(run.steps.step.map(Int.init) == Array(1...250) && run.lastStep == 250 && run.ending?.step == 250)
        #expect(run.events.filter { $0.name == "resume" }.count == 2 && run.events.allSatisfy { $0.step <= 250 })
    }

    /// The README's example of a log written by another program.
    @Test func aLogFromAnotherProgramReplays() throws {
        let path = try Fixtures.write(
            """
            {"type":"run","schema":1,"program":"my-trainer 2.1","model":{"cell":"gru","hidden":32},"task":{"summary":"my series","baseline":{"loss":0.9,"predictor":"persistence"}}}
            {"type":"step","step":1,"loss":0.95,"lr":0.001}
            {"type":"step","step":2,"loss":0.91,"lr":0.001,"my_metric":3}
            {"type":"eval","step":2,"loss":0.93}
            {"type":"my_record","anything":[1,2]}
            {"type":"end","reason":"done","step":2}

            """, named: "foreign.jsonl")
        let outcome = try CommandRunner.run(["replay", path])
        #expect(outcome.status == 0 && outcome.standardError.isEmpty)
        #expect(outcome.standardOutput.contains("my-trainer 2.1, other, GRU(32, tanh)"))
        #expect(outcome.standardOutput.contains("ended: done at step 2; loss 0.9100, validation 0.9300, baseline 0.9000"))
        // Without a baseline the summary says so, not "baseline NaN".
        let bare = try Fixtures.write(
            """
            {"type":"run","schema":1,"program":"my-trainer 2.1","model":{"cell":"gru","hidden":32}}
            {"type":"step","step":1,"loss":0.95}
            {"type":"end","reason":"done","step":1}

            """, named: "bare.jsonl")
        let summary = try CommandRunner.run(["replay", bare]).standardOutput
        #expect(summary.contains("ended: done at step 1; loss 0.9500, no baseline in the log") && !summary.contains("NaN"))
        // As Python's json.dumps writes it: spaces after the separators.
        let python = try Fixtures.write(
            """
            {"type": "run", "schema": 1, "model": {"cell": "rnn", "hidden": 8}}
            {"type": "step", "step": 1, "loss": 0.5, "extra": [1, 2]}
            {"step": 2, "type": "step", "loss": 0.25}

            """, named: "python.jsonl")
        let fromPython = try CommandRunner.run(["replay", python])
        #expect(fromPython.status == 0 && fromPython.standardOutput.contains("to step 2: 2 step records"), "\(fromPython.standardError)")
        #expect(fromPython.standardOutput.contains("loss 0.2500"))
        let noSchema = try Fixtures.write("{\"type\":\"run\",\"model\":\"lstm\"}\n", named: "old.jsonl")
        let refused = try CommandRunner.run(["replay", noSchema])
        #expect(refused.status == 2 && refused.standardError.contains("line 1: the run record has no \"schema\" version"))
    }

    @Test func controlLinesReadLikeTheKeys() throws {
        #expect(try ControlLine.parse("lr 5e-4") == .setLearningRate(5e-4))
        #expect(try ControlLine.parse("  clip 0.5 value ") == .setClipping(threshold: 0.5, mode: .value))
        #expect(try ControlLine.parse("cell lstm") == .changeModel(cell: .lstm, hiddenSize: nil))
        #expect(try ControlLine.parse("reset") == .resetWeights(seed: nil) && ControlLine.parse("reset 7") == .resetWeights(seed: 7))
        #expect(try ControlLine.parse("# a comment") == nil && ControlLine.parse("") == nil)
        #expect(throws: ControlLine.Problem.self) { try ControlLine.parse("lr fast") }
        #expect(throws: ControlLine.Problem.self) { try ControlLine.parse("pause now") }
        #expect(throws: ControlLine.Problem.self) { try ControlLine.parse("optimizer adamw") }
    }

    /// A finished 200-step sine run's log.
    static func finishedLog() throws -> (CommandRunner.Outcome, String) {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("run.jsonl").path
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "200", "--headless", "--log", path])
        #expect(outcome.status == 0)
        return (outcome, path)
    }
}
