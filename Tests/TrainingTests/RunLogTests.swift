import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// The run log: a session writes one JSON object per line, every line parses, the
/// records come on their schedules, and reading the log back gives the run the
/// session had, also a piece at a time while it grows or when it was cut short.
@Suite struct RunLogTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A finished sine run with a log of every step; its last snapshot and the log's path.
    static func loggedRun(steps: Int = 300, every: Int? = 1) throws -> (Snapshot, String) {
        let path = try folder().appendingPathComponent("run.jsonl").path
        var options = SessionOptions(stopWhenDone: true)
        options.log = RunLogOptions(path: path, every: every, program: "rnntop test")
        let session = try Session(settings: Runs.sine(steps: steps) { $0.evaluationInterval = 50 }, options: options)
        session.start()
        return (session.wait().snapshot, path)
    }

    static func records(_ path: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    @Test func everyLineIsAJSONObjectOnItsSchedule() throws {
        let (last, path) = try Self.loggedRun()
        let records = try Self.records(path)
        #expect(records.first?["type"] as? String == "run" && records.first?["schema"] as? Int == 1)
        #expect(records.last?["type"] as? String == "end" && records.last?["reason"] as? String == "done")
        func of(_ type: String) -> [[String: Any]] { records.filter { $0["type"] as? String == type } }
        #expect(of("step").compactMap { $0["step"] as? Int } == Array(1...300))
        #expect(of("eval").compactMap { $0["step"] as? Int } == [50, 100, 150, 200, 250, 300])
        #expect(of("grad_profile").compactMap { $0["step"] as? Int } == [1] + Array(stride(from: 10, through: 300, by: 10)))
        #expect(of("probe").compactMap { $0["step"] as? Int } == [1, 2, 5, 10, 20, 50, 100, 200, 300])
        let run = try #require(records.first)
        #expect(run["parameters"] as? Int == last.parameterCount)
        #expect((run["task"] as? [String: Any])?["summary"] as? String == last.taskSummary)
        #expect((run["model"] as? [String: Any])?["hiddenSize"] as? Int == 8)
        let step = try #require(of("step").last)
        for key in ["epoch", "loss", "lr", "grad_norm", "clipped", "batch", "seq_per_s", "elapsed"] { #expect(step[key] != nil, "\(key)") }
        let norms = try #require(of("param_norms").first)
        #expect((norms["grad"] as? [Any])?.count == last.parameterNames.count && (norms["weight"] as? [Any])?.count == last.parameterNames.count)
    }

    @Test func theDefaultIntervalThinsOutAsTheRunGrows() throws {
        let writer = try RunLogWriter(RunLogOptions(path: nil, program: "t"))
        let logged = (1...100_000).filter { writer.stepDue($0, validated: false) }
        #expect(logged.count == 1000 + 900 + 900)
        #expect(writer.stepDue(12_345, validated: true))
        #expect((1...1_000_000).filter(writer.probeDue).count == 19)
        #expect(throws: ConfigError.self) { try RunLogWriter(RunLogOptions(path: nil, every: 0, program: "t")) }
    }

    @Test func theLogReadsBackIntoTheRunTheSessionHad() throws {
        let (live, path) = try Self.loggedRun()
        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        #expect(reader.notes.isEmpty)
        let run = try #require(reader.run)
        #expect(run.lastStep == 300 && run.ending?.reason == "done")
        let replayed = run.snapshot(at: run.lastStep)
        #expect(replayed.step == live.step && replayed.model == live.model && replayed.settings == live.settings)
        #expect(replayed.baseline == live.baseline && replayed.parameterNames == live.parameterNames)
        // Values pass through float32 in the log.
        func close(_ a: MetricHistory, _ b: MetricHistory) -> Bool {
            a.recent.count == b.recent.count
                && zip(a.recent, b.recent).allSatisfy { $0.step == $1.step && abs($0.value - $1.value) <= 1e-6 * abs($1.value) + 1e-12 }
        }
        #expect(close(replayed.loss, live.loss) && close(replayed.gradientNorm, live.gradientNorm))
        #expect(close(replayed.validationLoss, live.validationLoss))
        let profile = try #require(replayed.hiddenGradientProfile.first), liveProfile = try #require(live.hiddenGradientProfile.first)
        #expect(zip(profile, liveProfile).allSatisfy { abs($0 - $1) <= 1e-3 * abs($1) })
        let probe = try #require(replayed.probe)
        #expect(replayed.probeStep == 300 && probe.gates.first?.map(\.name) == ["r", "z", "n"])
        #expect(probe.hidden[0].units == 8 && probe.hidden[0].steps == 12)

        // Earlier in the run: everything as it was then.
        let early = run.snapshot(at: 120)
        #expect(early.step == 120 && early.loss.last?.step == 120 && early.validationLoss.last?.step == 100)
        #expect(early.probeStep == 100 && early.state == .running)
    }

    @Test func aCharacterModelsSamplesReplay() throws {
        let folder = try Self.folder()
        let text = folder.appendingPathComponent("fox.txt")
        try Data(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40).utf8).write(to: text)
        let path = folder.appendingPathComponent("text.jsonl").path
        var options = SessionOptions(stopWhenDone: true)
        options.sampleInterval = 0
        options.log = RunLogOptions(path: path, program: "rnntop test")
        var settings = Runs.sine(steps: 60)
        settings.task = TaskOptions(kind: .text, dataPath: text.path, sequenceLength: 8)
        settings.training.dropout = 0
        settings.training.outputDropout = 0
        let session = try Session(settings: settings, options: options)
        session.start()
        let live = session.wait().snapshot
        let reader = try RunLogReader(path: path)
        try reader.update()
        let run = try #require(reader.run)
        #expect(!run.samples.isEmpty && run.samples.allSatisfy { !$0.text.isEmpty })
        #expect(run.snapshot(at: run.lastStep).textSample == live.textSample)
    }

    @Test func aNewModelMidRunIsInTheLogAndInTheReplay() throws {
        let path = try Self.folder().appendingPathComponent("model.jsonl").path
        var options = SessionOptions(startPaused: true)
        options.log = RunLogOptions(path: path, every: 1, program: "rnntop test")
        let session = try Session(settings: Runs.sine(steps: 1000), options: options)
        session.start()
        Runs.steps(session, 20)
        session.send(.changeModel(cell: .lstm, hiddenSize: 16))
        Runs.steps(session, 20)
        let live = session.snapshot
        session.send(.quit)
        _ = session.wait()

        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        let run = try #require(reader.run)
        #expect(run.models.map(\.step) == [20] && run.ending?.reason == "quit")
        // An event at step 20 took effect after step 20: the picture at 20 shows it, as the live one did.
        let before = run.snapshot(at: 19), after = run.snapshot(at: 40)
        #expect(run.snapshot(at: 20).model.cell == .lstm)
        #expect(before.model.cell == .gru && before.model.hiddenSize == 8)
        #expect(after.model == live.model && after.parameterCount == live.parameterCount && after.parameterNames == live.parameterNames)
        #expect(after.modelChanges == live.modelChanges)
        #expect(after.events.contains { $0.name == "model" && $0.step == 20 && $0.newValue == "LSTM(16)" })
    }

    @Test func aGrowingLogIsReadAPieceAtATime() throws {
        let (_, path) = try Self.loggedRun(steps: 200)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let growing = try Self.folder().appendingPathComponent("growing.jsonl")
        // The first half, cut in the middle of a line, as a writer may leave it.
        let half = bytes.count / 2
        try bytes.prefix(half).write(to: growing)
        let reader = try RunLogReader(path: growing.path)
        #expect(try reader.update())
        let before = try #require(reader.run).lastStep
        #expect(before > 0 && before < 200)
        let handle = try FileHandle(forWritingTo: growing)
        handle.seekToEndOfFile()
        handle.write(bytes.suffix(from: half))
        try handle.close()
        #expect(try reader.update())
        #expect(reader.run?.lastStep == 200 && reader.run?.ending != nil)
        #expect(try !reader.update())
    }

    @Test func aLogCutShortReadsUpToItsLastWholeLine() throws {
        let (_, path) = try Self.loggedRun(steps: 100)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.removeLast(7)
        let cut = try Self.folder().appendingPathComponent("cut.jsonl")
        try bytes.write(to: cut)
        let reader = try RunLogReader(path: cut.path)
        try reader.update()
        try reader.finish()
        #expect(reader.notes.count == 1 && reader.notes[0].contains("is cut short"))
        #expect(reader.run?.ending == nil && reader.run?.lastStep == 100)
    }

    @Test func numbersKeepFourDigitsAndStayJSON() throws {
        var generator = RandomGenerator(seed: 7)  // seeded: a failure can be replayed
        func fourDigits(_ value: Double) -> String {
            var line = JSONLine(type: .eval)
            let start = line.bytes.count
            line.fourDigits(value)
            return String(decoding: line.bytes[start...], as: UTF8.self)
        }
        for _ in 0..<20_000 {
            let value = Double.random(in: 1...10, using: &generator) * pow(10, Double(Int.random(in: -40...40, using: &generator)))
                * (Bool.random(using: &generator) ? 1 : -1)
            let text = fourDigits(value)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [Double]).first!
            #expect(abs(parsed - value) <= 5.0001e-4 * abs(value), "\(value) -> \(text)")
            #expect(text.count <= 10, "\(text)")
        }
        #expect(fourDigits(0.012345) == "0.01235" && fourDigits(-1234.5) == "-1235" && fourDigits(0) == "0")
        #expect(fourDigits(9.9996) == "10" && fourDigits(1e-7) == "1e-7" && fourDigits(2.5e12) == "2.5e12")
        var line = JSONLine(type: .event)
        line.field("nan", Double.nan)
        line.field("text", "a\"b\\c\u{1B}[31m\n")
        line.finish()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any])
        #expect(object["nan"] as? String == "NaN" && object["text"] as? String == "a\"b\\c\u{1B}[31m\n")
    }
}
