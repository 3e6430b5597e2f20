import Dispatch

/// The cores, taken in turn by the sessions of a comparison: one session trains at
/// a time, with every core as it would alone, for a slice of time, then hands the
/// cores to the next one waiting, first come first served.
///
/// Why turns rather than all sessions at once: a step split over the cores meets
/// its other threads once a pass (or once a time step, for large models); with more
/// threads than cores, a thread waits for a partner the scheduler has put aside, and
/// throughput collapses. In turns, each step runs exactly as it would alone, so a
/// run in a comparison is bit for bit the run made alone, and the cores never idle.
/// A slice of 20 ms keeps the cost of handing over (a wake-up, a change of cache)
/// small beside the work: `rnntop bench --compare` keeps 99% of the throughput of
/// three small runs one after another with it, 93% with 5 ms slices.
public final class StepTurns: Sendable {
    /// How long a session keeps the cores while others wait.
    public let slice: Double
    private let state = Locked(State())

    private struct State {
        var busy = false
        /// Sessions waiting for the cores, in the order they asked.
        var waiting: [DispatchSemaphore] = []
    }

    public init(slice: Double = 0.02) {
        self.slice = slice
    }

    /// Waits until the caller has the cores.
    func take() {
        let wait = state.withLock { state -> DispatchSemaphore? in
            guard state.busy else {
                state.busy = true
                return nil
            }
            let semaphore = DispatchSemaphore(value: 0)
            state.waiting.append(semaphore)
            return semaphore
        }
        wait?.wait()
    }

    /// Gives the cores to the session that has waited longest, or frees them.
    func release() {
        let next = state.withLock { state -> DispatchSemaphore? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.signal()
    }

    /// Whether another session is waiting for the cores.
    var isWanted: Bool { state.withLock { !$0.waiting.isEmpty } }
}

/// A session's hold on its comparison's cores: taken for a step, kept across steps
/// for a slice, handed over when the slice is used and another session waits, and
/// whenever the session stops stepping.
struct Turn {
    let turns: StepTurns?
    private let clock = ContinuousClock()
    /// When the cores came to this session; nil while it does not hold them.
    private var since: ContinuousClock.Instant?

    init(_ turns: StepTurns?) {
        self.turns = turns
    }

    /// Before a step: holds the cores (at once, alone).
    mutating func begin() {
        guard let turns, since == nil else { return }
        turns.take()
        since = clock.now
    }

    /// After a step: hands the cores over when the slice is used and someone waits.
    mutating func stepped() {
        guard let turns, let since, (clock.now - since).seconds >= turns.slice, turns.isWanted else { return }
        end()
    }

    /// The session waits or ends: the others have the cores.
    mutating func end() {
        guard let turns, since != nil else { return }
        since = nil
        turns.release()
    }
}
