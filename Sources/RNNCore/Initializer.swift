/// Fills a fresh parameter vector according to an `InitScheme`, drawing from the
/// model's generator in layout order, so a seed fixes every weight.
enum Initializer {
    static func initialize(
        _ values: UnsafeMutableBufferPointer<Float>, layout: ParameterLayout, config: ModelConfig,
        generator: inout RandomGenerator
    ) {
        let h = config.hiddenSize
        let gates = config.cell.gateCount * h
        for layer in layout.layers where config.cell.isLinearRecurrence {
            initializeLinearRecurrence(values, layer: layer, config: config, generator: &generator)
        }
        for layer in layout.layers where !config.cell.isLinearRecurrence {
            let wih = values.baseAddress! + layer.weightIH, whh = values.baseAddress! + layer.weightHH
            let bih = values.baseAddress! + layer.biasIH, bhh = values.baseAddress! + layer.biasHH
            let wihCount = gates * layer.inputWidth, whhCount = gates * h
            switch config.initialization {
            case .torch:
                let bound = 1 / Float(h).squareRoot()
                for p in [(wih, wihCount), (whh, whhCount), (bih, gates), (bhh, gates)] {
                    fillUniform(p.0, p.1, bound: bound, &generator)
                }
            case .keras:
                let limit = (6 / Float(layer.inputWidth + gates)).squareRoot()
                fillUniform(wih, wihCount, bound: limit, &generator)
                fillOrthogonal(whh, rows: gates, columns: h, &generator)
                bih.update(repeating: 0, count: gates)
                bhh.update(repeating: 0, count: gates)
                if config.cell == .lstm {
                    (bih + h).update(repeating: 1, count: h)  // Keras unit_forget_bias
                }
            case .identity:
                fillNormal(wih, wihCount, standardDeviation: 0.001, &generator)
                whh.update(repeating: 0, count: whhCount)
                for block in 0..<config.cell.gateCount {
                    for i in 0..<h { whh[(block * h + i) * h + i] = 1 }
                }
                bih.update(repeating: 0, count: gates)
                bhh.update(repeating: 0, count: gates)
            }
        }
        if let weight = layout.headWeight, let bias = layout.headBias {
            let w = values.baseAddress! + weight, b = values.baseAddress! + bias
            let count = config.outputSize * h
            switch config.initialization {
            case .torch:
                let bound = 1 / Float(h).squareRoot()  // nn.Linear: U(±1/sqrt(fan_in))
                fillUniform(w, count, bound: bound, &generator)
                fillUniform(b, config.outputSize, bound: bound, &generator)
            case .keras:
                let limit = (6 / Float(h + config.outputSize)).squareRoot()
                fillUniform(w, count, bound: limit, &generator)
                b.update(repeating: 0, count: config.outputSize)
            case .identity:
                fillNormal(w, count, standardDeviation: 0.001, &generator)
                b.update(repeating: 0, count: config.outputSize)
            }
        }
    }

    /// A min cell's layer is two or three `nn.Linear`s side by side: PyTorch's
    /// initialisation is nn.Linear's (U(±1/sqrt(fan_in)) for weights and biases), as
    /// the reference implementation has it; Keras's is Glorot-uniform with zero bias;
    /// `identity` (which has no recurrent matrix to make the identity here) keeps its
    /// small normal input weights and zero biases.
    private static func initializeLinearRecurrence(
        _ values: UnsafeMutableBufferPointer<Float>, layer: ParameterLayout.Layer, config: ModelConfig,
        generator: inout RandomGenerator
    ) {
        let gates = config.cell.gateCount * config.hiddenSize
        let wih = values.baseAddress! + layer.weightIH, bih = values.baseAddress! + layer.biasIH
        let count = gates * layer.inputWidth
        switch config.initialization {
        case .torch:
            let bound = 1 / Float(layer.inputWidth).squareRoot()
            fillUniform(wih, count, bound: bound, &generator)
            fillUniform(bih, gates, bound: bound, &generator)
        case .keras:
            fillUniform(wih, count, bound: (6 / Float(layer.inputWidth + gates)).squareRoot(), &generator)
            bih.update(repeating: 0, count: gates)
        case .identity:
            fillNormal(wih, count, standardDeviation: 0.001, &generator)
            bih.update(repeating: 0, count: gates)
        }
    }

    private static func fillUniform(
        _ p: UnsafeMutablePointer<Float>, _ count: Int, bound: Float, _ generator: inout RandomGenerator
    ) {
        for i in 0..<count { p[i] = generator.nextFloat(in: -bound, bound) }
    }

    private static func fillNormal(
        _ p: UnsafeMutablePointer<Float>, _ count: Int, standardDeviation: Double,
        _ generator: inout RandomGenerator
    ) {
        for i in 0..<count { p[i] = Float(standardDeviation * generator.nextNormal()) }
    }

    /// A `rows` x `columns` matrix with orthonormal columns (rows >= columns) or rows,
    /// as Keras's Orthogonal initializer makes it: the Q of a QR decomposition of a
    /// standard normal matrix, signs fixed so that R has a positive diagonal.
    /// Our W_hh is the transpose of Keras's recurrent kernel, so its columns are the
    /// orthonormal ones.
    static func fillOrthogonal(
        _ p: UnsafeMutablePointer<Float>, rows: Int, columns: Int, _ generator: inout RandomGenerator
    ) {
        let tall = rows >= columns
        let n = max(rows, columns), k = min(rows, columns)
        // k vectors of length n, orthonormalised by modified Gram-Schmidt in double.
        var vectors = (0..<k).map { _ in (0..<n).map { _ in generator.nextNormal() } }
        for j in 0..<k {
            for i in 0..<j {
                let projection = zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for e in 0..<n { vectors[j][e] -= projection * vectors[i][e] }
            }
            let norm = vectors[j].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for e in 0..<n { vectors[j][e] /= norm }
        }
        for r in 0..<rows {
            for c in 0..<columns {
                p[r * columns + c] = Float(tall ? vectors[c][r] : vectors[r][c])
            }
        }
    }
}
