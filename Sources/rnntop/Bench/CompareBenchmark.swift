import Foundation
import RNNCore
import RNNData
import Training

/// What training runs side by side costs: the runs of a comparison trained one after
/// another, each alone in a session, and all at once in sessions that take the
/// cores in turns (as `rnntop --cell rnn,lstm,gru` does), alternately `rounds` times;
/// the medians of the wall times. Each run takes `steps` steps on the adding task
/// (T = 50), validation off; snapshots and probes as on the dashboard.
struct CompareBenchmark {
    /// One comparison: its runs' settings and how it is described.
    struct Case {
        let title: String
        let runs: [(cell: CellKind, hidden: Int, lr: Float)]
        let batch: Int
        let steps: Int
    }

    /// The lesson (three cells, small), and two learning rates of a large LSTM (each
    /// step shared between the cores, which meet every time step).
    static func cases(quick: Bool) -> [Case] {
        [
            Case(
                title: "rnn, lstm, gru (H64, B32)", runs: [(.rnn, 64, 0.01), (.lstm, 64, 0.01), (.gru, 64, 0.01)], batch: 32,
                steps: quick ? 60 : 400),
            Case(title: "lstm lr=1e-3, lr=1e-2 (H512, B32)", runs: [(.lstm, 512, 1e-3), (.lstm, 512, 1e-2)], batch: 32, steps: quick ? 3 : 20),
        ]
    }

    let comparison: Case
    let rounds: Int

    /// Seconds for all runs one after another and side by side (medians).
    func measure() throws -> (sequential: Double, together: Double) {
        let settings = try comparison.runs.map(settings)
        var sequential = [Double](), together = [Double]()
        for _ in 0..<rounds {
            sequential.append(try settings.reduce(0) { $0 + (try time([$1], turns: nil)) })
            together.append(try time(settings, turns: StepTurns()))
        }
        return (median(sequential), median(together))
    }

    /// Sequences trained in all by one measurement.
    var sequences: Int { comparison.runs.count * comparison.steps * comparison.batch }

    private func settings(_ run: (cell: CellKind, hidden: Int, lr: Float)) throws -> RunSettings {
        var scratch = RandomGenerator(seed: 0)
        var defaults = try makeTask(TaskOptions(kind: .adding), generator: &scratch).defaults
        defaults.cell = run.cell
        defaults.hiddenSize = run.hidden
        defaults.batchSize = comparison.batch
        defaults.optimizer.learningRate = run.lr
        defaults.length = .steps(comparison.steps)
        return RunSettings(task: TaskOptions(kind: .adding), training: defaults, seed: 1, evaluationInterval: Int.max / 2)
    }

    /// Wall seconds from starting the sessions to the last one's end.
    private func time(_ runs: [RunSettings], turns: StepTurns?) throws -> Double {
        let sessions = try runs.map { settings in
            var options = SessionOptions(stopWhenDone: true)
            options.turns = turns
            return try Session(settings: settings, options: options)
        }
        let clock = ContinuousClock()
        let start = clock.now
        for session in sessions { session.start() }
        for session in sessions { _ = session.wait() }
        return (clock.now - start).seconds
    }
}
