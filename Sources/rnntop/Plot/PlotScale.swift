import Foundation
import TerminalUI

/// One axis of a plot: values from `low` to `high` onto pixels from `start` to
/// `end` (y runs upwards: its start is the bottom), linear or logarithmic, with
/// round ticks whose labels are all different.
struct PlotScale {
    let low: Double
    let high: Double
    let start: Double
    let end: Double
    let logarithmic: Bool

    /// The scale that spans the finite `values` (the positive ones on a log scale),
    /// padded a little so lines do not run along the frame; nil when there are none.
    init?(spanning values: [Double], start: Double, end: Double, logarithmic: Bool, padded: Bool = true) {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        guard var low = usable.min(), var high = usable.max() else { return nil }
        if logarithmic { (low, high) = (log10(low), log10(high)) }
        // Halves first, so that a span of ±1e308 does not overflow.
        let half = high / 2 - low / 2
        let pad = half < 1e-12 * max(abs(high), 1) ? max(abs(high) * 0.1, logarithmic ? 0.5 : 1e-6) : padded ? half * 0.1 : 0
        self.init(low: low - pad, high: high + pad, start: start, end: end, logarithmic: logarithmic)
    }

    /// A scale from `low` to `high` (their log10 on a log scale).
    init(low: Double, high: Double, start: Double, end: Double, logarithmic: Bool) {
        (self.low, self.high, self.start, self.end, self.logarithmic) = (low, high, start, end, logarithmic)
    }

    /// The pixel of a value; nil for one the scale cannot show (NaN, infinite, not
    /// positive on a log scale).
    func pixel(_ value: Double) -> Double? {
        guard value.isFinite, !logarithmic || value > 0 else { return nil }
        let v = logarithmic ? log10(value) : value
        let fraction = high > low ? (v - low) / (high - low) : 0.5
        return start + fraction * (end - start)
    }

    /// About `count` ticks (at least three), as values and labels: the chart's rule.
    func ticks(count: Int) -> [(value: Double, label: String)] {
        Axis.ticks(low, high, count: count, logarithmic: logarithmic).map { (logarithmic ? pow(10, $0.position) : $0.position, $0.label) }
    }
}
