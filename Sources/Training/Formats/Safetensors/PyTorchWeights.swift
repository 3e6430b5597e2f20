import RNNCore
import RNNData

/// A model's weights as PyTorch names and lays them out: the `state_dict` of a module
/// with an `rnn` (`nn.RNN`, `nn.LSTM` or `nn.GRU`, or the Python package's reference
/// `rnntop.cells.MinGRU` or `MinLSTM`) and a `head` (`nn.Linear`), so that
///
/// ```python
/// model.load_state_dict(safetensors.torch.load_file("weights.safetensors"))
/// ```
///
/// loads a file rnntop wrote, and rnntop starts from a file PyTorch wrote:
/// `rnn.weight_ih_l0` `[G*H, in]`, `rnn.weight_hh_l0` `[G*H, H]`, `rnn.bias_ih_l0`,
/// `rnn.bias_hh_l0` `[G*H]` per layer (gate blocks i, f, g, o and r, z, n; the min
/// cells have only `rnn.weight_ih_l0` and `rnn.bias_ih_l0`, blocks z, h and f, i, h), then
/// `head.weight` `[out, H]` and `head.bias` `[out]`.
public enum PyTorchWeights {
    /// The name of one of rnntop's parameter tensors in the file.
    public static func fileName(of parameter: String) -> String {
        switch parameter {
        case "head_weight": "head.weight"
        case "head_bias": "head.bias"
        default: "rnn." + parameter
        }
    }

    /// What a file says about its model: the cell (from the rows of a recurrent
    /// matrix), the sizes, and the activation when rnntop wrote it down.
    public struct Shape: Sendable, Equatable {
        public let cell: CellKind
        public let hiddenSize: Int
        public let layers: Int
        public let activation: Activation?
    }

    /// Reads the model's shape off the file's recurrent tensors: the classic cells' from
    /// `rnn.weight_hh_l0`, the min cells' (which have no W_hh) from `rnn.weight_ih_l0`
    /// and the width the layer above or the head reads.
    /// - Throws: `InputError` naming the tensor that is missing or has a shape no
    ///   cell has.
    public static func shape(of file: SafetensorsFile, path: String) throws(InputError) -> Shape {
        let activation = try recordedActivation(of: file, path: path)
        guard file.tensors["rnn.weight_hh_l0"] == nil, file.tensors["rnn.weight_ih_l0"] != nil else {
            return try classicShape(of: file, path: path, activation: activation)
        }
        let first = file.tensors["rnn.weight_ih_l0"]!
        let reader = file.tensors["rnn.weight_ih_l1"] ?? file.tensors["head.weight"]
        guard first.shape.count == 2, let reader, reader.shape.count == 2, reader.shape[1] > 0,
            first.shape[0] % reader.shape[1] == 0,
            let cell = [2: CellKind.minGRU, 3: .minLSTM][first.shape[0] / reader.shape[1]]
        else {
            throw InputError(
                file: path,
                problem: "tensor 'rnn.weight_ih_l0' has shape \(first.shape) and there is no 'rnn.weight_hh_l0': "
                    + "not [2H, in] (minGRU) or [3H, in] (minLSTM) with H read by 'rnn.weight_ih_l1' or 'head.weight'")
        }
        var layers = 1
        while file.tensors["rnn.weight_ih_l\(layers)"] != nil { layers += 1 }
        return Shape(cell: cell, hiddenSize: reader.shape[1], layers: layers, activation: nil)
    }

    private static func classicShape(of file: SafetensorsFile, path: String, activation: Activation?) throws(InputError) -> Shape {
        let first = "rnn.weight_hh_l0"
        guard let recurrent = file.tensors[first] else {
            throw InputError(
                file: path, problem: "tensor '\(first)' is missing: rnntop reads the state_dict of a model whose "
                    + "nn.RNN, nn.LSTM or nn.GRU (or rnntop.cells' MinGRU, MinLSTM) is called rnn and whose nn.Linear is called head")
        }
        let cells: [Int: CellKind] = [1: .rnn, 4: .lstm, 3: .gru]
        guard recurrent.shape.count == 2, recurrent.shape[1] > 0, recurrent.shape[0] % recurrent.shape[1] == 0,
            let cell = cells[recurrent.shape[0] / recurrent.shape[1]]
        else {
            throw InputError(
                file: path,
                problem: "tensor '\(first)' has shape \(recurrent.shape): not [H, H] (RNN), [4H, H] (LSTM) or [3H, H] (GRU)")
        }
        var layers = 1
        while file.tensors["rnn.weight_hh_l\(layers)"] != nil { layers += 1 }
        return Shape(cell: cell, hiddenSize: recurrent.shape[1], layers: layers, activation: activation)
    }

    /// The activation rnntop wrote in the metadata, if any.
    private static func recordedActivation(of file: SafetensorsFile, path: String) throws(InputError) -> Activation? {
        guard let name = file.metadata["activation"] else { return nil }
        guard let known = Activation(rawValue: name) else {
            throw InputError(
                file: path, field: "activation",
                problem: "'\(Escaping.escape(name))' in the metadata is not an activation rnntop trains "
                    + "(\(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return known
    }

    /// Refuses weights to start from that are not all finite, naming the tensor and
    /// where: a run from them would diverge at its first step.
    public static func checkFinite(_ file: SafetensorsFile, path: String) throws(InputError) {
        for name in file.tensors.keys.sorted() {
            guard let index = file.tensors[name]!.values.firstIndex(where: { !$0.isFinite }) else { continue }
            throw InputError(
                file: path, problem: "tensor '\(name)' holds \(file.tensors[name]!.values[index]) at index \(index): weights to start from must be finite")
        }
    }

    /// The file's values in the flat layout of a model of `config`, each tensor checked.
    /// - Throws: `InputError` naming a missing tensor, one of the wrong shape, or one
    ///   the model has no place for.
    public static func parameters(from file: SafetensorsFile, path: String, for config: ModelConfig) throws(InputError) -> [Float] {
        let layout = ParameterLayout(config: config)
        var values = [Float](repeating: 0, count: layout.totalCount)
        var expected = Set<String>()
        for spec in layout.specs {
            let name = fileName(of: spec.name)
            expected.insert(name)
            guard let tensor = file.tensors[name] else {
                throw InputError(file: path, problem: "tensor '\(name)' is missing: \(describe(config)) needs it, of shape \(spec.shape)")
            }
            guard tensor.shape == spec.shape else {
                throw InputError(
                    file: path, problem: "tensor '\(name)' has shape \(tensor.shape); \(describe(config)) needs \(spec.shape)")
            }
            values.replaceSubrange(spec.range, with: tensor.values)
        }
        if let extra = file.tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw InputError(file: path, problem: "tensor '\(extra)' has no place in \(describe(config))")
        }
        return values
    }

    /// A file of a model's weights, with what it is in the metadata.
    public static func file(config: ModelConfig, layout: ParameterLayout, parameters: [Float]) -> SafetensorsFile {
        var tensors: [String: SafetensorsFile.Tensor] = [:]
        for spec in layout.specs {
            tensors[fileName(of: spec.name)] = SafetensorsFile.Tensor(shape: spec.shape, values: Array(parameters[spec.range]))
        }
        let metadata = [
            "format": "pt", "cell": config.cell.rawValue, "activation": config.activation.rawValue,
            "input": "\(config.inputSize)", "hidden": "\(config.hiddenSize)", "layers": "\(config.layers)",
            "output": "\(config.outputSize)", "head": config.head.rawValue,
        ]
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// "an LSTM(64) of 2 layers on 2 inputs with a Dense(1) head", for messages.
    static func describe(_ config: ModelConfig) -> String {
        let cell = config.cell.displayName
        let layers = config.layers == 1 ? "" : " of \(config.layers) layers"
        let head = config.head == .none ? "" : " with a Dense(\(config.outputSize)) head"
        return "\(cell == "GRU" ? "a" : "an") \(cell)(\(config.hiddenSize))\(layers) on \(config.inputSize) input\(config.inputSize == 1 ? "" : "s")\(head)"
    }
}
