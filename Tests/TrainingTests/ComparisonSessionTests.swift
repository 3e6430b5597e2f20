import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Sessions that take the cores in turns, as the runs of a comparison do: each run is
/// the run made alone, bit for bit; runs that differ in their model see the same
/// data; a paused run leaves the cores to the others.
@Suite struct ComparisonSessionTests {
    /// The steps' losses of sessions run to their end, sharing `turns`.
    static func losses(_ settings: [RunSettings], turns: StepTurns?) throws -> [[Double]] {
        let sessions = try settings.map { settings in
            var options = SessionOptions(stopWhenDone: true)
            options.turns = turns
            return try Session(settings: settings, options: options)
        }
        for session in sessions { session.start() }
        return sessions.map { session in
            let end = session.wait()
            return end.snapshot.loss.recent.map(\.value)
        }
    }

    @Test func aRunInAComparisonIsTheRunMadeAloneBitForBit() throws {
        let cells: [CellKind] = [.rnn, .lstm, .gru]
        let settings = cells.map { cell in Runs.sine(steps: 120) { $0.training.cell = cell } }
        // A short slice: the runs hand the cores over many times.
        let together = try Self.losses(settings, turns: StepTurns(slice: 0.0005))
        for (index, alone) in try settings.map({ try Self.losses([$0], turns: nil)[0] }).enumerated() {
            #expect(together[index].count == 120)
            #expect(together[index] == alone, "\(cells[index])")
        }
    }

    @Test func runsThatDifferInTheirModelSeeTheSameData() throws {
        // Before any update, the same weights on the same first batch give the same
        // loss, whatever the learning rate; different cells see the same probe.
        let rates: [Float] = [1e-3, 1e-1]
        let settings = rates.map { lr in Runs.sine(steps: 3) { $0.training.optimizer.learningRate = lr } }
        let losses = try Self.losses(settings, turns: StepTurns())
        #expect(losses[0][0] == losses[1][0])
        #expect(losses[0][1] != losses[1][1])
        let lstm = try Session(settings: Runs.sine { $0.training.cell = .lstm })
        let gru = try Session(settings: Runs.sine())
        #expect(lstm.snapshot.baseline.loss == gru.snapshot.baseline.loss)
        // The data's stream is the same however many numbers the weights drew.
        let checkpoints = try [CellKind.lstm, .rnn].map { cell -> Checkpoint in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cmp-\(cell)-\(UUID()).ckpt").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try Self.losses([Runs.sine(steps: 25) { $0.training.cell = cell; $0.checkpointPath = path }], turns: nil)
            return try Checkpoint.read(path)
        }
        #expect(checkpoints[0].header.dataGenerator == checkpoints[1].header.dataGenerator)
        #expect(checkpoints[0].header.generator != checkpoints[1].header.generator)
    }

    @Test func aPausedRunLeavesTheCoresToTheOthers() throws {
        let turns = StepTurns()
        var paused = SessionOptions(startPaused: true)
        paused.turns = turns
        var running = SessionOptions(stopWhenDone: true)
        running.turns = turns
        let idle = try Session(settings: Runs.sine(steps: 100), options: paused)
        let busy = try Session(settings: Runs.sine(steps: 100), options: running)
        idle.start()
        busy.start()
        // One step of the paused run takes the cores and gives them back.
        idle.send(.step)
        Runs.wait(for: idle) { $0.step == 1 }
        #expect(busy.wait().reason == .done)
        #expect(idle.snapshot.step == 1 && idle.snapshot.state == .paused)
        idle.send(.quit)
        #expect(idle.wait().reason == .quit)
    }
}

/// Epochs counted in whole steps, over a long run and across a change of batch.
@Suite struct EpochCountTests {
    @Test(arguments: [3, 97, 100, 4_096])
    func everyEpochEndsOnItsLastStepAfterAMillionSteps(_ stepsPerEpoch: Int) {
        var count = EpochCount()
        var ends = [Int]()
        for step in 1...1_000_000 where count.advance(stepsPerEpoch: stepsPerEpoch) {
            ends.append(step)
        }
        #expect(ends.count == 1_000_000 / stepsPerEpoch)
        #expect(ends.enumerated().allSatisfy { $1 == ($0 + 1) * stepsPerEpoch })
        #expect(count.epochs == Double(1_000_000 / stepsPerEpoch) + Double(1_000_000 % stepsPerEpoch) / Double(stepsPerEpoch))
        #expect(count.stepsUntil(epochs: count.finished + 2, stepsPerEpoch: stepsPerEpoch) == 2 * stepsPerEpoch - 1_000_000 % stepsPerEpoch)
    }

    @Test func halfAnEpochAtOneBatchIsHalfAnEpochAtTheNext() {
        var count = EpochCount()
        var ends = (0..<5).map { _ in count.advance(stepsPerEpoch: 10) }
        // The batch doubles: 5 steps of 10 are 3 (2.5, to the nearest) of 5.
        #expect(count.stepsUntil(epochs: 1, stepsPerEpoch: 5) == 2)
        ends += (0..<2).map { _ in count.advance(stepsPerEpoch: 5) }
        #expect(ends == [false, false, false, false, false, false, true])
        #expect(count.finished == 1 && count.epochs == 1)
    }

    @Test func aCheckpointsEpochsComeBackAsWholeSteps() {
        // 97 steps of 1/97 summed: a rounding error short of 1.
        let summed = (0..<97).reduce(0.0) { sum, _ in sum + 1 / 97.0 }
        #expect(summed < 1)
        let count = EpochCount(epochs: 2 + summed, stepsPerEpoch: 97)
        #expect(count.finished == 3 && count.epochs == 3)
        #expect(EpochCount(epochs: 1.5, stepsPerEpoch: 4).stepsUntil(epochs: 2, stepsPerEpoch: 4) == 2)
        #expect(EpochCount(epochs: 1e30, stepsPerEpoch: 4).stepsUntil(epochs: Int.max, stepsPerEpoch: 4) == Int.max / 2)
    }
}
