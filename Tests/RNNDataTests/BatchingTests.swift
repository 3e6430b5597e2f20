import AllocationCounter
import Foundation
import TestSupport
import Testing

@testable import RNNCore
@testable import RNNData

/// "Batching allocates nothing per step after the first" (for a task whose epochs
/// end in a shorter batch, after both sizes have been made once).
@Suite struct BatchingTests {
    @Test(.enabled(if: allocation_counter_available() != 0), arguments: TaskKind.allCases)
    func nextBatchDoesNotAllocate(_ kind: TaskKind) throws {
        var generator = RandomGenerator(seed: 1)
        let path: String? =
            switch kind {
            case .csv: Fixtures.data("sunspots.csv")
            case .text: Fixtures.data("hamlet.txt")
            default: nil
            }
        let task = try makeTask(TaskOptions(kind: kind, dataPath: path), generator: &generator)
        let size = task.defaults.batchSize
        for _ in 0..<(2 * task.stepsPerEpoch(batchSize: size) + 2) { _ = task.nextBatch(size: size, generator: &generator) }
        allocation_counter_start()
        for _ in 0..<50 { _ = task.nextBatch(size: size, generator: &generator) }
        let allocations = allocation_counter_stop()
        #expect(allocations == 0, "\(kind): \(allocations) allocations in 50 batches")
    }

    @Test func epochsVisitEveryWindowOnceInANewOrder() {
        var epochs = ShuffledEpochs(count: 10)
        var generator = RandomGenerator(seed: 4)
        var seen = [[Int]]()
        for _ in 0..<2 {
            var epoch = [Int]()
            while epoch.count < 10 {
                let range = epochs.next(4, generator: &generator)
                epoch += range.map { epochs.order[$0] }
            }
            seen.append(epoch)
        }
        #expect(seen.allSatisfy { $0.sorted() == Array(0..<10) })
        #expect(seen[0] != seen[1])
    }
}
