import Foundation
import RNNCore
import RNNData
import Training

/// What training runs side by side costs: each run of a comparison alone in a
/// session, then all at once in sessions that take the cores in turns (as
/// `rnntop --cell rnn,lstm,gru` does), over the same window of time after a warm-up,
/// `rounds` times; the medians. Each run's steps side by side are counted at its
/// rate alone: the share of the window they would have taken alone is the share of
/// the machine's throughput the comparison kept. The adding task (T = 50), with
/// snapshots and probes as on the dashboard, validation off.
struct CompareBenchmark {
    /// One comparison: its runs' settings and how it is described.
    struct Case {
        let title: String
        let runs: [(cell: CellKind, hidden: Int, lr: Float)]
        let batch: Int
        /// Seconds each measurement lasts: a large model's steps take a tenth of one.
        let seconds: Double
    }

    /// The lesson (three cells, small), and two learning rates of a large LSTM (each
    /// step shared between the cores, which meet every time step).
    static func cases(quick: Bool) -> [Case] {
        [
            Case(
                title: "rnn, lstm, gru (H64, B32)", runs: [(.rnn, 64, 0.01), (.lstm, 64, 0.01), (.gru, 64, 0.01)], batch: 32,
                seconds: quick ? 0.3 : 5),
            Case(
                title: "lstm lr=1e-3, lr=1e-2 (H512, B32)", runs: [(.lstm, 512, 1e-3), (.lstm, 512, 1e-2)], batch: 32,
                seconds: quick ? 0.5 : 8),
        ]
    }

    let comparison: Case
    let rounds: Int

    /// Each run's steps per second alone, and the share of the throughput kept side
    /// by side (medians over the rounds).
    func measure() throws -> (alone: [Double], kept: Double) {
        let settings = try comparison.runs.map(settings)
        var alone = [[Double]](), kept = [Double]()
        for _ in 0..<rounds {
            let rates = try settings.map { try stepsPerSecond([$0], turns: nil)[0] }
            let together = try stepsPerSecond(settings, turns: StepTurns())
            alone.append(rates)
            // A run that made no step alone in the window (a quick look at a large
            // model) says nothing about sharing.
            kept.append(zip(together, rates).reduce(0) { $0 + ($1.1 > 0 ? $1.0 / $1.1 : .nan) })
        }
        return (settings.indices.map { run in median(alone.map { $0[run] }) }, median(kept))
    }

    private func settings(_ run: (cell: CellKind, hidden: Int, lr: Float)) throws -> RunSettings {
        var scratch = RandomGenerator(seed: 0)
        var defaults = try makeTask(TaskOptions(kind: .adding), generator: &scratch).defaults
        defaults.cell = run.cell
        defaults.hiddenSize = run.hidden
        defaults.batchSize = comparison.batch
        defaults.optimizer.learningRate = run.lr
        defaults.length = .steps(1 << 40)
        return RunSettings(task: TaskOptions(kind: .adding), training: defaults, seed: 1, evaluationInterval: 1 << 40)
    }

    /// Each session's steps per second of wall time over the window, all started
    /// together after the warm-up.
    private func stepsPerSecond(_ runs: [RunSettings], turns: StepTurns?) throws -> [Double] {
        let sessions = try runs.map { settings in
            var options = SessionOptions()
            options.turns = turns
            return try Session(settings: settings, options: options)
        }
        for session in sessions { session.start() }
        Thread.sleep(forTimeInterval: 0.5)
        let clock = ContinuousClock()
        let start = clock.now
        let first = sessions.map(\.snapshot.step)
        Thread.sleep(forTimeInterval: comparison.seconds)
        let last = sessions.map(\.snapshot.step)
        let seconds = (clock.now - start).seconds
        for session in sessions {
            session.send(.quit)
            _ = session.wait()
        }
        return zip(first, last).map { Double($1 - $0) / seconds }
    }
}
