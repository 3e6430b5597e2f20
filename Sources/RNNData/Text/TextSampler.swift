import Foundation
import RNNCore

/// Generates text from a character model: the prime string sets the state, then each
/// new character is drawn from the softmax of the model's output at a temperature
/// and fed back in.
struct TextSampler {
    let vocabulary: Vocabulary

    /// `count` characters after `prime`, raw (control characters unescaped).
    func sample(
        from network: RecurrentNetwork, prime: String, count: Int, temperature: Double,
        generator: inout RandomGenerator
    ) -> String {
        let symbols = vocabulary.count
        var context = vocabulary.tokens(of: prime)
        if context.isEmpty { context = [Int32(generator.nextInt(below: symbols))] }
        var hidden: [Float]?, cell: [Float]?
        var output = [Int32]()
        var next = context
        for _ in 0..<count {
            var batch = SequenceBatch(
                steps: next.count, size: 1, inputSize: symbols, targets: .classes([Int32](repeating: 0, count: next.count)))
            for (t, token) in next.enumerated() { batch.inputs[t * symbols + Int(token)] = 1 }
            let result = network.infer(batch, hidden: hidden, cell: cell)
            hidden = result.finalHidden
            cell = result.finalCell.isEmpty ? nil : result.finalCell
            let logits = result.predictions.suffix(symbols)
            let token = draw(from: Array(logits), temperature: temperature, generator: &generator)
            output.append(token)
            next = [token]
        }
        return vocabulary.text(of: output)
    }

    /// A class index drawn from softmax(logits / temperature); the most likely one at
    /// temperature 0.
    private func draw(from logits: [Float], temperature: Double, generator: inout RandomGenerator) -> Int32 {
        guard temperature > 0 else { return Int32(logits.indices.max { logits[$0] < logits[$1] }!) }
        let largest = Double(logits.max()!)
        let weights = logits.map { exp((Double($0) - largest) / temperature) }
        var u = generator.nextDouble() * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return Int32(i) }
        }
        return Int32(weights.count - 1)
    }
}
