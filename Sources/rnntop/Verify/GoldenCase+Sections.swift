import RNNCore
import RNNData

/// The sections of a reference case, one parser each: the model, its parameters,
/// the targets, and the expected values (outputs, gradients, ∂L/∂h_t, clipping and
/// optimizer steps).
extension GoldenCase {
    /// The model the file declares; the loss definition decides the head: sum(output
    /// * dout), MSE on the last step, or cross-entropy on every step.
    static func model(_ root: JSONField) throws(InputError) -> ModelConfig {
        let file = root.file
        let cellName = try root["cell"].string()
        guard let cell = CellKind(rawValue: cellName) else {
            throw InputError(file: file, field: "cell", problem: "unknown cell '\(cellName)' (\(CellKind.choices))")
        }
        let activationName = try root["activation"].string()
        guard let activation = Activation(rawValue: activationName) else {
            throw InputError(file: file, field: "activation", problem: "unknown activation '\(activationName)' (tanh, relu)")
        }
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
        return ModelConfig(
            cell: cell, activation: activation, inputSize: try positive(root["input_size"]),
            hiddenSize: try positive(root["hidden_size"]), layers: try positive(root["num_layers"]), outputSize: outputSize,
            head: head, loss: loss)
    }

    /// The weights: the recurrent ones under "params", the head's at the top level.
    static func parameters(_ root: JSONField, config: ModelConfig) throws(InputError) -> [String: Tensor] {
        var parameters = [String: Tensor]()
        let params = try root["params"]
        for spec in ParameterLayout(config: config).specs {
            let section = spec.name.hasPrefix("head_") ? root : params
            parameters[spec.name] = try section[spec.name].tensor(shape: spec.shape)
        }
        return parameters
    }

    static func targets(_ root: JSONField, shape: Shape) throws(InputError) -> Targets {
        let outputs = shape.config.outputSize
        switch shape.config.head {
        case .none:
            return .values(try root["dout"].tensor(shape: shape.sequence).floats)
        case .lastStep:
            return .values(try root["target"].tensor(shape: [shape.batch, outputs]).floats)
        case .everyStep:
            let classes = try root["target"].tensor(shape: [shape.steps, shape.batch])
            guard classes.data.allSatisfy({ $0 >= 0 && $0 < Double(outputs) && $0 == $0.rounded() }) else {
                throw InputError(file: root.file, field: "target", problem: "class indices must be whole numbers in 0..<\(outputs)")
            }
            return .classes(classes.data.map { Int32($0) })
        }
    }

    static func expected(_ root: JSONField, shape: Shape) throws(InputError) -> Expected {
        let config = shape.config
        let prediction: Tensor? =
            switch config.head {
            case .lastStep: try root.optional("prediction")?.tensor(shape: [shape.batch, config.outputSize])
            case .everyStep: try root.optional("logits")?.tensor(shape: [shape.steps, shape.batch, config.outputSize])
            case .none: nil
            }
        let (hiddenGradients, norms) = try hiddenGradients(root, shape: shape)
        return Expected(
            output: try root["output"].tensor(shape: shape.sequence), hN: try root["h_n"].tensor(shape: shape.states),
            cN: config.cell.hasCellState ? try root["c_n"].tensor(shape: shape.states) : nil,
            loss: try root["loss"].number(), prediction: prediction, gradients: try gradients(root["grads"], shape: shape),
            hiddenGradients: hiddenGradients, hiddenGradientNorms: norms,
            globalNorm: try root.optional("grad_global_norm")?.number(), clipping: try clipping(root, config: config),
            adam: try adam(root, config: config), sgd: try sgd(root, config: config))
    }

    /// dL/d(every parameter), dL/dx, dL/dh0 and dL/dc0.
    static func gradients(_ grads: JSONField, shape: Shape) throws(InputError) -> [String: Tensor] {
        let config = shape.config
        var gradients = try parameterTensors(grads, config: config)
        gradients["x"] = try grads["x"].tensor(shape: [shape.steps, shape.batch, config.inputSize])
        gradients["h0"] = try grads["h0"].tensor(shape: shape.states)
        if config.cell.hasCellState { gradients["c0"] = try grads["c0"].tensor(shape: shape.states) }
        return gradients
    }

    /// ∂L/∂h_t of every layer, and its norm per step.
    static func hiddenGradients(_ root: JSONField, shape: Shape) throws(InputError) -> ([Tensor], [[Double]]) {
        let dLdh = try root["dL_dh"], dLdhNorm = try root["dL_dh_norm"]
        var hiddenGradients = [Tensor](), norms = [[Double]]()
        for l in 0..<shape.config.layers {
            hiddenGradients.append(try dLdh["l\(l)"].tensor(shape: shape.sequence))
            let profile = try dLdhNorm["l\(l)"].numbers()
            guard profile.count == shape.steps else {
                throw InputError(file: root.file, field: "dL_dh_norm.l\(l)", problem: "expected \(shape.steps) values, got \(profile.count)")
            }
            norms.append(profile)
        }
        return (hiddenGradients, norms)
    }

    static func clipping(_ root: JSONField, config: ModelConfig) throws(InputError) -> (Double, [String: Tensor])? {
        guard let clipped = try root.optional("clipped_grads") else { return nil }
        return (try root["clip_max_norm"].number(), try parameterTensors(clipped, config: config))
    }

    static func adam(_ root: JSONField, config: ModelConfig) throws(InputError) -> (OptimizerSettings, [String: Tensor])? {
        guard let section = try root.optional("adam") else { return nil }
        let settings = OptimizerSettings(
            kind: .adam, learningRate: Float(try section["lr"].number()), beta1: Float(try section["beta1"].number()),
            beta2: Float(try section["beta2"].number()), epsilon: Float(try section["eps"].number()))
        return (settings, try parameterTensors(section["params_after"], config: config))
    }

    static func sgd(_ root: JSONField, config: ModelConfig) throws(InputError) -> (OptimizerSettings, Int, [String: Tensor])? {
        guard let section = try root.optional("sgd_momentum") else { return nil }
        let settings = OptimizerSettings(
            kind: .sgd, learningRate: Float(try section["lr"].number()), momentum: Float(try section["momentum"].number()))
        return (settings, try positive(section["steps"]), try parameterTensors(section["params_after"], config: config))
    }
}
