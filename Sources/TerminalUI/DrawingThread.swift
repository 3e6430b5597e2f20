import CTerminal

/// The thread that draws the screen, on a machine whose cores the program's real
/// work wants: drawing can wait a few milliseconds, the work should not.
public enum DrawingThread {
    /// Lowers the calling thread's priority to the lowest (nice 19) so that the
    /// process's other threads get the cores first: training in lock-step on two
    /// cores waits for its slower thread, so every millisecond drawing takes from one
    /// of them costs both (at nice 10 the dashboard cost small models 8% of their
    /// speed; at 19 it is within the noise). Drawing still gets the idle moments
    /// between steps. Threads this one starts afterwards inherit the priority.
    /// Returns false if the system refused (the program goes on as it was).
    @discardableResult
    public static func yieldToWork() -> Bool {
        term_lower_thread_priority(19) == 0
    }
}
