import Foundation
import Testing

@testable import RNNCore

/// Cross-entropy with positions left unscored (PyTorch's `ignore_index`): the loss is
/// the mean over the scored positions alone, an unscored position has no gradient,
/// and the accuracy counts the scored positions whose largest logit is the target.
@Suite struct IgnoredTargetTests {
    /// A GRU whose head ignores its input (zero weights), so every position's logits
    /// are the head's bias: predictions made by hand.
    static func network(bias: [Float], parallelism: Int? = nil) throws -> RecurrentNetwork {
        let network = try TestModels.network(
            .gru, input: 2, hidden: 3, outputs: bias.count, head: .everyStep, loss: .crossEntropy, parallelism: parallelism)
        let layout = network.layout
        network.withParameters { p in
            for i in 0..<(bias.count * 3) { p[layout.headWeight! + i] = 0 }
            for (i, b) in bias.enumerated() { p[layout.headBias! + i] = b }
        }
        return network
    }

    static func batch(_ classes: [Int32], steps: Int) -> SequenceBatch {
        let size = classes.count / steps
        var generator = RandomGenerator(seed: 5)
        let inputs = (0..<(steps * size * 2)).map { _ in Float(generator.nextNormal()) }
        return SequenceBatch(steps: steps, size: size, inputSize: 2, inputs: inputs, targets: .classes(classes))
    }

    @Test func theLossIsTheMeanOverTheScoredPositionsAndTheAccuracyCountsThemAlone() throws {
        let bias: [Float] = [0, 2, 1]
        let ignored = Targets.ignored
        // 2 steps × 3 sequences, time-major: 4 scored positions, 2 of them class 1
        // (the largest logit).
        let classes: [Int32] = [1, 0, ignored, 1, ignored, 2]
        let logSumExp = log(exp(0.0) + exp(2.0) + exp(1.0))
        let byHand = [1, 0, 1, 2].map { logSumExp - Double(bias[$0]) }.reduce(0, +) / 4
        for parallelism in [1, 2] {
            let network = try Self.network(bias: bias, parallelism: parallelism)
            var generator = RandomGenerator(seed: 1)
            let result = network.computeGradients(Self.batch(classes, steps: 2), generator: &generator)
            #expect(abs(result.loss - byHand) < 1e-6, "\(result.loss) against \(byHand)")
            #expect(result.scored == 4 && result.correct == 2 && result.accuracy == 0.5)
            // d loss / d bias_j = mean over scored positions of softmax_j - [j == target].
            let softmax: [Double] = bias.map { exp(Double($0) - logSumExp) }
            let scoredClasses = [1, 0, 1, 2]
            let gradient = try #require(network.gradient(named: "head_bias"))
            for j in 0..<3 {
                var expected = 0.0
                for target in scoredClasses { expected += softmax[j] - (target == j ? 1 : 0) }
                expected /= 4
                let got = Double(gradient[j])
                #expect(abs(got - expected) < 1e-6, "bias \(j): \(got) against \(expected)")
            }
        }
    }

    @Test func anUnscoredPositionChangesNothing() throws {
        let network = try TestModels.network(.lstm, input: 2, hidden: 4, outputs: 3, head: .everyStep, loss: .crossEntropy)
        let ignored = Targets.ignored
        let scoredOnly = Self.batch([2, ignored, 0, ignored, 1, ignored], steps: 3)
        var changed = scoredOnly
        changed.inputs[changed.inputs.count - 1] += 5  // the second sequence, none of whose positions is scored
        var generator = RandomGenerator(seed: 1)
        let first = network.computeGradients(scoredOnly, generator: &generator)
        let firstGradient = try #require(network.gradient(named: "head_weight"))
        let second = network.computeGradients(changed, generator: &generator)
        #expect(first.loss == second.loss)
        #expect(firstGradient == network.gradient(named: "head_weight"))
    }

    @Test func everyPositionScoredIsThePlainMean() throws {
        let network = try TestModels.network(.rnn, input: 3, hidden: 5, outputs: 4, head: .everyStep, loss: .crossEntropy)
        let batch = TestModels.batch(for: network, steps: 6, size: 3)
        var generator = RandomGenerator(seed: 1)
        let result = network.computeGradients(batch, record: .predictions, generator: &generator)
        guard case .classes(let classes) = batch.targets else { Issue.record("class targets"); return }
        let logits = try #require(result.recorded?.predictions)
        var total = 0.0, correct = 0
        for (row, target) in classes.enumerated() {
            let z = logits[(row * 4)..<((row + 1) * 4)].map(Double.init)
            total += log(z.map(exp).reduce(0, +)) - z[Int(target)]
            if z.firstIndex(of: z.max()!) == Int(target) { correct += 1 }
        }
        #expect(abs(result.loss - total / Double(classes.count)) < 1e-6)
        #expect(result.scored == classes.count && result.correct == correct)
        #expect(network.evaluation(of: batch).correct == correct)
    }

    @Test func aRegressionHasNoAccuracy() throws {
        let network = try TestModels.network(.gru, head: .lastStep, loss: .mse)
        #expect(network.evaluation(of: TestModels.batch(for: network, steps: 4, size: 2)).accuracy == nil)
    }
}
