import Foundation

/// A value shared between threads, reached only through a lock.
///
/// Built on `NSLock` (a pthread mutex), which the Thread Sanitizer understands;
/// `Synchronization.Mutex` locks inside uninstrumented code on Linux, so the
/// sanitizer cannot see it order accesses and reports races that are not there.
public final class Locked<Value>: @unchecked Sendable {
    // SAFETY: `value` is read and written only inside `withLock`, between
    // `lock.lock()` and `lock.unlock()`, so no two threads touch it at once, and the
    // mutex orders each access after the previous one.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the value, holding the lock.
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
