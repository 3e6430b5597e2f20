import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Validation comes on a regular schedule, so every point on the chart was measured
/// where the schedule says: at epoch ends, evenly spaced, and when a validation costs
/// too much the schedule doubles and an event says so.
@Suite struct ValidationScheduleTests {
    @Test func validationComesAtEveryEpochEndOrASaidMultiple() throws {
        let settings = Runs.sine(steps: 1) { $0.training.length = .epochs(12) }
        let session = try Session(settings: settings, options: SessionOptions(stopWhenDone: true))
        session.start()
        let end = session.wait()
        let snapshot = end.snapshot
        let perEpoch = snapshot.stepsPerEpoch
        let steps = snapshot.validationLoss.recent.map(\.step)
        #expect(steps.count >= 2 && steps.last == snapshot.step, "\(steps)")
        // Every validation before the last is at an epoch's end, and the gaps between
        // them are one epoch, or a power of two of epochs once stretched.
        let scheduled = steps.dropLast(steps.last.map { $0 % perEpoch == 0 } ?? false ? 0 : 1)
        #expect(scheduled.allSatisfy { $0 % perEpoch == 0 }, "\(steps) with \(perEpoch) steps an epoch")
        let gaps = zip([0] + scheduled, scheduled).map { ($1 - $0) / perEpoch }
        #expect(gaps.allSatisfy { $0 >= 1 && $0 & ($0 - 1) == 0 }, "\(gaps)")
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0 <= $1 }, "the schedule only stretches: \(gaps)")
        let stretches = snapshot.events.filter { $0.name == "eval-every" && $0.source == .program }
        // Each stretch is said: a gap of 2^k epochs needs k events before it (a stretch
        // in the last epochs may not have come to a gap yet, on a slow machine).
        let said = "\(stretches.map(\.message)) for \(gaps)"
        #expect(stretches.count >= Set(gaps).count - 1, "\(said)")
        #expect(gaps.allSatisfy { $0 <= 1 << stretches.count }, "\(said)")
    }

    @Test func anIntervalGivesValidationEveryThatManySteps() throws {
        let settings = Runs.sine(steps: 50) { $0.evaluationInterval = 7 }
        let session = try Session(settings: settings, options: SessionOptions(stopWhenDone: true))
        session.start()
        let steps = session.wait().snapshot.validationLoss.recent.map(\.step)
        #expect(steps == [7, 14, 21, 28, 35, 42, 49, 50])
    }
}
