import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// A classifier's accuracy: kept by step and at every validation like the loss,
/// written in the run log's step and eval records beside the loss, and read back
/// into the same histories; a regression's log has none, and still reads.
@Suite struct AccuracyLogTests {
    /// A short selective-copy run with a log of every step; its last snapshot and the log.
    static func loggedRun(kind: TaskKind, length: Int) throws -> (Snapshot, String) {
        let path = try RunLogTests.folder().appendingPathComponent("run.jsonl").path
        var options = SessionOptions(stopWhenDone: true)
        options.log = RunLogOptions(path: path, every: 1, program: "rnntop test")
        let settings = Runs.sine(steps: 60) {
            $0.task = TaskOptions(kind: kind, sequenceLength: length)
            $0.evaluationInterval = 20
        }
        let session = try Session(settings: settings, options: options)
        session.start()
        return (session.wait().snapshot, path)
    }

    @Test func theAccuracyIsLoggedAndReadBack() throws {
        let (live, path) = try Self.loggedRun(kind: .selectiveCopy, length: 40)
        #expect(live.accuracy.count == 60 && live.validationAccuracy.recent.map(\.step) == [20, 40, 60])
        #expect(live.accuracy.recent.allSatisfy { (0...1).contains($0.value) })
        #expect(live.baseline.accuracy == 0.125)
        let records = try RunLogTests.records(path)
        let steps = records.filter { $0["type"] as? String == "step" }, evals = records.filter { $0["type"] as? String == "eval" }
        #expect(steps.allSatisfy { $0["accuracy"] is Double } && evals.allSatisfy { $0["accuracy"] is Double })
        let baseline = ((records.first?["task"] as? [String: Any])?["baseline"] as? [String: Any])?["accuracy"] as? Double
        #expect(baseline == 0.125)

        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        let run = try #require(reader.run)
        let replayed = run.snapshot(at: run.lastStep)
        func close(_ a: MetricHistory, _ b: MetricHistory) -> Bool {
            a.recent.count == b.recent.count && zip(a.recent, b.recent).allSatisfy { $0.step == $1.step && abs($0.value - $1.value) <= 1e-6 }
        }
        #expect(close(replayed.accuracy, live.accuracy) && close(replayed.validationAccuracy, live.validationAccuracy))
        #expect(replayed.baseline == live.baseline)
        let early = run.snapshot(at: 30)
        #expect(early.accuracy.last?.step == 30 && early.validationAccuracy.recent.map(\.step) == [20])
    }

    @Test func aRegressionLogsNoAccuracyAndReadsWithout() throws {
        let (live, path) = try Self.loggedRun(kind: .sine, length: 12)
        #expect(live.accuracy.count == 0 && live.validationAccuracy.count == 0 && live.baseline.accuracy == nil)
        let records = try RunLogTests.records(path)
        #expect(records.allSatisfy { $0["accuracy"] == nil })
        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        let replayed = try #require(reader.run).snapshot(at: 60)
        #expect(replayed.accuracy.count == 0 && replayed.validationAccuracy.count == 0 && replayed.loss.count == 60)
    }
}
