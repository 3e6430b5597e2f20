import Foundation
import RNNCore
import RNNData
import Training

/// What a session costs on top of training: the same model and task trained by a
/// bare loop and by a session that publishes snapshots 30 times a second and probes
/// every 0.3 s (validation off in both), alternately, three times each; the medians.
struct SessionOverheadBenchmark {
    let cell: CellKind
    let hidden: Int
    let batch: Int
    let seconds: Double

    /// Steps per second, bare and in a session.
    func measure() throws -> (bare: Double, session: Double) {
        var scratch = RandomGenerator(seed: 0)
        var defaults = try makeTask(TaskOptions(kind: .adding), generator: &scratch).defaults
        defaults.cell = cell
        defaults.hiddenSize = hidden
        defaults.batchSize = batch
        defaults.length = .steps(Int.max / 2)
        let settings = RunSettings(
            task: TaskOptions(kind: .adding), training: defaults, seed: 1, evaluationInterval: Int.max / 2)
        var bareRates = [Double](), sessionRates = [Double]()
        for _ in 0..<3 {
            bareRates.append(try bare(settings))
            sessionRates.append(try inSession(settings))
        }
        return (median(bareRates), median(sessionRates))
    }

    private func bare(_ settings: RunSettings) throws -> Double {
        var generator = RandomGenerator(seed: settings.seed)
        let task = try makeTask(settings.task, generator: &generator)
        let network = try RecurrentNetwork(config: task.modelConfig(from: settings.training), generator: &generator)
        let trainer = Trainer(
            network: network, optimizer: try Optimizer(settings.training.optimizer, parameterCount: network.parameterCount),
            clipping: settings.training.clipping, generator: generator)
        let clock = ContinuousClock()
        let start = clock.now
        var steps = 0
        while (clock.now - start).seconds < seconds {
            let state = task.nextBatch(size: settings.training.batchSize, generator: &trainer.generator)
            trainer.step(task.batch, initialState: state)
            steps += 1
        }
        return Double(steps) / (clock.now - start).seconds
    }

    private func inSession(_ settings: RunSettings) throws -> Double {
        let session = try Session(settings: settings)
        session.start()
        Thread.sleep(forTimeInterval: 0.2)
        let first = session.snapshot
        Thread.sleep(forTimeInterval: seconds)
        let last = session.snapshot
        session.send(.quit)
        _ = session.wait()
        return Double(last.step - first.step) / (last.elapsedSeconds - first.elapsedSeconds)
    }
}
