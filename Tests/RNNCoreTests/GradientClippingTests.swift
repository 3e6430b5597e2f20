import Testing

@testable import RNNCore

@Suite struct GradientClippingTests {
    @Test func byNormScalesEverythingByThresholdOverNorm() {
        var gradients: [Float] = [3, -4, 0, 12]  // norm 13
        let norm = gradients.withUnsafeBufferPointer { GradientClipping.squaredNorm(of: $0) }.squareRoot()
        #expect(norm == 13)
        let clipped = gradients.withUnsafeMutableBufferPointer {
            GradientClipping(mode: .norm, threshold: 6.5).apply(to: $0, globalNorm: norm)
        }
        #expect(clipped)
        let scale = Float(6.5 / (13 + 1e-6))  // PyTorch's clip_grad_norm_ coefficient
        #expect(gradients == [3 * scale, -4 * scale, 0, 12 * scale])
    }

    @Test func byNormLeavesSmallGradientsAlone() {
        var gradients: [Float] = [0.3, -0.4]
        let clipped = gradients.withUnsafeMutableBufferPointer {
            GradientClipping(mode: .norm, threshold: 1).apply(to: $0, globalNorm: 0.5)
        }
        #expect(!clipped)
        #expect(gradients == [0.3, -0.4])
    }

    @Test func byValueClampsEachElement() {
        var gradients: [Float] = [5, -0.2, -7, 1]
        let clipped = gradients.withUnsafeMutableBufferPointer {
            GradientClipping(mode: .value, threshold: 1).apply(to: $0, globalNorm: 0)
        }
        #expect(clipped)
        #expect(gradients == [1, -0.2, -1, 1])
    }

    @Test func zeroThresholdMeansOff() {
        var gradients: [Float] = [100, -100]
        let clipped = gradients.withUnsafeMutableBufferPointer { GradientClipping.off.apply(to: $0, globalNorm: 141) }
        #expect(!clipped && gradients == [100, -100])
        #expect(throws: ConfigError.self) { try GradientClipping(mode: .norm, threshold: -1).validate() }
    }

    @Test func trainerReportsTheNormBeforeClippingAndClipsTheUpdate() throws {
        let network = try TestModels.network(.lstm, hidden: 8)
        let batch = TestModels.batch(for: network, steps: 10, size: 4)
        let optimizer = try Optimizer(OptimizerSettings(kind: .sgd, learningRate: 1), parameterCount: network.parameterCount)
        let trainer = Trainer(
            network: network, optimizer: optimizer, clipping: GradientClipping(mode: .norm, threshold: 1e-3),
            generator: RandomGenerator(seed: 1))
        let before = network.withParameters { Array($0) }
        let summary = trainer.step(batch)
        let after = network.withParameters { Array($0) }
        #expect(summary.clipped && summary.finite)
        #expect(summary.gradientNorm > 1e-3)
        let squares = zip(before, after).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        #expect(abs(squares.squareRoot() - 1e-3) < 1e-5, "an SGD step of lr 1 moves the weights by the clipped norm")
        let perTensor = trainer.parameterGradientNorms.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(perTensor - summary.gradientNorm) < 1e-9 * summary.gradientNorm)
    }
}
