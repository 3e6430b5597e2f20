import Foundation
import RNNCore
import RNNData
import Testing

@testable import Training

/// Small runs for the session tests, and waiting for a session to get somewhere.
enum Runs {
    /// The sine task with a small GRU: quick in debug builds too.
    static func sine(steps: Int = 200, seed: UInt64 = 1, change: (inout RunSettings) -> Void = { _ in }) -> RunSettings {
        var defaults = TaskDefaults(
            cell: .gru, hiddenSize: 8, optimizer: OptimizerSettings(kind: .adam, learningRate: 1e-2), batchSize: 8,
            length: .steps(steps))
        defaults.dropout = 0.1
        defaults.outputDropout = 0.1
        var settings = RunSettings(task: TaskOptions(kind: .sine, sequenceLength: 12), training: defaults, seed: seed)
        change(&settings)
        return settings
    }

    /// Polls until `condition` holds for the latest snapshot (at most 60 s).
    @discardableResult
    static func wait(for session: Session, _ condition: (Snapshot) -> Bool, sourceLocation: SourceLocation = #_sourceLocation)
        -> Snapshot
    {
        let deadline = Date().addingTimeInterval(60)
        var latest = session.snapshot
        while !condition(latest) && Date() < deadline {
            usleep(500)
            latest = session.snapshot
        }
        let satisfied = condition(latest)
        #expect(satisfied, "timed out at step \(latest.step), state \(latest.state)", sourceLocation: sourceLocation)
        return latest
    }

    /// A paused session, started; single steps and commands drive it.
    static func paused(_ settings: RunSettings) throws -> Session {
        let session = try Session(settings: settings, options: SessionOptions(startPaused: true))
        session.start()
        return session
    }

    /// Takes `count` single steps and waits for them.
    static func steps(_ session: Session, _ count: Int) {
        let target = session.snapshot.step + count
        for _ in 0..<count { session.send(.step) }
        wait(for: session) { $0.step >= target }
    }

    /// The last event called `name`.
    static func event(_ snapshot: Snapshot, _ name: String) -> Event? {
        snapshot.events.last { $0.name == name }
    }
}
