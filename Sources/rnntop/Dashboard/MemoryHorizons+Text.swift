import RNNCore

/// How the dashboard words a layer's memory horizons: in the decay heatmap's title,
/// and beside each min-cell run's gradient profile in a comparison.
extension MemoryHorizons {
    /// "horizon median 12, 25% > 50": the middle unit's horizon and the share of
    /// units that remember for longer than the probe sequence.
    var summary: String {
        "horizon median \(Self.text(median)), \(Int((shareLongerThanSequence * 100).rounded()))% > \(sequenceLength)"
    }

    /// A horizon in steps: "0.8", "12", "4,100", "∞".
    static func text(_ steps: Double) -> String {
        guard steps.isFinite else { return "∞" }
        return steps < 10 ? String(format: "%.1f", steps) : Format.count(Int(steps.rounded()))
    }
}
