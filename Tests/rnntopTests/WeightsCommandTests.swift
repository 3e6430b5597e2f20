import Foundation
import RNNData
import TestSupport
import Testing
import Training

/// `--init-from` and `--save-weights` as a user meets them: the model follows the file,
/// a file that does not fit is refused with exit status 2 and the tensor's name, and a
/// path that cannot be written is found before training starts.
@Suite struct WeightsCommandTests {
    @Test func theModelFollowsTheFileAndRunsGoOnFromIt() throws {
        let folder = try Fixtures.temporaryFolder()
        let first = folder.appendingPathComponent("first.safetensors").path
        let saved = try CommandRunner.run(["--cell", "gru", "--layers", "2", "--hidden", "12", "--steps", "3", "--headless", "--save-weights", first])
        #expect(saved.status == 0, "\(saved.standardError)")
        #expect(FileManager.default.fileExists(atPath: first))

        // No --cell, --hidden or --layers: the file says GRU(12) x2.
        let log = folder.appendingPathComponent("run.jsonl").path
        let resumed = try CommandRunner.run(["--init-from", first, "--steps", "2", "--headless", "--log", log])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.contains("GRU(12, tanh) x2"))
        let run = try #require(try RunLogCommandTests.records(log).first)
        let settings = try #require(run["settings"] as? [String: Any])
        #expect(settings["init_from"] as? String == first && settings["cell"] as? String == "gru" && settings["hidden"] as? Int == 12)
    }

    @Test func aFileThatDoesNotFitIsRefusedWithTheTensorsName() throws {
        let folder = try Fixtures.temporaryFolder()
        let weights = folder.appendingPathComponent("gru.safetensors").path
        #expect(try CommandRunner.run(["--cell", "gru", "--hidden", "8", "--steps", "1", "--headless", "--save-weights", weights]).status == 0)

        let sine = try CommandRunner.run(["--task", "sine", "--init-from", weights, "--steps", "1", "--headless"])
        #expect(sine.status == 2)
        #expect(sine.standardError.contains("gru.safetensors: tensor 'rnn.weight_ih_l0' has shape [24, 2]; a GRU(8) on 1 input with a Dense(1) head needs [24, 1]"))
        let lstm = try CommandRunner.run(["--init-from", weights, "--cell", "lstm", "--steps", "1", "--headless"])
        #expect(lstm.status == 2 && lstm.standardError.contains("tensor 'rnn.weight_ih_l0' has shape [24, 2]; an LSTM(8)"))

        let text = folder.appendingPathComponent("notes.txt").path
        try "not weights\n".write(toFile: text, atomically: true, encoding: .utf8)
        let notSafetensors = try CommandRunner.run(["--init-from", text, "--steps", "1", "--headless"])
        #expect(notSafetensors.status == 2 && notSafetensors.standardError.contains("notes.txt: is not a safetensors file"))
        let missing = try CommandRunner.run(["--init-from", folder.appendingPathComponent("nope.safetensors").path, "--headless"])
        #expect(missing.status == 2 && missing.standardError.contains("nope.safetensors: no such file"))
        let both = try CommandRunner.run(["--init-from", weights, "--resume", weights, "--headless"])
        #expect(both.status == 2 && both.standardError.contains("give --init-from or --resume, not both"))
    }

    @Test func aPathThatCannotBeWrittenIsFoundBeforeTraining() throws {
        let folder = try Fixtures.temporaryFolder()
        let missing = try CommandRunner.run(["--steps", "100000", "--headless", "--save-weights", folder.path + "/no/such/w.safetensors"])
        #expect(missing.status == 2 && missing.standardError.contains("field '--save-weights': cannot be written: its folder"))
        #expect(!missing.standardError.contains("epoch"), "refused before the first step")
        let onFolder = try CommandRunner.run(["--steps", "1", "--headless", "--save-weights", folder.path])
        #expect(onFolder.status == 2 && onFolder.standardError.contains("is a folder: give a file's path"))
    }

    /// A checkpoint is a safetensors file too: `--init-from` takes its weights (and
    /// leaves its optimizer state, settings and history to `--resume`).
    @Test func aRunStartsFromACheckpointsWeights() throws {
        let folder = try Fixtures.temporaryFolder()
        let checkpoint = folder.appendingPathComponent("run.ckpt").path
        let saved = try CommandRunner.run(["--cell", "lstm", "--hidden", "10", "--steps", "3", "--headless", "--checkpoint", checkpoint])
        #expect(saved.status == 0, "\(saved.standardError)")
        let started = try CommandRunner.run(["--init-from", checkpoint, "--steps", "2", "--headless"])
        #expect(started.status == 0, "\(started.standardError)")
        #expect(started.standardError.contains("LSTM(10, tanh)") && started.standardError.contains("step 2/"))
    }

    /// The file decides the activation: a flag that says otherwise is refused, as
    /// one that says another cell is.
    @Test func anActivationFlagThatContradictsTheFileIsRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        let weights = folder.appendingPathComponent("tanh.safetensors").path
        #expect(try CommandRunner.run(["--hidden", "6", "--steps", "2", "--headless", "--save-weights", weights]).status == 0)
        let contradicted = try CommandRunner.run(["--init-from", weights, "--activation", "relu", "--steps", "2", "--headless"])
        #expect(contradicted.status == 2 && contradicted.standardError.contains("were trained with tanh, not relu"), "\(contradicted.standardError)")
        let agreed = try CommandRunner.run(["--init-from", weights, "--activation", "tanh", "--steps", "2", "--headless"])
        #expect(agreed.status == 0, "\(agreed.standardError)")
    }

    /// A weights file too large to train is refused from its size, before it is read
    /// (a sparse file: it takes no disk).
    @Test func aFileTooLargeToTrainIsRefusedBeforeItIsRead() throws {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("huge.safetensors").path
        let descriptor = open(path, O_WRONLY | O_CREAT, 0o644)
        #expect(ftruncate(descriptor, off_t(MemoryLimit.machine / 4) + (1 << 20)) == 0)
        close(descriptor)
        let started = Date()
        let outcome = try CommandRunner.run(["--init-from", path, "--steps", "1", "--headless"])
        #expect(outcome.status == 2 && outcome.standardError.contains("of weights: training them takes at least 4 times that"), "\(outcome.standardError)")
        #expect(Date().timeIntervalSince(started) < 10, "refused, not read")
    }
}
