import Foundation
import RNNCore
import RNNData
import TerminalUI
import Training

/// What drawing one dashboard frame costs: a run long enough that its histories are
/// mostly merged (a small GRU on the sine task, `steps` steps), drawn at 80x24 and
/// 200x60 with the whole run, a zoomed window with a cursor, and the log scale. The
/// time is `DashboardScreen.render` alone (the terminal then writes only the cells
/// that changed).
struct FrameTimeBenchmark {
    let steps: Int
    let frames: Int

    struct Result {
        let width, height: Int
        let view: String
        let median, worst: Double
    }

    func measure() throws -> [Result] {
        let snapshot = try longRun()
        var zoomed = ViewState()
        zoomed.window = .trailing(steps: Double(steps) / 20)
        zoomed.cursor = steps - steps / 40
        var logged = ViewState()
        logged.logLoss = true
        logged.xAxis = .time
        let views = [("whole run", ViewState()), ("zoomed, cursor", zoomed), ("log, time axis", logged)]
        let clock = ContinuousClock()
        var results = [Result]()
        for (width, height) in [(80, 24), (200, 60)] {
            for (name, view) in views {
                let screen = DashboardScreen(snapshot: snapshot, view: view, theme: DashboardThemes.standard, context: .full, now: 0)
                _ = screen.render(width: width, height: height)
                let times = (0..<frames).map { _ in
                    let start = clock.now
                    _ = screen.render(width: width, height: height)
                    return (clock.now - start).seconds * 1000
                }
                results.append(Result(width: width, height: height, view: name, median: median(times), worst: times.max() ?? 0))
            }
        }
        return results
    }

    private func longRun() throws -> Snapshot {
        var generator = RandomGenerator(seed: 1)
        var training = try makeTask(TaskOptions(kind: .sine, sequenceLength: 10), generator: &generator).defaults
        (training.cell, training.hiddenSize, training.batchSize, training.length) = (.gru, 8, 1, .steps(steps))
        let settings = RunSettings(task: TaskOptions(kind: .sine, sequenceLength: 10), training: training, seed: 1)
        let session = try Session(settings: settings, options: SessionOptions(stopWhenDone: true))
        session.start()
        return session.wait().snapshot
    }
}
