import Foundation
import RNNData
import TestSupport
import Testing
import Training

/// Inputs that used to trap, abort or be taken silently, as a user meets them: each
/// is refused with exit status 2 and a message naming the file, the line and the
/// field (or, once training runs, refused while the run goes on), and nothing traps.
@Suite struct BadInputTests {
    static func expectRefusal(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try CommandRunner.run(arguments + ["--headless"])
        #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)", sourceLocation: sourceLocation)
    }

    /// A text too short for the batch the user asks for.
    static func smallText() throws -> String {
        try Fixtures.write(String(repeating: "to be, or not to be, that is the question. ", count: 70), named: "short.txt")
    }

    @Test func impossibleSettingsAreRefusedBeforeTraining() throws {
        try Self.expectRefusal(["--task", "sine", "--eval-every", "0"], "eval-every: must be at least 1 (got 0)")
        try Self.expectRefusal(["--task", "sine", "--eval-every=-3"], "eval-every: must be at least 1 (got -3)")
        try Self.expectRefusal(["--task", "text", "--data", try Self.smallText(), "--batch", "5000"], "batch: at most ")
        try Self.expectRefusal(["--task", "text", "--data", "/dev/zero"], "/dev/zero: is not a regular file")
    }

    @Test func settingsBeyondTheMemoryAreRefusedWithWhatTheyNeed() throws {
        try Self.expectRefusal(["--hidden", "65536", "--steps", "1"], "memory: RNN(65536) with batches of 32 × 50 steps needs ")
        try Self.expectRefusal(["--batch", "1000000000", "--steps", "1"], "with batches of 1000000000 × 50 steps needs ")
        try Self.expectRefusal(["--seq-len", "1000000000"], "seq-len: the adding task's validation data (101 sequences of 1000000000 steps) needs ")
        let outcome = try CommandRunner.run(["--hidden", "65536", "--headless"])
        #expect(outcome.standardError.contains(" of memory (parameters, gradients and optimizer state ") && outcome.standardError.contains(" there is"))
    }

    @Test func refusedControlValuesAreReportedAndTheRunGoesOn() throws {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["--task", "text", "--data", try Self.smallText(), "--seq-len", "20", "--hidden", "16", "--steps", "200", "--headless"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("batch 0\nlr nan\nhidden -1\nbatch 5000\nhidden 65536\n".utf8))
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        for refusal in [
            "refused: batch: must be between 1 and 2147483647 (got 0)", "refused: learning rate: must be a finite number >= 0 (got nan)",
            "refused: hidden: must be at least 1 (got -1)", "refused: batch: at most 129 streams of 21 characters",
            "refused: hidden: LSTM(65536) with batches of 32 × 20 steps needs ",
        ] {
            #expect(stderr.contains(refusal), "\(refusal)\n\(stderr)")
        }
        #expect(stderr.contains("done: 200 steps"))
    }

    @Test func outputsAreCheckedBeforeTrainingAndAFailedWriteIsReported() throws {
        let folder = try Fixtures.temporaryFolder()
        try Self.expectRefusal(
            ["--task", "sine", "--checkpoint", folder.path + "/missing/run.ckpt"],
            "missing/run.ckpt: field '--checkpoint': cannot be written: its folder \(folder.path)/missing does not exist")
        try Self.expectRefusal(["--task", "sine", "--checkpoint", folder.path], "field '--checkpoint': is a folder")
        try Self.expectRefusal(["--task", "sine", "--log", folder.path], "field '--log': cannot be written")

        let full = try CommandRunner.run(["--task", "sine", "--steps", "50", "--headless", "--log", "/dev/full"])
        #expect(full.status == 1)
        let lines = full.standardError.split(separator: "\n")
        let failure = try #require(lines.firstIndex { $0.contains("/dev/full: cannot be written (No space left on device); the run log stops here") })
        let summary = try #require(lines.firstIndex { $0.hasPrefix("done: 50 steps") })
        #expect(failure < summary, "reported when it happened, not at the end")
    }

    @Test func aKilledWritesTemporaryFileIsCleanedUp() throws {
        let folder = try Fixtures.temporaryFolder()
        // The temporary file of a process that is gone, as a kill in mid-write leaves it.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let stale = folder.appendingPathComponent(".run.ckpt.tmp-\(gone.processIdentifier)").path
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("half a checkpoint".utf8)))
        let outcome = try CommandRunner.run(["--task", "sine", "--steps", "5", "--headless", "--checkpoint", folder.path + "/run.ckpt"])
        #expect(outcome.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["run.ckpt"])
    }

    @Test func aDivergedRunIsCheckpointedAndResumesWithALowerRate() throws {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("blown.ckpt").path
        let blown = try CommandRunner.run(["--task", "sine", "--optimizer", "sgd", "--lr", "1e30", "--steps", "100", "--checkpoint", path])
        #expect(blown.status == 1 && blown.standardError.contains("diverged at step"))
        #expect(!blown.standardError.contains("cannot encode"), "\(blown.standardError)")
        let saved = try Checkpoint.read(path)
        #expect(saved.diverged)
        let resumed = try CommandRunner.run(["--resume", path, "--lr", "1e-3", "--steps", "\(saved.step + 20)"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("done: \(saved.step + 20) steps"))
    }

    /// Every message and summary line reaches the terminal with control characters
    /// escaped, a file's name included: it cannot clear the screen or recolour it.
    @Test func aFileNameWithEscapesIsPrintedEscaped() throws {
        let folder = try Fixtures.temporaryFolder().path
        let name = folder + "/run\u{1B}[2J\u{7}.csv"
        let missing = try CommandRunner.run(["--task", "csv", "--data", name, "--steps", "1", "--headless"])
        #expect(missing.status == 2 && !missing.standardError.contains("\u{1B}") && missing.standardError.contains("run\\u{1B}[2J\\u{7}.csv"))
        let named = try CommandRunner.run(["--task", "sine", "--lr", "0.01,0.02", "--steps", "2", "--headless", "--log", name + ".jsonl"])
        #expect(named.status == 0 && !named.standardError.contains("\u{1B}"), "\(named.standardError)")
    }
}
