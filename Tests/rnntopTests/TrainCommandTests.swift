import Foundation
import TestSupport
import Testing

@testable import Training
@testable import rnntop

/// `rnntop train`, as a user runs it: reports while it trains, exits 0 when done and
/// 1 when the run diverged, and refuses bad input with exit 2 before training starts.
@Suite struct TrainCommandTests {
    @Test func aShortRunReportsEpochsAndASummary() throws {
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "200", "--headless"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.first?.hasPrefix("sine:") == true)
        #expect(lines.contains { $0.hasPrefix("GRU(32, tanh) -> Dense(1, last step)") && $0.contains("baseline") })
        #expect(lines.contains { $0.hasPrefix("epoch 2/2  step 100/100  loss ") && $0.contains(" val ") && $0.contains("seq/s") })
        #expect(lines.last?.hasPrefix("done: 200 steps") == true)
    }

    @Test func aLongRunsEpochsEndOnTheirLastStepDespiteRounding() {
        // A million steps of 1/100 epoch each sum to a hair more or less than 10,000.
        for drift in [-2e-7, 2e-7] {
            let lines = Locked<[String]>([])
            let progress = ProgressLines { line in lines.withLock { $0.append(line) } }
            progress.expect(steps: 1_000_000, epochs: 10_000, stepsPerEpoch: 100)
            progress.observe(
                StepRecord(
                    step: 492_200, epochs: 4922 + drift, endsEpoch: true, loss: 1, gradientNorm: 1, clipped: false, learningRate: 0.01,
                    batchSize: 1, validationLoss: nil, elapsed: 100, sequences: 492_200))
            #expect(lines.withLock { $0 }.first?.hasPrefix("epoch 4922/10000  step 100/100  loss 1.0000") == true, "\(lines.withLock { $0 })")
        }
    }

    @Test func progressLinesCountStepsWithinTheEpochAndComeEveryTenSecondsInALongOne() {
        let lines = Locked<[String]>([])
        let progress = ProgressLines { line in lines.withLock { $0.append(line) } }
        progress.expect(steps: 2000, epochs: 2, stepsPerEpoch: 1000)
        for step in 1...2000 {
            // 25 ms a step: an epoch takes 25 s.
            progress.observe(
                StepRecord(
                    step: step, epochs: Double(step) / 1000, endsEpoch: step % 1000 == 0, loss: step <= 1000 ? 2 : 1,
                    gradientNorm: 1, clipped: false, learningRate: 0.01, batchSize: 32, validationLoss: step % 1000 == 0 ? 0.5 : nil,
                    elapsed: Double(step) * 0.025, sequences: step * 32))
        }
        let shown = lines.withLock { $0 }
        #expect(shown.count == 6, "\(shown)")
        #expect(shown[0] == "epoch 1/2  step 400/1000  loss 2.0000  1.3e3 seq/s  eta 0:40")
        #expect(shown[2] == "epoch 1/2  step 1000/1000  loss 2.0000  val 0.5000  1.3e3 seq/s  eta 0:25")
        #expect(shown[3].hasPrefix("epoch 2/2  step 400/1000  loss 1.0000"))
        #expect(shown[5].hasPrefix("epoch 2/2  step 1000/1000  loss 1.0000  val 0.5000"))
        #expect(Format.scientific(12_345) == "1.2e4" && Format.scientific(99_960) == "1e5" && Format.scientific(8) == "8e0")

        // A run resumed in the middle of the second epoch still counts its steps in it.
        let resumed = Locked<[String]>([])
        let again = ProgressLines { line in resumed.withLock { $0.append(line) } }
        again.expect(steps: 2000, epochs: 2, stepsPerEpoch: 1000)
        for step in 1501...2000 {
            again.observe(
                StepRecord(
                    step: step, epochs: Double(step) / 1000, endsEpoch: step == 2000, loss: 1, gradientNorm: 1, clipped: false,
                    learningRate: 0.01, batchSize: 32, validationLoss: nil, elapsed: Double(step - 1500) * 0.025,
                    sequences: (step - 1500) * 32))
        }
        let afterResume = resumed.withLock { $0 }
        #expect(afterResume.count == 2, "\(afterResume)")
        #expect(afterResume.first?.hasPrefix("epoch 2/2  step 900/1000  loss 1.0000") == true)
        #expect(afterResume.last?.hasPrefix("epoch 2/2  step 1000/1000  loss 1.0000") == true)
    }

    @Test func anEpochOfATextIsItsStepsExactly() throws {
        let outcome = try CommandRunner.run(["--task", "text", "--data", Fixtures.data("hamlet.txt"), "--epochs", "2", "--headless"])
        #expect(outcome.status == 0)
        #expect(outcome.standardError.contains("epoch 2/2  step 97/97  loss "))
        #expect(outcome.standardError.contains("done: 194 steps"))
    }

    @Test func thePresetIsTheKerasExample() throws {
        let outcome = try CommandRunner.run(["train", "--preset", "seed", "--epochs", "3"])
        #expect(outcome.status == 0)
        #expect(outcome.standardError.contains("LSTM(50, relu) -> Dropout(0.2) -> Dense(1, last step), 10651 parameters"))
        #expect(outcome.standardError.contains("adam lr 0.001, batch 32"))
        #expect(outcome.standardError.contains("epoch 3/3  step 4/4"))
        let conflict = try CommandRunner.run(["--preset", "seed", "--task", "adding"])
        #expect(conflict.status == 2 && conflict.standardError.contains("--preset seed trains the seed task"))
    }

    @Test func aDivergingRunExitsOne() throws {
        let outcome = try CommandRunner.run(["--task", "sine", "--optimizer", "sgd", "--lr", "1e30", "--steps", "100"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("diverged at step"))
    }

    @Test func badDataIsRefusedBeforeTraining() throws {
        let header = try Fixtures.write("year,value\n", named: "header.csv")
        let empty = try Fixtures.write("", named: "empty.csv")
        let letters = try Fixtures.write("t,v\n" + (1...30).map { "\($0),\($0)" }.joined(separator: "\n") + "\n31,lots\n", named: "cells.csv")
        let short = try Fixtures.write("v\n1\n2\n3\n4\n", named: "short.csv")
        let binary = try Fixtures.temporaryFolder().appendingPathComponent("data.bin")
        try Data((0..<64).map { UInt8($0) }).write(to: binary)
        let cases: [([String], String)] = [
            (["--task", "csv", "--data", "/no/where.csv"], "/no/where.csv: no such file"),
            (["--task", "csv", "--data", empty], "empty.csv: is empty"),
            (["--task", "csv", "--data", header], "header.csv: line 1: has a header but no data rows"),
            (["--task", "csv", "--data", letters, "--column", "rain"], "field 'rain': no such column; the columns are 0: t, 1: v"),
            (["--task", "csv", "--data", letters, "--column", "v"], "cells.csv: line 32: field 'v': 'lots' is not a number"),
            (["--task", "csv", "--data", short], "short.csv: has 4 data rows: too few for windows of 20 steps"),
            (["--task", "text", "--data", binary.path], "data.bin: looks like a binary file, not text"),
            (["--task", "adding", "--seq-len", "0"], "seq-len: must be at least 1 (got 0)"),
            (["--task", "csv"], "data: the csv task needs --data PATH"),
            (["--hidden", "0"], "hidden: must be at least 1 (got 0)"),
            (["--dropout", "1"], "dropout: must be in [0, 1) (got 1.0)"),
            (["--lr=-0.1"], "learning rate: must be a finite number >= 0 (got -0.1)"),
            (["--cell", "transformer"], "transformer"),
            (["--steps", "5", "--epochs", "5"], "give --steps or --epochs, not both"),
        ]
        for (arguments, message) in cases {
            let outcome = try CommandRunner.run(arguments)
            #expect(outcome.status == 2, "\(arguments): status \(outcome.status)")
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
            #expect(!outcome.standardError.contains("epoch "), "\(arguments): refused before training")
        }
    }

    @Test func realDataTrains() throws {
        let outcome = try CommandRunner.run(["--task", "csv", "--data", Fixtures.data("sunspots.csv"), "--steps", "100"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("not modelled as dates or years: YEAR"))
        #expect(outcome.standardError.contains("baseline 0.9544 (persistence (next = last))"))
    }
}

/// Checkpoints and signals from the command line.
@Suite struct TrainCheckpointTests {
    @Test func anInterruptedRunSavesItsCheckpointAndResumes() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["--task", "sine", "--steps", "10000000", "--checkpoint", path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Wait for the first epoch line, then interrupt.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("epoch ") {
            let more = errors.fileHandleForReading.availableData
            if more.isEmpty { break }  // the process ended
            seen += more
        }
        process.interrupt()
        seen += errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let text = String(decoding: seen, as: UTF8.self)
        let stopped = text.components(separatedBy: "interrupted at step ").last?.prefix { $0.isNumber }
        let step = try #require(stopped.flatMap { Int($0) }, "\(text)")
        #expect(FileManager.default.fileExists(atPath: path))

        let resumed = try CommandRunner.run(["--resume", path, "--steps", "\(step + 50)"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("resumed at step \(step)"))
        #expect(resumed.standardError.contains("done: \(step + 50) steps"))
        let other = try CommandRunner.run(["--resume", path, "--cell", "lstm"])
        #expect(other.status == 2)
        #expect(other.standardError.contains("holds a GRU(32) run on sine; --cell lstm asks for another"))
        let garbage = try Fixtures.write("not a checkpoint at all", named: "x.ckpt")
        let refused = try CommandRunner.run(["--resume", garbage])
        #expect(refused.status == 2 && refused.standardError.contains("x.ckpt: is not an rnntop checkpoint"))
    }

    /// `--resume X` goes on in X, and the settings given beside it are applied (each
    /// an event from the command line) or refused with a reason, never ignored.
    @Test func aResumedRunGoesOnInItsFileWithTheSettingsGiven() throws {
        let folder = try Fixtures.temporaryFolder()
        let original = folder.appendingPathComponent("run.ckpt").path, copy = folder.appendingPathComponent("copy.ckpt").path
        #expect(try CommandRunner.run(["--task", "sine", "--steps", "40", "--checkpoint", original]).status == 0)
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let log = folder.appendingPathComponent("run.jsonl").path
        let resumed = try CommandRunner.run([
            "--resume", copy, "--steps", "60", "--lr", "0.002", "--optimizer", "sgd", "--batch", "16", "--dropout", "0.1", "--clip", "0.5",
            "--eval-every", "7", "--log", log,
        ])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try Checkpoint.read(copy).step == 60, "the copy goes on")
        #expect(try Checkpoint.read(original).step == 40, "the original is left alone")
        let settings = try Checkpoint.read(copy).settings
        #expect(settings.training.optimizer.kind == .sgd && settings.training.optimizer.learningRate == 0.002)
        #expect(settings.training.batchSize == 16 && settings.training.dropout == 0.1 && settings.training.clipping.threshold == 0.5)
        #expect(settings.evaluationInterval == 7)
        let events = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains("\"source\":\"command-line\"") }
        #expect(events.count == 6, "\(events)")
        #expect(events.allSatisfy { $0.contains("\"step\":40") && $0.contains("\"applied\":true") })

        let refused = try CommandRunner.run(["--resume", original, "--seed", "9", "--init", "keras"])
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("holds a GRU(32) run on sine; --seed 9, --init keras asks for another"), "\(refused.standardError)")
        let otherModel = try CommandRunner.run(["--resume", original, "--momentum", "0.9", "--cell", "lstm", "--hidden", "32"])
        #expect(otherModel.status == 2)
        #expect(otherModel.standardError.contains("holds a GRU(32) run on sine; --cell lstm, --momentum 0.9 asks for another"), "\(otherModel.standardError)")
        let impossible = try CommandRunner.run(["--resume", original, "--batch", "0"])
        #expect(impossible.status == 2 && impossible.standardError.contains("batch: must be between 1 and"), "\(impossible.standardError)")
        // A length the run has reached would train nothing: said, exit 2.
        let behind = try CommandRunner.run(["--resume", original, "--steps", "30", "--headless"])
        #expect(behind.status == 2 && behind.standardError.contains("the run is at step 40: --steps 30 leaves nothing to train"), "\(behind.standardError)")
        #expect(try Checkpoint.read(original).step == 40)
        let folderAsControl = try CommandRunner.run(["--resume", original, "--steps", "50", "--headless", "--control", folder.path])
        #expect(folderAsControl.status == 2 && folderAsControl.standardError.contains("field '--control': is a folder"), "\(folderAsControl.standardError)")
    }
}

