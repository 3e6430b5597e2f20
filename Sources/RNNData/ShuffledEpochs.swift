import RNNCore

/// Goes through `count` items in a new random order every epoch, a batch at a time,
/// as Keras's `fit(shuffle=True)` does: the last batch of an epoch is what is left.
struct ShuffledEpochs {
    private(set) var order: [Int]
    private var cursor: Int

    init(count: Int) {
        order = Array(0..<count)
        cursor = count  // the first call shuffles
    }

    /// Positions in `order` of the next batch of at most `size` items.
    mutating func next(_ size: Int, generator: inout RandomGenerator) -> Range<Int> {
        if cursor >= order.count {
            shuffle(&generator)
            cursor = 0
        }
        let batch = cursor..<min(cursor + size, order.count)
        cursor = batch.upperBound
        return batch
    }

    /// Fisher-Yates with the session's generator (the standard library's shuffle may
    /// change between Swift versions; a run must not).
    private mutating func shuffle(_ generator: inout RandomGenerator) {
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, generator.nextInt(below: i + 1))
        }
    }
}
