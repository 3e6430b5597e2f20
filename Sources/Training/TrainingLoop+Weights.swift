import RNNCore

/// Weights with PyTorch's names, written as safetensors.
extension TrainingLoop {
    /// Writes the model's weights to `path` atomically, and records it as an event.
    func saveWeights(to path: String, source: CommandSource) throws {
        let parameters = network.withParameters { Array($0) }
        try PyTorchWeights.file(config: network.config, layout: network.layout, parameters: parameters).write(to: path)
        record(.weights, new: path, message: "weights written to \(path) at step \(step)", source: source)
    }
}
