/// The ‖∂L/∂h_t‖ profiles of the last few steps, summarised so that the profile's
/// picture holds still without lying: the range of values they span (the axis,
/// which follows what is shown and forgets an early underflow once it is out of the
/// window) and each layer's first/last ratio as the median over the window (one odd
/// batch does not swing the headline by ten decades). Only profiles of the same
/// moment are summarised: those within `span(at:)` steps of the newest, so a log
/// whose profiles are far apart shows each one's own ratio.
public struct ProfileWindow: Sendable, Equatable {
    /// Profiles kept: a live run adds one a step, a replay one per profile record.
    public let capacity: Int
    private var entries: [Entry] = []

    private struct Entry: Sendable, Equatable {
        let step: Int
        let low: Double
        let high: Double
        /// Per layer, ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ (NaN where it has none).
        let ratios: [Double]
    }

    public init(capacity: Int = 32) {
        self.capacity = max(capacity, 1)
    }

    /// How far back, in steps, profiles still count as the moment of one at `step`:
    /// a tenth of the run so far, at least 32 steps (a live run's consecutive steps;
    /// a log's profiles every 10 steps early, every 500 late).
    public static func span(at step: Int) -> Int { max(32, step / 10) }

    /// Adds the profile, `[layer][t]`, of `step`, forgetting the oldest beyond
    /// capacity, those too old for it, and any from later steps (a rollback).
    public mutating func add(_ layers: [[Double]], step: Int) {
        // Called every training step: the range in one pass, no array of the norms.
        var low = Double.nan, high = Double.nan
        for layer in layers {
            for value in layer where value > 0 && value.isFinite {
                if !(value >= low) { low = value }
                if !(value <= high) { high = value }
            }
        }
        let ratios = layers.map { profile -> Double in
            guard let first = profile.first, let last = profile.last, last > 0, first.isFinite, last.isFinite else { return .nan }
            return first / last
        }
        entries.removeAll { $0.step >= step || $0.step < step - Self.span(at: step) }
        entries.append(Entry(step: step, low: low, high: high, ratios: ratios))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Starts afresh (a new model).
    public mutating func clear() { entries.removeAll() }

    /// The smallest and largest positive finite values of the profiles kept.
    public var range: ClosedRange<Double>? {
        let lows = entries.map(\.low).filter { !$0.isNaN }, highs = entries.map(\.high).filter { !$0.isNaN }
        guard let low = lows.min(), let high = highs.max(), low <= high else { return nil }
        return low...high
    }

    /// Per layer, the median first/last ratio of the profiles kept (NaN for a layer
    /// with none).
    public var medianRatios: [Double] {
        let layers = entries.map(\.ratios.count).max() ?? 0
        return (0..<layers).map { layer in
            let ratios = entries.compactMap { $0.ratios.count > layer ? $0.ratios[layer] : nil }.filter { !$0.isNaN }.sorted()
            guard !ratios.isEmpty else { return .nan }
            let middle = ratios.count / 2
            return ratios.count % 2 == 1 ? ratios[middle] : (ratios[middle - 1] * ratios[middle]).squareRoot()
        }
    }

    /// How many profiles it holds.
    public var count: Int { entries.count }
}
