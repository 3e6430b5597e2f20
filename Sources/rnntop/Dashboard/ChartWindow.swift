import Foundation

/// The steps the loss and gradient-norm charts show, both the same: the whole run, the
/// last so many steps (following the live end), or a fixed stretch that holds its
/// steps while new points arrive.
enum ChartWindow: Equatable {
    case whole
    case trailing(steps: Double)
    case fixed(ClosedRange<Double>)

    /// The smallest window: zooming stops at this many steps.
    static let narrowest = 20.0

    /// The x range to draw, for a run whose last step is `last` (the axis of the whole
    /// run reaches a round number past it, see `wholeRange`).
    func range(last: Double) -> ClosedRange<Double> {
        switch self {
        case .whole: Self.wholeRange(upTo: last)
        case .trailing(let steps): max(0, last - steps)...max(last, steps)
        case .fixed(let range): range
        }
    }

    /// Half as many steps, around `center` (the cursor) or at the live end.
    func zoomedIn(last: Double, center: Double?) -> ChartWindow {
        let current = range(last: last)
        let width = max(Self.narrowest, (current.upperBound - current.lowerBound) / 2)
        guard let center else { return .trailing(steps: width) }
        return Self.fixed(center - width / 2, width: width, last: last)
    }

    /// Twice as many steps, or the whole run once that covers it.
    func zoomedOut(last: Double) -> ChartWindow {
        let current = range(last: last)
        let width = (current.upperBound - current.lowerBound) * 2
        guard width < last else { return .whole }
        if case .trailing = self { return .trailing(steps: width) }
        return Self.fixed(current.lowerBound - width / 4, width: width, last: last)
    }

    /// Moved by `fraction` of its width (negative: back); at the live end it follows.
    func panned(by fraction: Double, last: Double) -> ChartWindow {
        let current = range(last: last)
        let width = current.upperBound - current.lowerBound
        if case .whole = self { return self }
        return Self.fixed(current.lowerBound + fraction * width, width: width, last: last)
    }

    /// A window of `width` steps from `start`, kept inside the run; one that reaches
    /// the last step follows the live end.
    private static func fixed(_ start: Double, width: Double, last: Double) -> ChartWindow {
        if start + width >= last { return .trailing(steps: width) }
        let low = max(0, start)
        return .fixed(low...(low + width))
    }

    /// The x range of the whole run: from 0 to the round number of steps at or past
    /// the last (6,186 → 6,500; 2,000 → 2,000), so the axis holds still while the line
    /// grows into it, and a run that ends on a round number fills the chart.
    static func wholeRange(upTo last: Double) -> ClosedRange<Double> {
        guard last >= 10 else { return 0...10 }
        let unit = pow(10, (log10(last)).rounded(.down)) / 2
        return 0...(last / unit).rounded(.up) * unit
    }
}
