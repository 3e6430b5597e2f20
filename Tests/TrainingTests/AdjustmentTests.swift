import Foundation
import RNNCore
import Testing

@testable import Training

/// A key's change is made by the training loop to the value it holds, so no press is
/// lost however fast they come: five quick `+` are five doublings.
@Suite struct AdjustmentTests {
    /// A paused sine run; `changes` sent all at once, before the loop sees any of
    /// them; the snapshot once it has recorded `events` events.
    static func after(_ changes: [Adjustment], events: Int, settings: RunSettings = Runs.sine()) throws -> Snapshot {
        let session = try Runs.paused(settings)
        defer { session.send(.quit) }
        let before = session.snapshot.eventCount
        for change in changes { session.send(.adjust(change)) }
        return Runs.wait(for: session) { $0.eventCount >= before + events }
    }

    @Test func fiveQuickDoublingsOfTheLearningRateAreFive() throws {
        let snapshot = try Self.after(Array(repeating: .learningRate(times: 2), count: 5), events: 5)
        #expect(snapshot.settings.training.optimizer.learningRate == 0.32)
        let values = snapshot.events.suffix(5).compactMap(\.newValue)
        #expect(values == ["0.02", "0.04", "0.08", "0.16", "0.32"])
        let halved = try Self.after([.learningRate(times: 2), .learningRate(times: 0.5), .learningRate(times: 0.5)], events: 3)
        #expect(halved.settings.training.optimizer.learningRate == 0.005)
    }

    @Test func theClippingKeysClimbTheLadderAndTurnItOff() throws {
        // From norm 1, up twice is 5; from 0.02, down twice is off, and once more is refused.
        let climbed = try Self.after([.clipping(up: true), .clipping(up: true)], events: 2) { $0.training.clipping.threshold = 1 }
        #expect(climbed.settings.training.clipping.threshold == 5)
        let down: [Adjustment] = Array(repeating: .clipping(up: false), count: 3)
        let lowest = try Self.after(down, events: 3) { $0.training.clipping.threshold = 0.02 }
        #expect(lowest.events.suffix(3).map(\.newValue) == ["norm 0.01", "off", nil])
        #expect(lowest.settings.training.clipping.isOff)
        #expect(lowest.events.last?.applied == false && lowest.events.last?.message == "refused: clipping is off")
        let top = try Self.after([.clipping(up: true)], events: 1) { $0.training.clipping.threshold = 1000 }
        #expect(top.events.last?.message == "refused: clipping is at its largest")
        #expect(Adjustment.clippingLadder.filter { $0 <= 1 }.reversed() == [1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01])
    }

    @Test func batchDropoutOptimizerAndCellStepFromTheRunsOwnValue() throws {
        let snapshot = try Self.after(
            [.batchSize(doubled: true), .batchSize(doubled: true), .dropout(by: 0.1), .dropout(by: 0.1), .nextOptimizer, .nextOptimizer],
            events: 6)
        let training = snapshot.settings.training
        #expect(training.batchSize == 32 && abs(training.outputDropout - 0.3) < 1e-6, "8 doubled twice; 0.1 up twice")
        #expect(training.optimizer.kind == OptimizerKind.adam.cycled(by: 2))
        let one = try Self.after([.batchSize(doubled: false)], events: 1) { $0.training.batchSize = 1 }
        #expect(one.events.last?.message == "refused: the batch is 1")
        let cells = try Self.after([.nextCell, .nextCell], events: 2)
        #expect(cells.model.cell == CellKind.gru.cycled(by: 2))
    }

    @Test func pauseOrResumeTogglesWhateverTheScreenLastSaw() throws {
        // A run long enough not to end while it is resumed, on a slow machine too, with
        // validation on a fixed schedule (a stretched one says so in an event).
        let long = Runs.sine(steps: 1_000_000) { $0.evaluationInterval = 1_000_000 }
        let snapshot = try Self.after([.pauseOrResume, .pauseOrResume, .pauseOrResume], events: 3, settings: long)
        #expect(snapshot.events.suffix(3).map(\.name) == ["resume", "pause", "resume"])
        #expect(snapshot.events.suffix(3).allSatisfy { $0.applied })
        // A finished run trains as long again.
        let session = try Session(settings: Runs.sine(steps: 5))
        defer { session.send(.quit) }
        session.start()
        Runs.wait(for: session) { $0.state == .done }
        session.send(.adjust(.pauseOrResume))
        let extended = Runs.wait(for: session) { $0.totalSteps == 10 }
        #expect(Runs.event(extended, "extend")?.applied == true)
    }
}

extension AdjustmentTests {
    /// `after` with the run's settings changed first.
    static func after(_ changes: [Adjustment], events: Int, change: (inout RunSettings) -> Void) throws -> Snapshot {
        var settings = Runs.sine()
        change(&settings)
        return try after(changes, events: events, settings: settings)
    }
}
