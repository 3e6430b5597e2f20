import Foundation
import Testing

@testable import RNNCore
@testable import RNNData

/// The selective-copy task (Gu & Dao 2023): K symbols at random positions among
/// blanks, a marker, and the symbols to give back in order, scored there alone.
@Suite struct SelectiveCopyTests {
    static let k = SelectiveCopySequences.remembered, symbols = SelectiveCopySequences.symbols

    static func batch(steps: Int, size: Int, seed: UInt64) throws -> SequenceBatch {
        var generator = RandomGenerator(seed: seed)
        let task = try makeTask(TaskOptions(kind: .selectiveCopy, sequenceLength: steps), generator: &generator)
        _ = task.nextBatch(size: size, generator: &generator)
        return task.batch
    }

    /// The code of each step of sequence `b` (the one-hot input's hot index).
    static func codes(_ batch: SequenceBatch, _ b: Int) -> [Int] {
        (0..<batch.steps).map { t in
            let row = batch.inputs[((t * batch.size + b) * batch.inputSize)..<((t * batch.size + b + 1) * batch.inputSize)]
            #expect(row.filter { $0 == 1 }.count == 1 && row.filter { $0 == 0 }.count == row.count - 1, "one-hot at step \(t)")
            return row.firstIndex(of: 1)! - row.startIndex
        }
    }

    @Test func theSymbolsComeBackInOrderAfterTheMarker() throws {
        let steps = 60, size = 8
        let batch = try Self.batch(steps: steps, size: size, seed: 4)
        guard case .classes(let targets) = batch.targets else { Issue.record("class targets"); return }
        #expect(batch.steps == steps && batch.inputSize == Self.symbols + 2)
        let answer = steps - Self.k
        for b in 0..<size {
            let codes = Self.codes(batch, b)
            let region = codes[..<(answer - 1)]
            let shown = region.filter { $0 != 0 }
            #expect(shown.count == Self.k, "\(Self.k) symbols among the blanks")
            #expect(shown.allSatisfy { (1...Self.symbols).contains($0) } && !region.contains(Self.symbols + 1))
            #expect(codes[answer - 1] == Self.symbols + 1, "the marker")
            #expect(codes[answer...].allSatisfy { $0 == 0 }, "blanks while the answer is given")
            let wanted = (0..<steps).map { targets[$0 * size + b] }
            #expect(wanted[..<answer].allSatisfy { $0 == Targets.ignored }, "nothing scored before the answer")
            #expect(Array(wanted[answer...]) == shown.map { Int32($0 - 1) }, "the symbols in the order they came")
        }
    }

    @Test func thePositionsAreRandomAndSeeded() throws {
        let first = try Self.batch(steps: 200, size: 32, seed: 9), again = try Self.batch(steps: 200, size: 32, seed: 9)
        let other = try Self.batch(steps: 200, size: 32, seed: 10)
        #expect(first.inputs == again.inputs)
        #expect(first.inputs != other.inputs)
        let positions = (0..<32).map { b in
            let codes = Self.codes(first, b)
            return codes.indices.filter { codes[$0] != 0 && $0 < 200 - Self.k - 1 }
        }
        #expect(Set(positions).count == 32, "each sequence its own positions")
        // Uniform over the 183 steps before the marker: the mean position near the middle,
        // and symbols in the first and the last tenth.
        let all = positions.flatMap { $0 }
        let mean = Double(all.reduce(0, +)) / Double(all.count)
        #expect(abs(mean - 91) < 8, "mean position \(mean)")
        #expect(all.contains { $0 < 18 } && all.contains { $0 >= 165 })
    }

    @Test func aLengthTooShortForItsSymbolsIsRefused() {
        var generator = RandomGenerator(seed: 1)
        #expect(throws: ConfigError.self) {
            _ = try makeTask(TaskOptions(kind: .selectiveCopy, sequenceLength: 2 * Self.k), generator: &generator)
        }
    }

    @Test func theBaselineIsAUniformGuess() throws {
        var generator = RandomGenerator(seed: 1)
        let task = try makeTask(TaskOptions(kind: .selectiveCopy), generator: &generator)
        #expect(task.shape.steps == 256 && task.shape.outputSize == Self.symbols)
        #expect(abs(task.baseline.loss - log(8)) < 1e-12 && task.baseline.accuracy == 0.125)
    }

    @Test func longSequencesAreValidatedInBoundedBatches() throws {
        var generator = RandomGenerator(seed: 1)
        let task = try makeTask(TaskOptions(kind: .adding, sequenceLength: 10_000), generator: &generator)
        #expect(task.validation.map(\.size) == [32, 32, 32, 4])
        let short = try makeTask(TaskOptions(kind: .adding), generator: &generator)
        #expect(short.validation.map(\.size) == [1000], "the default length keeps its one batch of 1,000")
    }
}
