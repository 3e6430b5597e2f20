/// What a chart knows of a stretch of x: one exact point, or many points merged into
/// their minimum, maximum and mean; or a gap, where a line must break.
///
/// ```swift
/// ChartSample(x: 12, y: 0.5)                                          // one point
/// ChartSample(x0: 1, x1: 512, low: 0.2, high: 0.9, mean: 0.4, weight: 512)  // merged
/// ChartSample.gap(at: 600)                                            // a break
/// ```
public struct ChartSample: Sendable, Equatable {
    /// The first and last x it covers (equal for one point).
    public var x0: Double
    public var x1: Double
    /// The smallest and largest value among its points.
    public var low: Double
    public var high: Double
    /// Their mean: where a line goes.
    public var mean: Double
    /// How many points it stands for, to weigh it against others in a column.
    public var weight: Double
    /// NaN or infinite values were among its points.
    public var blownUp: Bool

    public init(x0: Double, x1: Double, low: Double, high: Double, mean: Double, weight: Double, blownUp: Bool = false) {
        self.x0 = x0
        self.x1 = x1
        self.low = low
        self.high = high
        self.mean = mean
        self.weight = weight
        self.blownUp = blownUp
    }

    /// One exact point; a NaN or infinite value marks a blow-up.
    public init(x: Double, y: Double) {
        self.init(x0: x, x1: x, low: y, high: y, mean: y, weight: 1, blownUp: !y.isFinite)
    }

    /// A place where a line stops and starts again (a new model, say).
    public static func gap(at x: Double) -> ChartSample {
        ChartSample(x0: x, x1: x, low: .nan, high: .nan, mean: .nan, weight: 0)
    }

    /// Whether it is a break rather than data.
    public var isGap: Bool { weight == 0 && mean.isNaN && !blownUp }
}

/// How x values map to dot columns, and the samples of a series summarised per column.
struct XLayout {
    let low: Double
    let high: Double
    let dots: Int

    /// The dot column of an x (unclamped: off the plot is below 0 or from `dots` on).
    func column(_ x: Double) -> Int {
        guard high > low else { return dots - 1 }
        let fromLeft = (x - low) / (high - low) * Double(dots - 1)
        guard fromLeft.isFinite else { return fromLeft > 0 ? dots : -1 }
        return Int(max(min(fromLeft, Double(dots)), -1).rounded())
    }

    /// The x at the middle of a dot column.
    func x(ofColumn column: Int) -> Double {
        high > low ? low + Double(column) / Double(max(dots - 1, 1)) * (high - low) : high
    }

    /// The samples in each dot column, summarised: the lowest and highest value, the
    /// weighted mean, and whether a blow-up or a break falls there. Values are in
    /// plotted units (`plotted` returns nil for what cannot be plotted).
    func bin(_ samples: [ChartSample], plotted: (Double) -> Double?) -> [Column] {
        var columns = [Column](repeating: Column(), count: dots)
        for sample in samples {
            let first = column(sample.x0), last = column(sample.x1)
            guard last >= 0 && first < dots else { continue }
            let range = max(first, 0)...min(last, dots - 1)
            if sample.isGap {
                columns[range.lowerBound].breaks = true
                continue
            }
            let low = plotted(sample.low), high = plotted(sample.high), mean = plotted(sample.mean)
            let share = sample.weight / Double(range.count)
            for c in range {
                if sample.blownUp { columns[c].blownUp = true }
                if let low, let high { columns[c].add(low: low, high: high) }
                if let mean, share > 0 { columns[c].add(mean: mean, weight: share) }
            }
        }
        return columns
    }
}

/// One dot column's summary of a series.
struct Column {
    var low = Double.infinity
    var high = -Double.infinity
    var weightedSum = 0.0
    var weight = 0.0
    var blownUp = false
    /// A line must not join this column to the one before.
    var breaks = false

    var hasData: Bool { low <= high }
    var mean: Double? { weight > 0 ? weightedSum / weight : nil }

    mutating func add(low: Double, high: Double) {
        self.low = min(self.low, low)
        self.high = max(self.high, high)
    }

    mutating func add(mean: Double, weight: Double) {
        weightedSum += mean * weight
        self.weight += weight
    }
}

/// How plotted y values map to dot rows, counted from the top.
struct YMapping {
    let low: Double
    let high: Double
    let dots: Int
    /// Dot rows in a cell row (4 in braille, 1 in ASCII).
    let dotsDown: Int

    /// The cell row, from the top, that holds the dot row of `v`: where a tick at
    /// `v` is labelled, so a value is drawn in its tick's row.
    func cellRow(_ v: Double) -> Int {
        let dot = row(v)
        return dot >= 0 ? dot / dotsDown : (dot - dotsDown + 1) / dotsDown
    }

    func row(_ v: Double) -> Int {
        // From halves, so that a span of ±1e308 does not overflow; a flat range sits
        // in the middle.
        let halfSpan = high / 2 - low / 2
        let scale = halfSpan > 0 ? Double(dots - 1) / halfSpan : 0
        let offset = halfSpan > 0 ? 0 : Double(dots - 1) / 2
        let fromTop = Double(dots - 1) - ((v / 2 - low / 2) * scale + offset)
        // Points off the chart (outliers) are held just beyond its edge, so a line
        // towards them leaves the chart at the right place and stays short.
        let limit = Double(dots)
        return Int(min(max(fromTop, -limit), 2 * limit).rounded())
    }
}
