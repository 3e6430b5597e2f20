import CKernels

/// How the threads working on one shard share it.
///
/// A shard of a batch split across cores runs on one thread (`whole`). A single
/// sequence, which cannot be split that way, is shared by hidden units instead: each
/// thread computes its units' gates and states, and the threads meet at a barrier
/// once per time step, because every unit's next step reads all units' states.
struct Partition {
    let index: Int
    let count: Int
    /// An `rk_barrier` for `count` threads (nil when alone).
    let barrier: OpaquePointer?

    static var whole: Partition { Partition(index: 0, count: 1, barrier: nil) }

    /// The part that does what only one thread should (inputs, head, loss).
    var isLead: Bool { index == 0 }

    /// Waits for the other parts; a no-op when alone.
    func sync() {
        if let barrier { rk_barrier_wait(barrier) }
    }

    /// This part's share of 0..<total, cut at multiples of `alignment` (a panel of
    /// the kernels, so each part reads whole vectors).
    func share(of total: Int, alignment: Int = 16) -> Range<Int> {
        guard count > 1 else { return 0..<total }
        let chunk = ((total + count - 1) / count + alignment - 1) / alignment * alignment
        let start = min(index * chunk, total)
        return start..<min(start + chunk, total)
    }
}
