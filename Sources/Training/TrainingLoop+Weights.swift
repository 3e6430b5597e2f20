import RNNCore
import RNNData

/// Weights with PyTorch's names, written as safetensors.
extension TrainingLoop {
    /// Writes the model's weights to `path` atomically, and records it as an event.
    func saveWeights(to path: String, source: CommandSource) throws {
        try checkNotTheRunsOtherFile(path, writing: "the weights", own: \.weightsPath)
        let parameters = network.withParameters { Array($0) }
        try PyTorchWeights.file(config: network.config, layout: network.layout, parameters: parameters).write(to: path)
        record(.weights, new: path, message: "weights written to \(path) at step \(step)", source: source)
    }

    /// Refuses a key's or a control line's path that is another of the run's files:
    /// `weights run.jsonl` would put the weights where the log was, and the log's
    /// lines after it would go nowhere. (The run's own checkpoint or weights file is
    /// that command's to write.)
    func checkNotTheRunsOtherFile(_ path: String, writing what: String, own: KeyPath<RunSettings, String?>) throws {
        let outputs: [(String, KeyPath<RunSettings, String?>)] = [("the checkpoint", \.checkpointPath), ("the weights", \.weightsPath)]
        let files: [(String, String?)] =
            [
                ("the run log", options.log?.path), ("the CSV", options.log?.csvPath), ("the data", settings.task.dataPath),
                ("the weights it started from", settings.initialWeightsPath),
            ] + outputs.filter { $0.1 != own }.map { ($0.0, settings[keyPath: $0.1]) }
        if let (name, _) = files.first(where: { $0.1.map { OutputPaths.same($0, path) } ?? false }) {
            throw InputError(file: path, problem: "is \(name) of this run: writing \(what) there would destroy it")
        }
    }
}
