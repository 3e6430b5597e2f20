import Foundation
import RNNCore
import RNNData

/// Trains without a terminal: a progress line per epoch on standard error, in the
/// spirit of Keras (`epoch 3/100  step 12/400  loss 0.0912  val 0.0950 ...`), and a
/// summary at the end.
struct HeadlessRunner {
    enum Outcome {
        case done, diverged
    }

    let task: any TrainingTask
    let settings: TaskDefaults
    var generator: RandomGenerator

    func run() throws -> Outcome {
        var generator = self.generator
        let network = try RecurrentNetwork(config: task.modelConfig(from: settings), generator: &generator)
        let optimizer = try Optimizer(settings.optimizer, parameterCount: network.parameterCount)
        let trainer = Trainer(network: network, optimizer: optimizer, clipping: settings.clipping, generator: generator)
        let perEpoch = task.stepsPerEpoch(batchSize: settings.batchSize)
        let total: Int
        switch settings.length {
        case .steps(let n): total = n
        case .epochs(let n): total = n * perEpoch
        }
        let epochs = (total + perEpoch - 1) / perEpoch
        report(
            "\(task.summary)\n\(describe(network.config)), \(network.parameterCount) parameters; "
                + "\(settings.optimizer.kind.rawValue) lr \(settings.optimizer.learningRate), batch \(settings.batchSize); "
                + "baseline \(format(task.baseline.loss)) (\(task.baseline.predictor))")

        let clock = ContinuousClock()
        let start = clock.now
        var epochLoss = 0.0, epochRows = 0, sequences = 0
        var lastLoss = Double.nan, lastReport = 0.0
        for step in 1...total {
            let state = task.nextBatch(size: settings.batchSize, generator: &trainer.generator)
            let batch = task.batch
            let summary = trainer.step(batch, initialState: state)
            guard summary.finite else {
                report("diverged at step \(step): the \(summary.loss.isFinite ? "gradient norm" : "loss") is \(summary.loss.isFinite ? summary.gradientNorm : summary.loss)")
                return .diverged
            }
            epochLoss += summary.loss * Double(batch.size)
            epochRows += batch.size
            sequences += batch.size
            if step % perEpoch == 0 || step == total {
                lastLoss = epochLoss / Double(epochRows)
                epochLoss = 0
                epochRows = 0
                let elapsed = (clock.now - start).seconds
                // Every epoch when there are few; otherwise at most one line a second.
                guard epochs <= 20 || step == total || elapsed - lastReport >= 1 else { continue }
                lastReport = elapsed
                let rate = Double(sequences) / max(elapsed, 1e-9)
                let remaining = elapsed / Double(step) * Double(total - step)
                report(
                    "epoch \((step + perEpoch - 1) / perEpoch)/\(epochs)  step \(step)/\(total)  loss \(format(lastLoss))  "
                        + "val \(format(task.validationLoss(of: network)))  \(String(format: "%.1e", rate)) seq/s  "
                        + "eta \(clockTime(remaining))")
            }
        }
        let elapsed = (clock.now - start).seconds
        report(
            "done: \(total) steps in \(String(format: "%.2f", elapsed)) s; loss \(format(lastLoss)), "
                + "validation \(format(task.validationLoss(of: network))), baseline \(format(task.baseline.loss))")
        return .done
    }

    private func describe(_ config: ModelConfig) -> String {
        let layers = config.layers == 1 ? "" : " x\(config.layers)"
        var text = "\(config.cell.rawValue.uppercased())(\(config.hiddenSize), \(config.activation.rawValue))\(layers)"
        if config.outputDropout > 0 { text += " -> Dropout(\(config.outputDropout))" }
        return text + " -> Dense(\(config.outputSize), \(config.head == .everyStep ? "every step" : "last step"))"
    }

    private func format(_ value: Double) -> String { String(format: "%.4f", value) }

    private func clockTime(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
