import Foundation
import TerminalUI
import Training

/// The snapshot's histories as chart samples: the same for exact points and merged
/// buckets, so the chart draws the whole run one way.
enum ChartData {
    /// Each merged bucket (its minimum, maximum and mean), each exact point, and each
    /// point a log kept for several steps (their minimum, maximum and mean, over the
    /// steps it stands for), with a gap at every `breaks` step (a new model: its
    /// curve is not joined to the last one's).
    static func samples(_ history: MetricHistory, breaks: [Int] = []) -> [ChartSample] {
        var samples = [ChartSample]()
        samples.reserveCapacity(history.buckets.count + history.recent.count + breaks.count)
        var pending = breaks.sorted()[...]
        func breakBefore(_ step: Int) {
            while let next = pending.first, next < step {
                samples.append(.gap(at: Double(next) + 0.5))
                pending.removeFirst()
            }
        }
        for bucket in history.buckets {
            breakBefore(bucket.firstStep)
            let empty = bucket.count == 0
            samples.append(
                ChartSample(
                    x0: Double(bucket.firstStep), x1: Double(bucket.lastStep), low: empty ? .nan : bucket.minimum,
                    high: empty ? .nan : bucket.maximum, mean: empty ? .nan : bucket.mean, weight: Double(bucket.count),
                    blownUp: bucket.nonFinite > 0))
        }
        for point in history.recent {
            breakBefore(point.firstStep)
            guard let span = point.span else {
                samples.append(ChartSample(x: Double(point.step), y: point.value))
                continue
            }
            samples.append(
                ChartSample(
                    x0: Double(point.firstStep), x1: Double(point.step), low: span.minimum, high: span.maximum, mean: span.mean,
                    weight: Double(span.steps), blownUp: span.blownUp))
        }
        return samples
    }

    /// TensorBoard's debiased exponential moving average with `weight` per step: a
    /// merged bucket of n points counts as n steps at its mean, so the line is the
    /// same whatever was merged. It starts again after a gap. A weight of 0 leaves
    /// the values as they are (the chart still draws each column's mean).
    static func smoothed(_ samples: [ChartSample], weight: Double) -> [ChartSample] {
        guard weight > 0 else { return samples }
        var average = 0.0, debias = 0.0
        return samples.map { sample in
            if sample.isGap {
                (average, debias) = (0, 0)
                return sample
            }
            guard sample.mean.isFinite, sample.weight > 0 else { return sample }
            let keep = pow(weight, sample.weight)
            average = keep * average + (1 - keep) * sample.mean
            debias = keep * debias + (1 - keep)
            let value = average / debias
            var smooth = sample
            (smooth.low, smooth.high, smooth.mean) = (value, value, value)
            return smooth
        }
    }

    /// The steps at which a new model or new weights started.
    static func breaks(_ snapshot: Snapshot) -> [Int] {
        snapshot.markers.filter { $0.kind == .model || $0.kind == .reset }.map(\.step)
    }

    /// A run's validation points as measured: no line across a new model, nor across
    /// a stretch where the points are further apart than before (a validation
    /// skipped, a stretched schedule), so no value is drawn that was not measured.
    static func validationSamples(_ snapshot: Snapshot) -> [ChartSample] {
        validationSamples(snapshot.validationLoss, breaks: breaks(snapshot))
    }

    static func validationSamples(_ history: MetricHistory, breaks: [Int]) -> [ChartSample] {
        var samples = [ChartSample]()
        var previous: (x: Double, spacing: Double?)?
        for sample in self.samples(history, breaks: breaks) {
            guard !sample.isGap else {
                samples.append(sample)
                previous = nil
                continue
            }
            if let last = previous {
                let spacing = sample.x0 - last.x
                if let before = last.spacing, spacing > 1.5 * before { samples.append(.gap(at: (last.x + sample.x0) / 2)) }
                previous = (sample.x1, spacing)
            } else {
                previous = (sample.x1, nil)
            }
            samples.append(sample)
        }
        return samples
    }

    /// The latest validation of the model now training: none when the last one
    /// measured an earlier model (before a new model or a reset of the weights).
    static func latestValidation(_ snapshot: Snapshot) -> (step: Int, value: Double)? {
        guard let last = snapshot.validationLoss.last else { return nil }
        if let newModel = breaks(snapshot).max(), last.step <= newModel { return nil }
        return (last.step, last.value)
    }

    /// The snapshot's markers on a chart's x axis: one letter each, in the highlight
    /// colour.
    static func markers(_ snapshot: Snapshot, style: Style) -> [LineChart.AxisMarker] {
        snapshot.markers.map { LineChart.AxisMarker(x: Double($0.step), symbol: code(of: $0.kind), style: style) }
    }

    /// The letter that marks an event: the key that causes it where there is one.
    static func code(of kind: EventKind) -> Unicode.Scalar {
        switch kind {
        case .model: "m"
        case .reset: "r"
        case .rollback: "u"
        case .resume: "R"
        case .learningRate: "l"
        case .optimizer: "o"
        case .batchSize: "b"
        case .clipping: "c"
        case .dropout: "d"
        case .truncation: "t"
        default: "*"
        }
    }

    /// How the x axis counts: steps, or epochs or seconds by the run's own record of
    /// them (interpolated between the steps it kept).
    static func xScale(_ unit: XAxisUnit, _ snapshot: Snapshot) -> XScale {
        switch unit {
        case .steps: return .identity
        case .epochs, .time:
            let table = StepTable(unit == .epochs ? snapshot.epochsByStep : snapshot.elapsedByStep)
            return XScale(toShown: { table.value(at: $0) }, fromShown: { table.step(at: $0) }, isClock: unit == .time)
        }
    }

    /// Whether the charts are drawn without colour: a terminal that shows none
    /// (NO_COLOR) or the mono theme. Series are then told apart by their dashes.
    static func colorless(_ theme: Theme, _ context: RenderContext) -> Bool {
        theme.monochrome || !context.color
    }

    /// A band's dots without colour: every other column, a texture under the line
    /// drawn over it (nil with colour, where the band's dim colour does that).
    static func bandDash(_ theme: Theme, _ context: RenderContext) -> LineChart.Dash? {
        colorless(theme, context) ? LineChart.Dash(on: 1, off: 1) : nil
    }
}

/// A rising quantity by step (epochs, seconds), from a history's exact points and
/// buckets, read both ways by linear interpolation.
struct StepTable: Sendable {
    private var steps: [Double] = [0]
    private var values: [Double] = [0]

    init(_ history: MetricHistory) {
        for bucket in history.buckets where bucket.count > 0 {
            append(Double(bucket.firstStep), bucket.minimum)
            append(Double(bucket.lastStep), bucket.maximum)
        }
        for point in history.recent where point.value.isFinite { append(Double(point.step), point.value) }
    }

    private mutating func append(_ step: Double, _ value: Double) {
        guard step > steps.last!, value >= values.last! else { return }
        steps.append(step)
        values.append(value)
    }

    func value(at step: Double) -> Double { Self.interpolate(step, steps, values) }
    func step(at value: Double) -> Double { Self.interpolate(value, values, steps) }

    /// y at x from the rising points (xs, ys); beyond the last, on at the last rate.
    private static func interpolate(_ x: Double, _ xs: [Double], _ ys: [Double]) -> Double {
        guard xs.count >= 2 else { return x }
        var low = 0, high = xs.count - 1
        if x >= xs[high] {
            low = high - 1
        } else {
            while high - low > 1 {
                let middle = (low + high) / 2
                if xs[middle] <= x { low = middle } else { high = middle }
            }
        }
        let span = xs[low + 1] - xs[low]
        return span > 0 ? ys[low] + (x - xs[low]) / span * (ys[low + 1] - ys[low]) : ys[low]
    }
}
