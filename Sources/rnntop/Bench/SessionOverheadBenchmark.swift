import Foundation
import RNNCore
import RNNData
import Training

/// What a session costs on top of training: the same model and task trained by a
/// bare loop and by a session that publishes snapshots 30 times a second and probes
/// every 0.3 s (validation off in both), alternately, three times each; the medians.
/// And what a run log costs: a session with and without one.
struct SessionOverheadBenchmark {
    let cell: CellKind
    let hidden: Int
    let batch: Int
    let seconds: Double

    /// Steps per second, bare and in a session.
    func measure() throws -> (bare: Double, session: Double) {
        let settings = try self.settings()
        var bareRates = [Double](), sessionRates = [Double]()
        for _ in 0..<3 {
            bareRates.append(try bare(settings))
            sessionRates.append(try inSession(settings, log: nil, fromStart: false))
        }
        return (median(bareRates), median(sessionRates))
    }

    /// Steps per second of a session without and with a run log at the default
    /// interval (from the session's start, so the early steps' denser records count),
    /// alternately, `pairs` times each; the medians.
    func measureLog(pairs: Int) throws -> (plain: Double, logged: Double, bytes: Int) {
        let settings = try self.settings()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rnntop-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.jsonl").path
        var plain = [Double](), logged = [Double]()
        for _ in 0..<pairs {
            plain.append(try inSession(settings, log: nil, fromStart: true))
            logged.append(try inSession(settings, log: RunLogOptions(path: path, program: "rnntop bench"), fromStart: true))
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        return (median(plain), median(logged), bytes ?? 0)
    }

    private func settings() throws -> RunSettings {
        var scratch = RandomGenerator(seed: 0)
        var defaults = try makeTask(TaskOptions(kind: .adding), generator: &scratch).defaults
        defaults.cell = cell
        defaults.hiddenSize = hidden
        defaults.batchSize = batch
        defaults.length = .steps(1 << 40)
        return RunSettings(task: TaskOptions(kind: .adding), training: defaults, seed: 1, evaluationInterval: 1 << 40)
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

    /// Steps per second over `seconds`, after 0.2 s of warming up or `fromStart` (a
    /// log's first thousand steps are its densest).
    private func inSession(_ settings: RunSettings, log: RunLogOptions?, fromStart: Bool) throws -> Double {
        var options = SessionOptions()
        options.log = log
        let session = try Session(settings: settings, options: options)
        session.start()
        Thread.sleep(forTimeInterval: fromStart ? 0 : 0.2)
        let first = session.snapshot
        Thread.sleep(forTimeInterval: seconds)
        let last = session.snapshot
        session.send(.quit)
        _ = session.wait()
        return Double(last.step - first.step) / (last.elapsedSeconds - first.elapsedSeconds)
    }
}
