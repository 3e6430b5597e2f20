/// How a linear recurrence h_t = a_t h_{t-1} + b_t (the min cells' layers, and the
/// backward recurrence of their gradients) is computed over time.
public enum RecurrenceForm: Sendable, Equatable {
    /// An associative scan: the steps cut into chunks that are scanned independently
    /// (in parallel, when threads share a sequence) from a zero state, then the true
    /// state entering each chunk found by a short scan over the chunks, then added to
    /// each step times the product of the decays before it. Each element combines as
    /// (a, b)·(a', b') = (a a', a' b + b'), never dividing by a product of decays, so it
    /// is as stable in float32 as the step-by-step form, with no need for the log
    /// space the paper's cumulative-sum formulation needs.
    case parallelScan
    /// Step by step, t = 1...T: the reference the scan is checked against.
    case sequential

    /// Steps per chunk of the scan: long enough that the pass over the chunks is a
    /// small part of the work, short enough that a sequence of 50 steps has a chunk
    /// for each of two threads.
    static let chunkLength = 24
}

/// The chunks of a scan over `steps` time steps (and the time blocks a min cell's
/// layer runs in): `count` chunks of `length` steps, the last one shorter.
struct ScanChunks {
    let steps: Int
    let length: Int

    var count: Int { (steps + length - 1) / length }

    /// The time steps of chunk `index`.
    func steps(of index: Int) -> Range<Int> {
        index * length..<min((index + 1) * length, steps)
    }
}
