import CTerminal

/// The thread that draws the screen, on a machine whose cores the program's real
/// work wants: drawing can wait a few milliseconds, the work should not.
public enum DrawingThread {
    /// Lowers the calling thread's priority (nice 10) so that the process's other
    /// threads, running or started later by them, get the cores first; threads this
    /// one starts afterwards inherit the lower priority. Returns false if the system
    /// refused (the program goes on as it was).
    @discardableResult
    public static func yieldToWork() -> Bool {
        term_lower_thread_priority(10) == 0
    }
}
