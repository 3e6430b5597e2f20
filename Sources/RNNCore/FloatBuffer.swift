/// A fixed-size block of values at a 64-byte-aligned address, owned by the engine
/// and reused across training steps, so that no step allocates.
final class AlignedBuffer<Element: BitwiseCopyable & Numeric> {
    let count: Int
    let pointer: UnsafeMutablePointer<Element>

    /// A zero-filled buffer of `count` values (at least one, so `pointer` is valid).
    init(count: Int) {
        self.count = count
        let capacity = max(count, 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: capacity * MemoryLayout<Element>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit {
        pointer.deallocate()
    }

    func zero() {
        pointer.update(repeating: 0, count: count)
    }

    var buffer: UnsafeMutableBufferPointer<Element> {
        UnsafeMutableBufferPointer(start: pointer, count: count)
    }
}

typealias FloatBuffer = AlignedBuffer<Float>

/// An `AlignedBuffer` that grows when a pass needs more room than it has, and never
/// shrinks: the first pass of a given size allocates, the following ones do not.
struct GrowableBuffer<Element: BitwiseCopyable & Numeric> {
    private(set) var storage = AlignedBuffer<Element>(count: 0)

    /// The buffer, reallocated (zero-filled) when it holds fewer than `count` values.
    mutating func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if storage.count < count { storage = AlignedBuffer(count: count) }
        return storage.pointer
    }

    var pointer: UnsafeMutablePointer<Element> { storage.pointer }
}
