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
        #expect(refusal(good.prefix(good.count - 100)).contains("is truncated"))
        #expect(refusal(good.prefix(20)).contains("is truncated"))
        #expect(refusal(Data("hello, world, this is text".utf8)).contains("is not an rnntop checkpoint"))
        var otherVersion = good
        otherVersion[8] = 7
        #expect(refusal(otherVersion).contains("field 'version': checkpoint format 7; this rnntop reads format 1"))
        var damaged = good
        damaged[damaged.count - 20] ^= 0xFF
        #expect(refusal(damaged).contains("field 'checksum': does not match: the file is damaged"))
        #expect(throws: InputError(file: "/nowhere/run.ckpt", problem: "no such file")) {
            _ = try Checkpoint.read("/nowhere/run.ckpt")
        }
    }

    @Test func weightsThatDoNotFitTheDeclaredModelAreRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("run.ckpt").path
        var checkpoint = try runToEnd(Runs.sine(steps: 5), path: path)
        checkpoint.header.model.hiddenSize = 9  // the weights are for 8 units
        try checkpoint.write(to: path)
        #expect(throws: InputError.self) { _ = try Checkpoint.read(path) }
        do {
            _ = try Checkpoint.read(path)
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
}
