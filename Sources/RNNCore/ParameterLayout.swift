/// One named parameter tensor inside the model's single flat parameter vector.
public struct ParameterSpec: Sendable, Equatable {
    /// PyTorch's name: `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, ...
    /// (the min cells have only `weight_ih_l0` and `bias_ih_l0`, as `rnntop.cells`
    /// names them), and `head_weight`, `head_bias` for the Dense head.
    public let name: String
    /// Row-major shape, PyTorch's: `[G*H, in]`, `[G*H, H]`, `[G*H]`, `[out, H]`, `[out]`.
    public let shape: [Int]
    /// Where the tensor starts in the flat vector.
    public let offset: Int

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
}

/// Where each parameter tensor lives in the flat vector that optimizers, clipping and
/// checkpoints work on. Layer by layer in PyTorch's order, then the head.
public struct ParameterLayout: Sendable, Equatable {
    public let specs: [ParameterSpec]
    public let totalCount: Int

    /// Offsets of one recurrent layer's tensors.
    struct Layer: Sendable, Equatable {
        let inputWidth: Int
        let weightIH: Int
        let biasIH: Int
        /// W_hh and b_hh, which the linear-recurrence cells do not have.
        let recurrent: Recurrent?

        struct Recurrent: Sendable, Equatable {
            let weight: Int
            let bias: Int
        }

        /// W_hh's offset, in code that runs only for the cells that have one.
        var weightHH: Int { recurrent!.weight }
        /// b_hh's offset, in code that runs only for the cells that have one.
        var biasHH: Int { recurrent!.bias }
    }

    let layers: [Layer]
    /// Offsets of the head's tensors, when there is a head.
    let headWeight: Int?
    let headBias: Int?

    public init(config: ModelConfig) {
        var specs = [ParameterSpec]()
        var offset = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            let spec = ParameterSpec(name: name, shape: shape, offset: offset)
            specs.append(spec)
            offset += spec.count
            return spec.offset
        }
        let gates = config.cell.gateCount * config.hiddenSize
        var layers = [Layer]()
        for l in 0..<config.layers {
            let width = l == 0 ? config.inputSize : config.hiddenSize
            if config.cell.isLinearRecurrence {
                let wih = add("weight_ih_l\(l)", [gates, width])
                let bih = add("bias_ih_l\(l)", [gates])
                layers.append(Layer(inputWidth: width, weightIH: wih, biasIH: bih, recurrent: nil))
            } else {
                let wih = add("weight_ih_l\(l)", [gates, width])
                let whh = add("weight_hh_l\(l)", [gates, config.hiddenSize])
                let bih = add("bias_ih_l\(l)", [gates])
                let bhh = add("bias_hh_l\(l)", [gates])
                layers.append(Layer(inputWidth: width, weightIH: wih, biasIH: bih, recurrent: Layer.Recurrent(weight: whh, bias: bhh)))
            }
        }
        if config.head != .none {
            headWeight = add("head_weight", [config.outputSize, config.hiddenSize])
            headBias = add("head_bias", [config.outputSize])
        } else {
            headWeight = nil
            headBias = nil
        }
        self.specs = specs
        self.layers = layers
        self.totalCount = offset
    }

    /// The tensor called `name`, if the model has one.
    public func spec(named name: String) -> ParameterSpec? {
        specs.first { $0.name == name }
    }
}
