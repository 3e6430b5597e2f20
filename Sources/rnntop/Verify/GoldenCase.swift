import RNNCore
import RNNData

/// One reference case in the ../shared/golden format: a model, its inputs, and what
/// PyTorch computed for them in float64. Parsing checks every shape against the
/// model the file declares, so a wrong file fails here with the field named.
struct GoldenCase {
    let file: String
    let name: String
    let config: ModelConfig
    let parameters: [String: Tensor]
    let x: Tensor
    let h0: Tensor
    let c0: Tensor?
    let targets: Targets
    let expected: Expected

    /// Reference values, each optional except those every file has.
    struct Expected {
        let output: Tensor
        let hN: Tensor
        let cN: Tensor?
        let loss: Double
        let prediction: Tensor?
        let gradients: [String: Tensor]
        let hiddenGradients: [Tensor]
        let hiddenGradientNorms: [[Double]]
        let globalNorm: Double?
        let clipping: (maxNorm: Double, gradients: [String: Tensor])?
        let adam: (settings: OptimizerSettings, after: [String: Tensor])?
        let sgd: (settings: OptimizerSettings, steps: Int, after: [String: Tensor])?
    }

    init(file: String) throws(InputError) {
        let root = try JSONField.load(file)
        self.file = file
        name = try root.optional("name")?.string() ?? file
        let cellName = try root["cell"].string()
        guard let cell = CellKind(rawValue: cellName) else {
            throw InputError(file: file, field: "cell", problem: "unknown cell '\(cellName)' (rnn, lstm, gru)")
        }
        let activationName = try root["activation"].string()
        guard let activation = Activation(rawValue: activationName) else {
            throw InputError(file: file, field: "activation", problem: "unknown activation '\(activationName)' (tanh, relu)")
        }
        let inputSize = try Self.positive(root["input_size"])
        let hidden = try Self.positive(root["hidden_size"])
        let layers = try Self.positive(root["num_layers"])
        let steps = try Self.positive(root["seq_len"])
        let batch = try Self.positive(root["batch"])

        // The loss decides the head: sum(output * dout), MSE on the last step, or
        // cross-entropy on every step.
        let definition = try root["loss_definition"].string()
        let head: HeadKind, loss: LossKind, outputSize: Int
        let headWeight = try root.optional("head_weight")?.tensor()
        if definition.lowercased().contains("cross-entropy") {
            guard let headWeight, headWeight.shape.count == 2 else {
                throw InputError(file: file, field: "head_weight", problem: "a cross-entropy case needs a [classes, hidden] head")
            }
            (head, loss, outputSize) = (.everyStep, .crossEntropy, headWeight.shape[0])
        } else if definition.contains("MSE") {
            guard let headWeight, headWeight.shape.count == 2 else {
                throw InputError(file: file, field: "head_weight", problem: "an MSE case needs an [outputs, hidden] head")
            }
            (head, loss, outputSize) = (.lastStep, .mse, headWeight.shape[0])
        } else if definition.contains("dout") {
            (head, loss, outputSize) = (.none, .mse, 1)
        } else {
            throw InputError(file: file, field: "loss_definition", problem: "not recognised: '\(definition)'")
        }
        config = ModelConfig(
            cell: cell, activation: activation, inputSize: inputSize, hiddenSize: hidden, layers: layers,
            outputSize: outputSize, head: head, loss: loss)

        // The recurrent weights sit under "params", the head's at the top level.
        var parameters = [String: Tensor]()
        let params = try root["params"]
        for spec in ParameterLayout(config: config).specs {
            let section = spec.name.hasPrefix("head_") ? root : params
            parameters[spec.name] = try section[spec.name].tensor(shape: spec.shape)
        }
        self.parameters = parameters

        x = try root["x"].tensor(shape: [steps, batch, inputSize])
        h0 = try root["h0"].tensor(shape: [layers, batch, hidden])
        c0 = cell.hasCellState ? try root["c0"].tensor(shape: [layers, batch, hidden]) : nil

        switch head {
        case .none:
            targets = .values(try root["dout"].tensor(shape: [steps, batch, hidden]).floats)
        case .lastStep:
            targets = .values(try root["target"].tensor(shape: [batch, outputSize]).floats)
        case .everyStep:
            let classes = try root["target"].tensor(shape: [steps, batch])
            guard classes.data.allSatisfy({ $0 >= 0 && $0 < Double(outputSize) && $0 == $0.rounded() }) else {
                throw InputError(file: file, field: "target", problem: "class indices must be whole numbers in 0..<\(outputSize)")
            }
            targets = .classes(classes.data.map { Int32($0) })
        }

        let grads = try root["grads"]
        var gradients = try Self.parameterTensors(grads, config: config)
        gradients["x"] = try grads["x"].tensor(shape: [steps, batch, inputSize])
        gradients["h0"] = try grads["h0"].tensor(shape: [layers, batch, hidden])
        if cell.hasCellState { gradients["c0"] = try grads["c0"].tensor(shape: [layers, batch, hidden]) }

        let dLdh = try root["dL_dh"], dLdhNorm = try root["dL_dh_norm"]
        var hiddenGradients = [Tensor](), norms = [[Double]]()
        for l in 0..<layers {
            hiddenGradients.append(try dLdh["l\(l)"].tensor(shape: [steps, batch, hidden]))
            let profile = try dLdhNorm["l\(l)"].numbers()
            guard profile.count == steps else {
                throw InputError(file: file, field: "dL_dh_norm.l\(l)", problem: "expected \(steps) values, got \(profile.count)")
            }
            norms.append(profile)
        }

        var clipping: (Double, [String: Tensor])?
        if let clipped = try root.optional("clipped_grads") {
            clipping = (try root["clip_max_norm"].number(), try Self.parameterTensors(clipped, config: config))
        }
        var adam: (OptimizerSettings, [String: Tensor])?
        if let section = try root.optional("adam") {
            let settings = OptimizerSettings(
                kind: .adam, learningRate: Float(try section["lr"].number()), beta1: Float(try section["beta1"].number()),
                beta2: Float(try section["beta2"].number()), epsilon: Float(try section["eps"].number()))
            adam = (settings, try Self.parameterTensors(section["params_after"], config: config))
        }
        var sgd: (OptimizerSettings, Int, [String: Tensor])?
        if let section = try root.optional("sgd_momentum") {
            let settings = OptimizerSettings(
                kind: .sgd, learningRate: Float(try section["lr"].number()),
                momentum: Float(try section["momentum"].number()))
            sgd = (settings, try Self.positive(section["steps"]), try Self.parameterTensors(section["params_after"], config: config))
        }

        let prediction: Tensor? =
            switch head {
            case .lastStep: try root.optional("prediction")?.tensor(shape: [batch, outputSize])
            case .everyStep: try root.optional("logits")?.tensor(shape: [steps, batch, outputSize])
            case .none: nil
            }
        expected = Expected(
            output: try root["output"].tensor(shape: [steps, batch, hidden]),
            hN: try root["h_n"].tensor(shape: [layers, batch, hidden]),
            cN: cell.hasCellState ? try root["c_n"].tensor(shape: [layers, batch, hidden]) : nil,
            loss: try root["loss"].number(), prediction: prediction, gradients: gradients,
            hiddenGradients: hiddenGradients, hiddenGradientNorms: norms,
            globalNorm: try root.optional("grad_global_norm")?.number(), clipping: clipping, adam: adam, sgd: sgd)
    }

    private static func positive(_ field: JSONField) throws(InputError) -> Int {
        let n = try field.int()
        guard n >= 1 else { throw InputError(file: field.file, field: field.path, problem: "must be at least 1, got \(n)") }
        return n
    }

    private static func parameterTensors(_ field: JSONField, config: ModelConfig) throws(InputError) -> [String: Tensor] {
        var tensors = [String: Tensor]()
        for spec in ParameterLayout(config: config).specs {
            tensors[spec.name] = try field[spec.name].tensor(shape: spec.shape)
        }
        return tensors
    }
}
