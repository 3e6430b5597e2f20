import Foundation
import Testing

@testable import RNNCore

/// Each optimizer against PyTorch's update rule written out again here in double,
/// over several steps with changing gradients.
@Suite struct OptimizerTests {
    static let start: [Float] = [0.5, -1.25, 2.0, 0.0, -0.125]
    static let gradientSequence: [[Float]] = [
        [0.1, -0.2, 0.3, 0.0, 1e-4],
        [-0.05, -0.2, 0.6, 0.02, -1e-4],
        [0.2, 0.1, -0.3, -0.02, 5e-5],
    ]

    /// Runs `settings` over the gradient sequence and returns the parameters.
    func run(_ settings: OptimizerSettings) throws -> [Float] {
        let optimizer = try Optimizer(settings, parameterCount: Self.start.count)
        var parameters = Self.start
        for gradients in Self.gradientSequence {
            gradients.withUnsafeBufferPointer { g in
                parameters.withUnsafeMutableBufferPointer { optimizer.step($0, g) }
            }
        }
        #expect(optimizer.stepCount == Self.gradientSequence.count)
        return parameters
    }

    func expectClose(_ ours: [Float], _ reference: [Double], _ label: String) {
        let difference = TestModels.relativeDifference(ours.map(Double.init), reference)
        #expect(difference < 1e-6, "\(label): \(ours) vs \(reference)")
    }

    @Test func sgdWithMomentumAndNesterov() throws {
        for nesterov in [false, true] {
            let (lr, m) = (0.1, 0.9)
            var p = Self.start.map(Double.init)
            var buffer = [Double](repeating: 0, count: p.count)
            for (step, g) in Self.gradientSequence.enumerated() {
                for i in p.indices {
                    let d = Double(g[i])
                    buffer[i] = step == 0 ? d : m * buffer[i] + d
                    p[i] -= lr * (nesterov ? d + m * buffer[i] : buffer[i])
                }
            }
            let ours = try run(OptimizerSettings(kind: .sgd, learningRate: 0.1, momentum: 0.9, nesterov: nesterov))
            expectClose(ours, p, "SGD nesterov \(nesterov)")
        }
    }

    @Test func plainSGDWithWeightDecay() throws {
        var p = Self.start.map(Double.init)
        for g in Self.gradientSequence {
            for i in p.indices { p[i] -= 0.05 * (Double(g[i]) + 0.01 * p[i]) }
        }
        expectClose(try run(OptimizerSettings(kind: .sgd, learningRate: 0.05, weightDecay: 0.01)), p, "SGD decay")
    }

    @Test func adamIsBiasCorrectedWithEpsilonOutsideTheRoot() throws {
        let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-8)
        var p = Self.start.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        for (index, g) in Self.gradientSequence.enumerated() {
            let t = Double(index + 1)
            for i in p.indices {
                let d = Double(g[i])
                m[i] = b1 * m[i] + (1 - b1) * d
                v[i] = b2 * v[i] + (1 - b2) * d * d
                let denominator = (v[i] / (1 - pow(b2, t))).squareRoot() + eps
                p[i] -= lr / (1 - pow(b1, t)) * m[i] / denominator
            }
        }
        expectClose(try run(OptimizerSettings(kind: .adam, learningRate: 0.01)), p, "Adam")
    }

    /// Keras's Adam: α_t = lr·√(1−β2^t)/(1−β1^t), p −= α_t·m/(√v + ε), the moments not
    /// bias-corrected (keras/src/optimizers/adam.py). The 1e-4 gradient shows the
    /// difference: there PyTorch's epsilon moves the parameter 3% more.
    @Test func adamWithEpsilonHatIsKerasRule() throws {
        let (lr, b1, b2, eps) = (0.01, 0.9, 0.999, 1e-7)
        var p = Self.start.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        for (index, g) in Self.gradientSequence.enumerated() {
            let t = Double(index + 1)
            let alpha = lr * (1 - pow(b2, t)).squareRoot() / (1 - pow(b1, t))
            for i in p.indices {
                let d = Double(g[i])
                m[i] += (d - m[i]) * (1 - b1)
                v[i] += (d * d - v[i]) * (1 - b2)
                p[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
            }
        }
        let keras = try run(OptimizerSettings(kind: .adam, learningRate: 0.01, epsilon: 1e-7, epsilonHat: true))
        expectClose(keras, p, "Adam, Keras's epsilon")
        let torch = try run(OptimizerSettings(kind: .adam, learningRate: 0.01, epsilon: 1e-7))
        #expect(abs(Double(torch[4]) - p[4]) > 1e-6, "PyTorch's epsilon gives another step where the gradient is small")
    }

    @Test func settingsFromBeforeEpsilonHatDecodeAsPyTorchs() throws {
        let old = #"{"kind":"adam","learningRate":0.001,"momentum":0,"nesterov":false,"beta1":0.9,"beta2":0.999,"alpha":0.99,"epsilon":1e-07,"weightDecay":0}"#
        let settings = try JSONDecoder().decode(OptimizerSettings.self, from: Data(old.utf8))
        #expect(settings == OptimizerSettings(kind: .adam, learningRate: 0.001, epsilon: 1e-7))
        let keras = OptimizerSettings(kind: .adam, epsilonHat: true)
        #expect(try JSONDecoder().decode(OptimizerSettings.self, from: JSONEncoder().encode(keras)) == keras)
    }

    @Test func rmspropWithAndWithoutMomentum() throws {
        for momentum in [0.0, 0.5] {
            let (lr, alpha, eps) = (0.01, 0.99, 1e-8)
            var p = Self.start.map(Double.init)
            var v = [Double](repeating: 0, count: p.count), buffer = v
            for g in Self.gradientSequence {
                for i in p.indices {
                    let d = Double(g[i])
                    v[i] = alpha * v[i] + (1 - alpha) * d * d
                    let scaled = d / (v[i].squareRoot() + eps)
                    if momentum > 0 {
                        buffer[i] = momentum * buffer[i] + scaled
                        p[i] -= lr * buffer[i]
                    } else {
                        p[i] -= lr * scaled
                    }
                }
            }
            let ours = try run(OptimizerSettings(kind: .rmsprop, momentum: Float(momentum)))
            expectClose(ours, p, "RMSProp momentum \(momentum)")
        }
    }

    @Test func adagradAccumulatesSquares() throws {
        var p = Self.start.map(Double.init)
        var sum = [Double](repeating: 0, count: p.count)
        for g in Self.gradientSequence {
            for i in p.indices {
                let d = Double(g[i])
                sum[i] += d * d
                p[i] -= 0.1 * d / (sum[i].squareRoot() + 1e-10)
            }
        }
        expectClose(try run(OptimizerSettings(kind: .adagrad, learningRate: 0.1)), p, "Adagrad")
    }

    @Test func stateSurvivesASaveAndRestore() throws {
        let settings = OptimizerSettings(kind: .adam, learningRate: 0.01)
        let straight = try run(settings)
        let first = try Optimizer(settings, parameterCount: Self.start.count)
        var parameters = Self.start
        Self.gradientSequence[0].withUnsafeBufferPointer { g in
            parameters.withUnsafeMutableBufferPointer { first.step($0, g) }
        }
        let second = try Optimizer(settings, parameterCount: Self.start.count)
        try second.restore(stepCount: first.stepCount, buffers: first.stateBuffers())
        for gradients in Self.gradientSequence.dropFirst() {
            gradients.withUnsafeBufferPointer { g in
                parameters.withUnsafeMutableBufferPointer { second.step($0, g) }
            }
        }
        #expect(parameters == straight)
    }

    @Test func hyperparametersChangeBetweenStepsButTheKindDoesNot() throws {
        let optimizer = try Optimizer(OptimizerSettings(kind: .sgd, learningRate: 0.1), parameterCount: 2)
        var lower = optimizer.settings
        lower.learningRate = 0.05
        try optimizer.apply(lower)
        #expect(optimizer.settings.learningRate == 0.05)
        var other = lower
        other.kind = .adam
        #expect(throws: ConfigError.self) { try optimizer.apply(other) }
        lower.learningRate = -1
        #expect(throws: ConfigError.self) { try optimizer.apply(lower) }
        #expect(optimizer.settings.learningRate == 0.05)
    }

    @Test func aBadCheckpointChangesNothing() throws {
        let optimizer = try Optimizer(OptimizerSettings(kind: .adam), parameterCount: 3)
        #expect(throws: ConfigError.self) {
            try optimizer.restore(stepCount: 5, buffers: ["exp_avg": [1, 2, 3], "exp_avg_sq": [1]])
        }
        #expect(optimizer.stepCount == 0)
        #expect(optimizer.stateBuffers()["exp_avg"] == [0, 0, 0])
    }

    @Test func nonsenseSettingsAreRefusedByName() {
        #expect(throws: ConfigError.self) { try Optimizer(OptimizerSettings(kind: .adam, learningRate: -1), parameterCount: 1) }
        do {
            _ = try Optimizer(OptimizerSettings(kind: .sgd, learningRate: .nan), parameterCount: 1)
            Issue.record("a NaN learning rate was accepted")
        } catch {
            #expect(error.setting == "learning rate")
        }
        #expect(throws: ConfigError.self) { try Optimizer(OptimizerSettings(kind: .sgd, momentum: 1), parameterCount: 1) }
        #expect(throws: ConfigError.self) {
            try Optimizer(OptimizerSettings(kind: .adam, nesterov: true), parameterCount: 1)
        }
    }
}
