import CKernels
import Foundation
import Synchronization

/// Work split into shards; `runShard` is called once per shard, on any thread.
protocol ShardWork: AnyObject {
    func runShard(_ index: Int)
}

/// Runs the shards of a batch at the same time, one per core: shard 0 on the calling
/// thread, the others on worker threads that live as long as the runner.
///
/// A batch's sequences are independent until their gradients are summed, so the
/// recurrent sweeps of two halves of a batch need no synchronisation per time step:
/// one hand-off per pass is all the threading a training step does. Training steps
/// follow each other closely, so both sides spin for a few tens of microseconds
/// before they sleep: waking a sleeping thread costs more than that.
final class ShardRunner {
    /// Shards that can run at once: the calling thread plus the workers.
    let capacity: Int
    private let shared: SharedState

    /// A runner for `capacity` simultaneous shards (`capacity - 1` worker threads).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        shared = SharedState()
        for index in 1..<self.capacity {
            let shared = self.shared
            let thread = Thread { shared.workerLoop(index: index) }
            thread.name = "rnntop-shard-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit {
        shared.stop()
    }

    /// Calls `work.runShard(i)` for every i in 0..<count, at most `capacity` of them
    /// at a time, and returns when all have returned. Each call must touch only its
    /// own shard's memory, apart from reading what no call writes. Allocates nothing.
    func run(_ count: Int, _ work: some ShardWork) {
        precondition(count <= capacity)
        if count <= 1 {
            if count == 1 { work.runShard(0) }
            return
        }
        shared.publish(work, count: count, workers: capacity - 1)
        work.runShard(0)
        shared.waitForWorkers()
    }

    /// The workers' share of the runner; the threads hold this, not the runner, so
    /// the runner's deinit can stop them.
    private final class SharedState: @unchecked Sendable {
        // SAFETY: `job`, `jobCount` and `stopping` are written only while `condition`
        // is locked, and a worker reads them under the lock too. `generation` and
        // `pending` are atomics; a worker that sees a new generation has taken the
        // lock to read the job, and `run` does not return before every worker has
        // finished with the job and said so through `pending` (release/acquire), so
        // the shards' writes are visible to the caller afterwards.
        private let condition = NSCondition()
        private var job: (any ShardWork)?
        private var jobCount = 0
        private var stopping = false
        private let generation = Atomic<Int>(0)
        private let pending = Atomic<Int>(0)

        /// Iterations of a spin-wait before sleeping: a few tens of microseconds.
        private let spinLimit = 20_000

        func publish(_ job: any ShardWork, count: Int, workers: Int) {
            condition.lock()
            self.job = job
            jobCount = count
            pending.store(workers, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
        }

        func waitForWorkers() {
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 && spins < spinLimit {
                rk_cpu_relax()
                spins += 1
            }
            condition.lock()
            while pending.load(ordering: .acquiring) > 0 { condition.wait() }
            job = nil
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopping = true
            condition.broadcast()
            condition.unlock()
        }

        func workerLoop(index: Int) {
            var seen = 0
            while true {
                var spins = 0
                while generation.load(ordering: .acquiring) == seen && spins < spinLimit {
                    rk_cpu_relax()
                    spins += 1
                }
                condition.lock()
                while generation.load(ordering: .relaxed) == seen && !stopping { condition.wait() }
                if stopping {
                    condition.unlock()
                    return
                }
                seen = generation.load(ordering: .relaxed)
                var work = index < jobCount ? job : nil
                condition.unlock()

                work?.runShard(index)
                work = nil

                if pending.wrappingSubtract(1, ordering: .releasing).newValue == 0 {
                    condition.lock()
                    condition.broadcast()
                    condition.unlock()
                }
            }
        }
    }
}
