import Testing

@testable import RNNCore

/// The same seed gives the same run, bit for bit; sharding a batch over threads
/// changes only the order of floating-point sums.
@Suite struct ReproducibilityTests {
    func train(seed: UInt64, parallelism: Int? = nil, steps: Int = 5) throws -> (weights: [Float], losses: [Double]) {
        let network = try TestModels.network(
            .lstm, hidden: 16, layers: 2, dropout: 0.2, outputDropout: 0.2, seed: seed, parallelism: parallelism)
        let optimizer = try Optimizer(OptimizerSettings(kind: .adam), parameterCount: network.parameterCount)
        let trainer = Trainer(network: network, optimizer: optimizer, clipping: .off, generator: RandomGenerator(seed: seed))
        var losses = [Double]()
        for step in 0..<steps {
            losses.append(trainer.step(TestModels.batch(for: network, steps: 12, size: 8, seed: UInt64(step))).loss)
        }
        return (network.withParameters { Array($0) }, losses)
    }

    @Test func sameSeedSameWeightsAndLossesBitForBit() throws {
        let a = try train(seed: 42), b = try train(seed: 42)
        #expect(a.weights == b.weights)
        #expect(a.losses == b.losses)
    }

    @Test func differentSeedsDiffer() throws {
        #expect(try train(seed: 1).weights != train(seed: 2).weights)
    }

    @Test func shardedAndSerialRunsAgreeToRounding() throws {
        let serial = try train(seed: 3, parallelism: 1), sharded = try train(seed: 3, parallelism: 4)
        let difference = TestModels.relativeDifference(
            sharded.weights.map(Double.init), serial.weights.map(Double.init))
        #expect(difference < 1e-5)
    }

    @Test func generatorStreamIsFixed() {
        var generator = RandomGenerator(seed: 7)
        let first = (0..<3).map { _ in generator.next() }
        var again = RandomGenerator(seed: 7)
        #expect((0..<3).map { _ in again.next() } == first)
        var restored = RandomGenerator(seed: 0)
        restored.state = generator.state
        #expect(restored.next() == generator.next())
    }

    @Test func uniformAndNormalDrawsHaveTheirMoments() {
        var generator = RandomGenerator(seed: 9)
        let n = 200_000
        let uniform = (0..<n).map { _ in Double(generator.nextFloat()) }
        let normal = (0..<n).map { _ in generator.nextNormal() }
        let mean = uniform.reduce(0, +) / Double(n)
        #expect(abs(mean - 0.5) < 0.005)
        #expect(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
        let normalMean = normal.reduce(0, +) / Double(n)
        let variance = normal.reduce(0) { $0 + ($1 - normalMean) * ($1 - normalMean) } / Double(n)
        #expect(abs(normalMean) < 0.01 && abs(variance - 1) < 0.02)
    }
}
