import Foundation
import RNNCore
import RNNData
import TestSupport
import Testing

@testable import Training

/// Checkpoints: resuming continues the run bit for bit; a bad file is refused whole.
@Suite struct CheckpointTests {
    /// Runs `settings` headless to its end, checkpointing at `path`.
    func runToEnd(_ settings: RunSettings, path: String) throws -> Checkpoint {
        var settings = settings
        settings.checkpointPath = path
        let session = try Session(settings: settings, options: SessionOptions(stopWhenDone: true))
        session.start()
        let end = session.wait()
        #expect(end.reason == .done && end.checkpointError == nil)
        return try Checkpoint.read(path)
    }

    static func seedPreset() -> RunSettings {
        var generator = RandomGenerator(seed: 1)
        let task = try! makeTask(TaskOptions(kind: .seed), generator: &generator)
        var settings = RunSettings(task: TaskOptions(kind: .seed), training: task.defaults, seed: 4)
        settings.training.length = .steps(60)
        return settings
    }

    static func textRun() throws -> RunSettings {
        var settings = Runs.sine()
        settings.task = TaskOptions(kind: .text, dataPath: Fixtures.data("hamlet.txt"), sequenceLength: 10)
        settings.training.cell = .lstm
        settings.training.batchSize = 4
        return settings
    }

    @Test(arguments: ["seed", "text"])
    func saveLoadAndGoOnEqualsGoingStraight(_ kind: String) throws {
        var settings = kind == "seed" ? Self.seedPreset() : try Self.textRun()
        let folder = try Fixtures.temporaryFolder()
        settings.training.length = .steps(60)
        let straight = try runToEnd(settings, path: folder.appendingPathComponent("straight.ckpt").path)
        #expect(straight.step == 60)

        settings.training.length = .steps(30)
        let half = folder.appendingPathComponent("half.ckpt").path
        let first = try runToEnd(settings, path: half)
        #expect(first.step == 30)
        let checkpoint = try Checkpoint.read(half)
        let session = try Session(resuming: checkpoint, length: .steps(60), options: SessionOptions(stopWhenDone: true))
        session.start()
        let end = session.wait()
        #expect(end.reason == .done && end.snapshot.step == 60)
        let continued = try Checkpoint.read(half)
        #expect(continued.step == 60)
        #expect(continued.parameters == straight.parameters, "the same weights, bit for bit")
        #expect(continued.optimizerState == straight.optimizerState)
        #expect(continued.header.generator == straight.header.generator)
        #expect(end.snapshot.loss.count == 60, "the histories go on from the checkpoint")
        #expect(end.snapshot.events.contains { $0.name == "resume" && $0.step == 30 })
    }

    @Test func aBadFileIsRefusedWhole() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        _ = try runToEnd(Runs.sine(steps: 5), path: path)
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        func refusal(_ bytes: Data) -> String {
            let file = folder.appendingPathComponent("bad-\(UUID().uuidString).ckpt").path
            _ = FileManager.default.createFile(atPath: file, contents: bytes)
            do {
                _ = try Checkpoint.read(file)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(refusal(good.prefix(good.count - 100)).contains("is truncated or damaged"))
        #expect(refusal(good.prefix(20)).contains("is truncated or damaged"))
        #expect(refusal(Data("hello, world, this is text".utf8)).contains("is not an rnntop checkpoint"))
        var weightsOnly = try SafetensorsFile.read(path)
        weightsOnly.metadata[Checkpoint.headerKey] = nil
        #expect(refusal(Data(weightsOnly.bytes())).contains("is a safetensors file but not an rnntop checkpoint"))
        var otherVersion = try SafetensorsFile.read(path)
        otherVersion.metadata[Checkpoint.formatKey] = "7"
        #expect(refusal(Data(otherVersion.bytes())).contains("field 'version': checkpoint format 7; this rnntop reads formats 1 and 2"))
        var damaged = good
        damaged[damaged.count - 20] ^= 0xFF
        #expect(refusal(damaged).contains("field 'checksum': does not match: the file is damaged"))
        var misplaced = try SafetensorsFile.read(path)
        misplaced.tensors["optimizer.exp_avg.rnn.weight_hh_l0"] = misplaced.tensors["rnn.weight_ih_l0"]
        misplaced.metadata[Checkpoint.checksumKey] = Checkpoint.checksum(of: misplaced, header: misplaced.metadata[Checkpoint.headerKey]!)
        #expect(refusal(Data(misplaced.bytes())).contains("tensor 'optimizer.exp_avg.rnn.weight_hh_l0' has shape [24, 1], not its parameter's [24, 8]"))
        #expect(throws: InputError(file: "/nowhere/run.ckpt", problem: "no such file")) {
            _ = try Checkpoint.read("/nowhere/run.ckpt")
        }
    }

    @Test func weightsThatDoNotFitTheDeclaredModelAreRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        _ = try runToEnd(Runs.sine(steps: 5), path: path)
        // The weights are for 8 units.
        let crafted = try Self.craft(path) { header in
            var model = header["model"] as? [String: Any] ?? [:]
            model["hiddenSize"] = 9
            header["model"] = model
        }
        #expect(throws: InputError.self) { _ = try Checkpoint.read(crafted) }
        do {
            _ = try Checkpoint.read(crafted)
        } catch {
            #expect(error.description.contains("field 'parameterCount': 273 values, but its model needs"))
        }
    }

    @Test func writingIsAtomic() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        _ = try runToEnd(Runs.sine(steps: 5), path: path)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty, "no temporary file is left behind")
        let unwritable = "/proc/rnntop-cannot-write-here.ckpt"
        let checkpoint = try Checkpoint.read(path)
        #expect(throws: InputError.self) { try checkpoint.write(to: unwritable) }
    }

    /// Rewrites a checkpoint's JSON header with `change` and gives it a right
    /// checksum again: a crafted file, which only the header checks can refuse.
    static func craft(_ path: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        var file = try SafetensorsFile.read(path)
        let json = try #require(file.metadata[Checkpoint.headerKey])
        var header = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        change(&header)
        let crafted = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        file.metadata[Checkpoint.headerKey] = crafted
        file.metadata[Checkpoint.checksumKey] = Checkpoint.checksum(of: file, header: crafted)
        let out = path + "-crafted-\(UUID().uuidString)"
        try file.write(to: out)
        return out
    }

    /// The checkpoint is a safetensors file whose weights are `--save-weights`'s, under
    /// PyTorch's names, beside the optimizer's buffers in their parameters' shapes.
    @Test func aCheckpointIsSafetensorsWithTheWeightsUnderPyTorchsNames() throws {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("run.ckpt").path
        let checkpoint = try runToEnd(Runs.sine(steps: 5), path: path)
        let file = try SafetensorsFile.read(path)
        let weights = try PyTorchWeights.parameters(from: Checkpoint.modelWeights(of: file), path: path, for: checkpoint.model)
        #expect(weights == checkpoint.parameters)
        #expect(file.tensors["rnn.weight_hh_l0"]?.shape == [24, 8] && file.tensors["optimizer.exp_avg.rnn.weight_hh_l0"]?.shape == [24, 8])
        #expect(file.metadata["cell"] == "gru" && file.metadata[Checkpoint.formatKey] == "2")
    }

    /// A checkpoint of the first format ("RNNTOPCK"), written by an earlier rnntop,
    /// still resumes and trains on.
    @Test func aCheckpointOfTheFirstFormatStillResumes() throws {
        let path = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/checkpoints/format1-copy-rnn.ckpt").path
        let saved = try Checkpoint.read(path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).starts(with: Checkpoint.legacyMagic))
        let copy = try Fixtures.temporaryFolder().appendingPathComponent("resumed.ckpt").path
        let session = try Session(
            resuming: saved, length: .steps(saved.step + 5), checkpointPath: copy, options: SessionOptions(stopWhenDone: true))
        session.start()
        let end = session.wait()
        #expect(end.reason == .done && end.snapshot.step == saved.step + 5)
        #expect(try Checkpoint.read(copy).step == saved.step + 5, "written again in the new format")
    }

    @Test func aCraftedHeaderIsRefusedNamingItsField() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        _ = try runToEnd(Runs.sine(steps: 5), path: path)
        func refusal(_ change: (inout [String: Any]) -> Void) throws -> String {
            let crafted = try Self.craft(path, change)
            do {
                _ = try Checkpoint.read(crafted)
                return "accepted"
            } catch {
                return error.description
            }
        }
        func nested(_ header: inout [String: Any], _ keys: [String], _ value: Any) {
            func set(_ object: inout [String: Any], _ keys: ArraySlice<String>) {
                guard let first = keys.first else { return }
                if keys.count == 1 {
                    object[first] = value
                } else {
                    var inner = object[first] as? [String: Any] ?? [:]
                    set(&inner, keys.dropFirst())
                    object[first] = inner
                }
            }
            set(&header, keys[...])
        }
        #expect(try refusal { _ in } == "accepted")
        #expect(try refusal { nested(&$0, ["settings", "training", "batchSize"], 0) }.contains("field 'settings': batch: must be between 1 and"))
        #expect(try refusal { nested(&$0, ["model", "hiddenSize"], 1 << 40) }.contains("field 'model': hidden: must be at most 65536"))
        #expect(try refusal { $0["step"] = -100 }.contains("field 'step': -100 is not a step of a run"))
        #expect(try refusal { $0["optimizerSteps"] = -1 }.contains("field 'optimizerSteps'"))
        #expect(try refusal { $0["optimizerBuffers"] = ["sum"] }.contains("field 'optimizerBuffers'"))
        #expect(try refusal { $0["evaluationInterval"] = 0 }.contains("field 'evaluationInterval': must be at least 1"))
        #expect(try refusal { nested(&$0, ["settings", "evaluationInterval"], -3) }.contains("field 'settings': eval-every: must be at least 1"))
        #expect(try refusal { nested(&$0, ["generator", "state"], []) }.contains("field 'header': cannot be decoded"))
        #expect(try refusal { nested(&$0, ["histories", "loss", "exactPoints"], -1) }.contains("field 'header': cannot be decoded"))
        #expect(try refusal { nested(&$0, ["histories", "loss", "recent"], [["step": Int.min, "value": 1]]) }.contains("field 'header': cannot be decoded"))
        #expect(try refusal { $0["epochs"] = 1e300 }.contains("field 'epochs'"))
        #expect(try refusal { $0["carriedState"] = ["batch": Int.max / 2, "hidden": [], "cell": []] }.contains("field 'carriedState'"))
    }

    @Test func aDivergedRunIsSavedAsItWasAndResumesToBeRolledBack() throws {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("diverged.ckpt").path
        var settings = Runs.sine(steps: 1000) { $0.training.optimizer = OptimizerSettings(kind: .sgd, learningRate: 1e30) }
        settings.checkpointPath = path
        let session = try Session(settings: settings, options: SessionOptions())
        session.start()
        let diverged = Runs.wait(for: session) { $0.state == .diverged }
        session.send(.quit)
        let end = session.wait()
        #expect(end.checkpointError == nil, "\(end.checkpointError ?? "")")
        let saved = try Checkpoint.read(path)
        #expect(saved.diverged && saved.step == diverged.step && saved.rollback != nil)
        let histories = saved.header.histories.loss.recent + saved.header.histories.gradientNorm.recent
        #expect(histories.contains { !$0.value.isFinite }, "the NaN or infinity is kept as it was")
        let copy = path + ".copy"
        try FileManager.default.copyItem(atPath: path, toPath: copy)

        // On the dashboard it comes back diverged, with the copy to roll back to.
        let again = try Session(resuming: saved, options: SessionOptions())
        #expect(again.snapshot.state == .diverged && again.snapshot.canRollBack)
        again.start()
        again.send(.rollBack)
        again.send(.setLearningRate(1e-3))
        again.send(.resume)
        Runs.wait(for: again) { $0.step >= saved.step + 5 }
        #expect(again.snapshot.loss.last.map { $0.value.isFinite } == true)
        again.send(.quit)
        _ = again.wait()

        // Headless, it is rolled back and goes on.
        let headless = try Session(resuming: try Checkpoint.read(copy), length: .steps(saved.step + 3), options: SessionOptions(stopWhenDone: true, stopOnDivergence: true))
        #expect(headless.snapshot.state == .running)
        #expect(headless.snapshot.events.last?.message.contains("written after a divergence: rolled back to the weights before its last update") == true)
        headless.start()
        _ = headless.wait()
    }

    /// A text's place in a crafted checkpoint (a window longer than a stream, a
    /// stream past the text's end, a batch the text has no room for) is refused when
    /// the run is resumed, naming what does not fit; nothing reads past the text.
    @Test func aCraftedPlaceInTheTextIsRefusedOnResume() throws {
        let path = try Fixtures.temporaryFolder().appendingPathComponent("text.ckpt").path
        var settings = try Self.textRun()
        settings.training.length = .steps(3)
        _ = try runToEnd(settings, path: path)
        func refusal(_ change: (inout [String: Any]) -> Void) throws -> String {
            let saved = try Checkpoint.read(try Self.craft(path, change))
            do {
                _ = try Session(resuming: saved, checkpointPath: path + ".resumed", options: SessionOptions())
                return "resumed"
            } catch {
                return "\(error)"
            }
        }
        func cursor(_ key: String, _ value: Int) -> (inout [String: Any]) -> Void {
            { header in
                var place = header["taskCursor"] as? [String: Any] ?? [:]
                place[key] = value
                header["taskCursor"] = place
            }
        }
        #expect(try refusal { _ in } == "resumed")
        #expect(try refusal(cursor("steps", 1 << 40)).contains("its place in the text does not fit this text"))
        #expect(try refusal(cursor("position", Int.max)).contains("its place in the text does not fit this text"))
        #expect(try refusal(cursor("streams", -1)).contains("its place in the text does not fit this text"))
        let batch = try refusal { header in
            var settings = header["settings"] as? [String: Any] ?? [:], training = settings["training"] as? [String: Any] ?? [:]
            training["batchSize"] = 1_000_000
            settings["training"] = training
            header["settings"] = settings
        }
        #expect(batch.contains("batch: at most "), "\(batch)")
    }
}

