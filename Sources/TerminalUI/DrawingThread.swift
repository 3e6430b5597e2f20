import CTerminal

/// The thread that draws the screen, on a machine whose cores the program's real
/// work wants: drawing can wait a few milliseconds, the work should not.
public enum DrawingThread {
    /// Lowers the calling thread's priority to the lowest (nice 19) so that the
    /// process's other threads get the cores first: training in lock-step on two
    /// cores waits for its slower thread, so every millisecond drawing takes from one
    /// of them costs both (a small RNN trained at a median 0.88 of its headless speed
    /// with the drawing thread at nice 10, 0.99 at 19, in pairs that vary by ±10% on
    /// a shared 2-core machine). Drawing still gets the idle moments between steps;
    /// on a machine busy with other work, frames come less often. Threads this one
    /// starts afterwards inherit the priority. Returns false if the system refused
    /// (the program goes on as it was).
    @discardableResult
    public static func yieldToWork() -> Bool {
        term_lower_thread_priority(19) == 0
    }
}
