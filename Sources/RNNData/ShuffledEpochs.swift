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

    /// Where the epoch stands, for a checkpoint.
    var state: TaskCursor {
        var saved = TaskCursor()
        saved.order = order
        saved.position = cursor
        return saved
    }

    /// Continues from `state`, which must be an order of the same items.
    mutating func restore(_ state: TaskCursor) throws(ConfigError) {
        guard state.order.sorted() == Array(0..<order.count), (0...order.count).contains(state.position) else {
            throw ConfigError(setting: "checkpoint", problem: "its epoch order does not fit this data (\(order.count) windows)")
        }
        order = state.order
        cursor = state.position
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
