import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// The run record's `settings` in its documented shape: rnntop writes the flags' names
/// (no Swift coding leaks into it), reads its own back whole, reads the settings of logs
/// written before the shape was documented, and takes what another program writes.
@Suite struct SettingsRecordTests {
    /// The run a one-line log of `run` describes.
    static func header(_ run: String) throws -> RecordedRun.Header {
        let path = try RunLogTests.folder().appendingPathComponent("run.jsonl").path
        try (run + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RunLogReader(path: path)
        try reader.update()
        return try #require(reader.run?.header)
    }

    @Test func rnntopWritesTheDocumentedShape() throws {
        let (_, path) = try RunLogTests.loggedRun(steps: 20)
        let line = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        #expect(!line.contains("_0"), "no derived enum coding")
        let run = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let settings = try #require(run["settings"] as? [String: Any])
        #expect(settings["length"] as? [String: Int] == ["steps": 20])
        #expect(settings["cell"] as? String == "gru" && settings["hidden"] as? Int == 8 && settings["batch"] as? Int == 8)
        #expect(settings["eval_every"] as? Int == 50 && settings["seed"] as? Int == 1)
        #expect((settings["task"] as? [String: Any])?["seq_len"] as? Int == 12)
        let optimizer = try #require(settings["optimizer"] as? [String: Any])
        #expect(optimizer["name"] as? String == "adam" && optimizer["lr"] as? Double == 0.01)
        #expect(optimizer["betas"] as? [Double] == [0.9, 0.999] && optimizer["weight_decay"] as? Int == 0)
        let clip = try #require(settings["clip"] as? [String: Any])
        #expect(clip["mode"] as? String == "norm" && clip["threshold"] as? Int == 0)
    }

    @Test func anotherProgramsSettingsFillWhatTheyGive() throws {
        let header = try Self.header(
            #"{"type":"run","schema":1,"program":"rnntop-python 0.7.0","settings":{"optimizer":{"name":"adamw","lr":0.003,"betas":[0.8,0.99],"amsgrad":false},"batch":64,"length":{"steps":500}},"#
                + #""task":{"summary":"weather: tomorrow's temperature"},"model":{"cell":"gru","hidden":32,"layers":2,"input":5}}"#)
        #expect(header.optimizerName == "adamw" && header.taskName == "weather")
        let training = header.settings.training
        #expect(training.optimizer.learningRate == 0.003 && training.optimizer.beta1 == 0.8 && training.optimizer.beta2 == 0.99)
        #expect(training.batchSize == 64 && training.length == .steps(500))
        #expect(training.cell == .gru && training.hiddenSize == 32 && training.layers == 2)

        let known = try Self.header(
            #"{"type":"run","schema":1,"settings":{"optimizer":{"name":"sgd","lr":0.1,"momentum":0.9}},"task":{"summary":"a PyTorch training loop"}}"#)
        #expect(known.optimizerName == nil && known.settings.training.optimizer.kind == .sgd)
        #expect(known.settings.training.optimizer.momentum == 0.9 && known.taskName == "other")
    }

    @Test func logsFromBeforeTheShapeWasDocumentedKeepTheirSettings() throws {
        var settings = Runs.sine(steps: 300)
        settings.evaluationInterval = 25
        let old = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        #expect(old.contains("\"_0\":300"), "the coding rnntop 0.7 wrote")
        let header = try Self.header(#"{"type":"run","schema":1,"settings":"# + old + #","model":{"cell":"gru","hidden":8}}"#)
        #expect(header.settings == settings && header.taskName == nil)
    }
}
