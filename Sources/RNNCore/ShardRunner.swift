import Foundation

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

    /// Calls `body(i)` for every i in 0..<count, at most `capacity` of them at a time,
    /// and returns when all have returned. Each call must touch only its own shard's
    /// memory, apart from reading what no call writes.
    func run(_ count: Int, _ body: (Int) -> Void) {
        precondition(count <= capacity)
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let job = ShardJob(body: escapable)
            shared.publish(job, count: count, workers: capacity - 1)
            escapable(0)
            shared.waitForWorkers()
        }
    }

    /// The worker's share of the runner; the threads hold this, not the runner, so the
    /// runner's deinit can stop them.
    private final class SharedState: @unchecked Sendable {
        // SAFETY: every stored property below is read and written only while
        // `condition` is locked, so the threads never race on them.
        private let condition = NSCondition()
        private var job: ShardJob?
        private var jobCount = 0
        private var generation = 0
        private var pending = 0
        private var stopping = false

        func publish(_ job: ShardJob, count: Int, workers: Int) {
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

                work?.body(index)
                work = nil  // release the job before reporting, so `run` sees it unreferenced

                condition.lock()
                pending -= 1
                if pending == 0 { condition.broadcast() }
                condition.unlock()
            }
        }
    }

    /// A shard body handed to the workers.
    private final class ShardJob: @unchecked Sendable {
        // SAFETY: `run` does not return before every worker has finished calling
        // `body` (waitForWorkers), so the non-escaping closure is never called after
        // its scope ends; the closure's shards write disjoint memory, and the lock
        // around publish/wait orders those writes before the caller reads them.
        let body: (Int) -> Void
        init(body: @escaping (Int) -> Void) { self.body = body }
    }
}
