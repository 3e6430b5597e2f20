import Foundation

/// Work split into shards; `runShard` is called once per shard, on any thread.
protocol ShardWork: AnyObject {
    func runShard(_ index: Int)
}

/// Runs the shards of a batch at the same time, one per core: shard 0 on the calling
/// thread, the others on worker threads that live as long as the runner.
///
/// A batch's sequences are independent until their gradients are summed, so the
/// recurrent sweeps of two halves of a batch need no synchronisation per time step:
/// one hand-off per pass is all the threading a training step does.
final class ShardRunner {
    /// Shards that can run at once: the calling thread plus the workers.
    let capacity: Int
    private let shared: SharedState
    private var threads: [Thread] = []

    /// A runner for `capacity` simultaneous shards (`capacity - 1` worker threads).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        shared = SharedState()
        for index in 1..<self.capacity {
            let shared = self.shared
            let thread = Thread { shared.workerLoop(index: index) }
            thread.name = "rnntop-shard-\(index)"
            thread.stackSize = 1 << 20
            threads.append(thread)
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

    /// The worker's share of the runner; the threads hold this, not the runner, so the
    /// runner's deinit can stop them.
    private final class SharedState: @unchecked Sendable {
        // SAFETY: every stored property below is read and written only while
        // `condition` is locked, so the threads never race on them. `run` does not
        // return before every worker has finished with `job` (waitForWorkers); the
        // shards it runs write disjoint memory, and the lock orders those writes
        // before the caller reads them.
        private let condition = NSCondition()
        private var job: (any ShardWork)?
        private var jobCount = 0
        private var generation = 0
        private var pending = 0
        private var stopping = false

        func publish(_ job: any ShardWork, count: Int, workers: Int) {
            condition.lock()
            self.job = job
            jobCount = count
            pending = workers
            generation += 1
            condition.broadcast()
            condition.unlock()
        }

        func waitForWorkers() {
            condition.lock()
            while pending > 0 { condition.wait() }
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
                condition.lock()
                while generation == seen && !stopping { condition.wait() }
                if stopping {
                    condition.unlock()
                    return
                }
                seen = generation
                var work = index < jobCount ? job : nil
                condition.unlock()

                work?.runShard(index)
                work = nil

                condition.lock()
                pending -= 1
                if pending == 0 { condition.broadcast() }
                condition.unlock()
            }
        }
    }
}
