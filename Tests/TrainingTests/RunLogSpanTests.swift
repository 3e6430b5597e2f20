import Foundation
import RNNCore
import Testing

@testable import Training

/// A log that keeps one step record in 10 keeps every spike: each kept record
/// carries the minimum, maximum and mean of the steps it stands for, the reader
/// gives them to the histories, and a log without them still reads.
@Suite struct RunLogSpanTests {
    /// A sine run of `steps` steps logged on the default schedule: its last snapshot
    /// (every step, exact) and the log's records.
    static func sampledRun(steps: Int) throws -> (Snapshot, [[String: Any]], String) {
        let (snapshot, path) = try RunLogTests.loggedRun(steps: steps, every: nil)
        return (snapshot, try RunLogTests.records(path), path)
    }

    @Test func aKeptRecordSummarisesTheStepsSinceTheLastOne() throws {
        let (live, records, _) = try Self.sampledRun(steps: 1300)
        let exact = Dictionary(uniqueKeysWithValues: live.loss.recent.map { ($0.step, $0.value) })
        let gradients = Dictionary(uniqueKeysWithValues: live.gradientNorm.recent.map { ($0.step, $0.value) })
        let steps = records.filter { $0["type"] as? String == "step" }
        #expect(steps.prefix { ($0["step"] as? Int ?? 0) <= 1000 }.allSatisfy { $0["steps"] == nil }, "every step is kept to 1,000")
        let sampled = steps.filter { ($0["step"] as? Int ?? 0) > 1000 }
        #expect(sampled.count == 30)
        var previous = 1000
        for record in sampled {
            let step = try #require(record["step"] as? Int), count = try #require(record["steps"] as? Int)
            #expect(count == step - previous, "a record stands for the steps since the one before")
            let losses = (previous + 1...step).map { exact[$0]! }, norms = (previous + 1...step).map { gradients[$0]! }
            func close(_ key: String, _ value: Double) -> Bool {
                guard let logged = record[key] as? Double else { return false }
                return abs(logged - value) <= 1e-6 * abs(value)
            }
            #expect(close("loss_min", losses.min()!) && close("loss_max", losses.max()!))
            #expect(close("loss_mean", losses.reduce(0, +) / Double(count)))
            #expect(close("grad_norm_min", norms.min()!) && close("grad_norm_max", norms.max()!))
            previous = step
        }
    }

    @Test func theReplayedHistoryHoldsEveryStepsExtremes() throws {
        let (live, _, path) = try Self.sampledRun(steps: 1300)
        let reader = try RunLogReader(path: path)
        try reader.update()
        try reader.finish()
        let replayed = try #require(reader.run).snapshot(at: 1300)
        // Over every ten steps past 1,000, the replay's band is the live run's.
        for point in replayed.loss.recent where point.step > 1000 {
            let span = try #require(point.span, "step \(point.step)")
            let window = live.loss.recent.filter { (point.firstStep...point.step).contains($0.step) }.map(\.value)
            #expect(window.count == span.steps)
            #expect(abs(span.maximum - window.max()!) <= 1e-6 * window.max()!)
            #expect(abs(span.minimum - window.min()!) <= 1e-6 * window.min()!)
        }
        #expect(replayed.loss.mean(ofLast: 100).map { $0.steps } == 100, "a sampled point counts as its steps")
    }

    @Test func theBandOfAHundredThousandStepLogKeepsEverySpike() throws {
        // Every step's loss as the session saw it, and the log of the same run.
        let losses = Locked([Double]())
        let path = try RunLogTests.folder().appendingPathComponent("long.jsonl").path
        var options = SessionOptions(stopWhenDone: true)
        options.log = RunLogOptions(path: path, program: "rnntop test")
        options.stepObserver = { record in losses.withLock { $0.append(record.loss) } }
        let settings = Runs.sine(steps: 100_000) {
            $0.task.sequenceLength = 4
            $0.training.batchSize = 1
            $0.evaluationInterval = 50_000
        }
        let session = try Session(settings: settings, options: options)
        session.start()
        _ = session.wait()
        let raw = losses.withLock { $0 }
        #expect(raw.count == 100_000)

        let reader = try RunLogReader(path: path)
        try reader.update()
        let history = try #require(reader.run).snapshot(at: 100_000).loss
        #expect(history.recent.count == 1000 + 900 + 900, "a record each step to 1,000, each 10 to 10,000, then each 100")
        // Each merged bucket and each point spans the extremes of the raw loss over
        // its steps (to float32, which the log keeps).
        func extremes(_ first: Int, _ last: Int) -> (Double, Double) {
            let window = raw[(first - 1)...(last - 1)]
            return (window.min()!, window.max()!)
        }
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * abs(b) }
        var covered = 0
        for bucket in history.buckets {
            let (low, high) = extremes(bucket.firstStep, bucket.lastStep)
            #expect(close(bucket.minimum, low) && close(bucket.maximum, high), "steps \(bucket.firstStep)-\(bucket.lastStep)")
            covered = bucket.lastStep
        }
        for point in history.recent {
            #expect(point.firstStep == covered + 1, "no step is left out")
            let (low, high) = extremes(point.firstStep, point.step)
            #expect(close(point.low, low) && close(point.high, high), "steps \(point.firstStep)-\(point.step)")
            covered = point.step
        }
        #expect(covered == 100_000)
    }

    @Test func mergedSampledPointsKeepTheirStepsExtremesAndMean() {
        var history = MetricHistory(exactPoints: 4, maxBuckets: 2)
        for n in 1...12 {
            let spike = n == 5 ? 1000.0 : 1
            history.append(step: 10 * n, value: 0.5, span: MetricHistory.Span(steps: 10, minimum: 0.25, maximum: spike, mean: 0.5))
        }
        #expect(history.buckets.first?.firstStep == 1 && history.buckets.contains { $0.maximum == 1000 })
        for bucket in history.buckets {
            #expect(bucket.count == bucket.lastStep - bucket.firstStep + 1, "a sampled point counts as its steps")
            #expect(bucket.minimum == 0.25 && bucket.mean == 0.5)
        }
        #expect(history.mean(ofLast: 30).map { $0.steps } == 30)
    }

    @Test func aSpikeBetweenKeptRecordsSurvivesAndOldLogsStillRead() throws {
        let run = #"{"type":"run","schema":1,"program":"other","model":{"cell":"lstm","hidden":8}}"#
        let spiked = #"{"type":"step","step":20,"loss":0.5,"grad_norm":1,"steps":10,"loss_min":0.4,"loss_max":1000,"loss_mean":100.4,"grad_norm_min":0.5,"grad_norm_max":90,"grad_norm_mean":9.5}"#
        let lines = [run, #"{"type":"step","step":10,"loss":0.5,"grad_norm":1}"#, spiked, #"{"type":"step","step":30,"loss":0.5,"grad_norm":1}"#]
        // The scanner's fast path and the general one (spaces) read the same.
        for text in [lines.joined(separator: "\n"), lines.map { $0.replacingOccurrences(of: ",", with: ", ") }.joined(separator: "\n")] {
            let path = try RunLogTests.folder().appendingPathComponent("spike.jsonl").path
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
            let reader = try RunLogReader(path: path)
            try reader.update()
            try reader.finish()
            let snapshot = try #require(reader.run).snapshot(at: 30)
            let points = snapshot.loss.recent
            #expect(points.map(\.step) == [10, 20, 30])
            #expect(points[0].span == nil && points[2].span == nil, "a record without a summary is one step")
            #expect(points[1].span == MetricHistory.Span(steps: 10, minimum: 0.4, maximum: 1000, mean: 100.4))
            #expect(points[1].firstStep == 11 && points[1].high == 1000)
            #expect(snapshot.gradientNorm.recent[1].high == 90)
        }
    }

    @Test func aSummaryNeverStandsForMoreStepsThanTheGapAndABadCountIsRefused() throws {
        let run = #"{"type":"run","schema":1,"program":"other","model":{"cell":"gru","hidden":4}}"#
        let wide = #"{"type":"step","step":15,"loss":1,"steps":500,"loss_min":0,"loss_max":2,"loss_mean":1}"#
        let path = try RunLogTests.folder().appendingPathComponent("wide.jsonl").path
        try Data([run, #"{"type":"step","step":10,"loss":1}"#, wide, ""].joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let reader = try RunLogReader(path: path)
        try reader.update()
        #expect(try #require(reader.run).snapshot(at: 15).loss.recent.last?.span?.steps == 5)

        let zero = try RunLogRangeTests.refusal([run, #"{"type":"step","step":10,"loss":1,"steps":0}"#])
        #expect(zero?.contains("line 2: field 'steps': 0 is out of range (1 to 2147483647)") == true, "\(zero ?? "read")")
        let huge = try RunLogRangeTests.refusal([run, #"{"type": "step", "step": 10, "steps": 1e30}"#])
        #expect(huge?.contains("line 2: field 'steps': ") == true, "\(huge ?? "read")")
    }

    @Test func aBlownUpStepInASpanMarksItAndTheLogEndsOnItsLastStep() throws {
        var accumulator = StepSpanAccumulator()
        accumulator.add(loss: 0.5, gradientNorm: 1)
        #expect(accumulator.take() == nil, "one step needs no summary")
        accumulator.add(loss: 0.5, gradientNorm: 1)
        accumulator.add(loss: .nan, gradientNorm: .infinity)
        accumulator.add(loss: 0.25, gradientNorm: 2)
        let spans = accumulator.take()
        let (loss, gradientNorm) = try #require(spans)
        #expect(loss.steps == 3 && loss.blownUp && loss.minimum.isNaN)
        #expect(gradientNorm.maximum == .infinity && gradientNorm.minimum == 1 && gradientNorm.blownUp)

        // A run whose length is off the schedules still logs its last step in full.
        let (_, records, _) = try Self.sampledRun(steps: 1234)
        func last(_ type: String) -> Int? { records.last { $0["type"] as? String == type }?["step"] as? Int }
        #expect(last("step") == 1234 && last("grad_profile") == 1234 && last("param_norms") == 1234 && last("probe") == 1234)
    }

    @Test func aStepRecordSaysWhatTheProcessCostsAboutOnceASecond() throws {
        var meter = ProcessMeter()
        #expect(meter.measure(at: 0, step: 0) == nil, "the first call starts the count")
        var busy = 0.0
        for i in 0..<3_000_000 { busy += sin(Double(i)) }
        #expect(meter.measure(at: 0.5, step: 5) == nil, "not before a second")
        let measured = meter.measure(at: 1, step: 10)
        let use = try #require(measured)
        #expect(busy != 0 && use.step == 10 && use.cpuPercent > 0)
        #expect((use.residentBytes ?? 0) > 1_000_000, "a Swift process holds more than a megabyte")
    }
}
