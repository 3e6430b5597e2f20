import RNNCore
import RNNData

/// One reference case: a model, its inputs, and what PyTorch computed for them in
/// float64 (the format: Tests/Fixtures/golden/README.md). Parsing checks every shape
/// against the model the file declares, so a wrong file fails here with the field
/// named; one parser per section of the file, in `GoldenCase+Sections.swift`.
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
        config = try Self.model(root)
        let shape = Shape(config: config, steps: try Self.positive(root["seq_len"]), batch: try Self.positive(root["batch"]))
        parameters = try Self.parameters(root, config: config)
        x = try root["x"].tensor(shape: [shape.steps, shape.batch, config.inputSize])
        h0 = try root["h0"].tensor(shape: shape.states)
        c0 = config.cell.hasCellState ? try root["c0"].tensor(shape: shape.states) : nil
        targets = try Self.targets(root, shape: shape)
        expected = try Self.expected(root, shape: shape)
    }

    /// The sizes every tensor of a case is checked against.
    struct Shape {
        let config: ModelConfig
        let steps: Int
        let batch: Int
        /// `[layers][batch][hidden]`: h0, c0, h_n, c_n.
        var states: [Int] { [config.layers, batch, config.hiddenSize] }
        /// `[steps][batch][hidden]`: the output and ∂L/∂h_t.
        var sequence: [Int] { [steps, batch, config.hiddenSize] }
    }

    static func positive(_ field: JSONField) throws(InputError) -> Int {
        let n = try field.int()
        guard n >= 1 else { throw InputError(file: field.file, field: field.path, problem: "must be at least 1, got \(n)") }
        return n
    }

    static func parameterTensors(_ field: JSONField, config: ModelConfig) throws(InputError) -> [String: Tensor] {
        var tensors = [String: Tensor]()
        for spec in ParameterLayout(config: config).specs {
            tensors[spec.name] = try field[spec.name].tensor(shape: spec.shape)
        }
        return tensors
    }
}
