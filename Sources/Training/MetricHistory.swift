/// A metric over a run of any length in bounded memory: the most recent points
/// exactly, older ones merged into buckets that keep their minimum, maximum and
/// mean, so a chart of a million steps is still right in shape.
///
/// ```swift
/// var loss = MetricHistory()
/// loss.append(step: 1, value: 0.25)
/// loss.recent.last?.value   // 0.25
/// ```
///
/// - Complexity: `append` is amortised O(1); memory is at most `2 * exactPoints`
///   points plus `maxBuckets` buckets, however many points were appended.
public struct MetricHistory: Sendable, Equatable, Codable {
    /// One exact value.
    public struct Point: Sendable, Equatable, Codable {
        public let step: Int
        public let value: Double
    }

    /// Consecutive old points merged. NaN and infinities are counted, not averaged,
    /// so a blow-up stays visible in a merged past.
    public struct Bucket: Sendable, Equatable, Codable {
        public internal(set) var firstStep: Int
        public internal(set) var lastStep: Int
        public internal(set) var count: Int
        public internal(set) var nonFinite: Int
        public internal(set) var minimum: Double
        public internal(set) var maximum: Double
        public internal(set) var mean: Double

        init(_ point: Point) {
            firstStep = point.step
            lastStep = point.step
            count = 0
            nonFinite = 0
            minimum = .infinity
            maximum = -.infinity
            mean = 0
            add(point)
        }

        mutating func add(_ point: Point) {
            lastStep = point.step
            guard point.value.isFinite else {
                nonFinite += 1
                return
            }
            count += 1
            minimum = Swift.min(minimum, point.value)
            maximum = Swift.max(maximum, point.value)
            mean += (point.value - mean) / Double(count)
        }

        mutating func merge(_ other: Bucket) {
            lastStep = other.lastStep
            nonFinite += other.nonFinite
            guard other.count > 0 else { return }
            let total = count + other.count
            mean = (mean * Double(count) + other.mean * Double(other.count)) / Double(total)
            count = total
            minimum = Swift.min(minimum, other.minimum)
            maximum = Swift.max(maximum, other.maximum)
        }
    }

    /// Older points, merged, oldest first.
    public private(set) var buckets: [Bucket] = []
    /// The most recent points, exactly, oldest first.
    public private(set) var recent: [Point] = []
    /// Points appended so far.
    public private(set) var count = 0

    public let exactPoints: Int
    public let maxBuckets: Int
    /// Points merged into each bucket at present (doubles as the run grows).
    private var pointsPerBucket = 1
    private var pointsInLastBucket = 0

    public init(exactPoints: Int = 2048, maxBuckets: Int = 512) {
        self.exactPoints = exactPoints
        self.maxBuckets = maxBuckets
        recent.reserveCapacity(2 * exactPoints)
    }

    public mutating func append(step: Int, value: Double) {
        recent.append(Point(step: step, value: value))
        count += 1
        if recent.count >= 2 * exactPoints {
            for point in recent[0..<exactPoints] { archive(point) }
            recent.removeFirst(exactPoints)
        }
    }

    /// The latest value, if any.
    public var last: Point? { recent.last }

    /// The mean of the finite values of the last `steps` steps, and how many steps
    /// it covers (fewer when the history is shorter); exact for the recent points,
    /// whole buckets beyond them. Nil when there is nothing to average.
    public func mean(ofLast steps: Int) -> (value: Double, steps: Int)? {
        guard steps > 0, let lastStep = recent.last?.step else { return nil }
        let first = lastStep - steps + 1
        var sum = 0.0, count = 0, covered = 0
        for point in recent.reversed() {
            guard point.step >= first else { return count > 0 ? (sum / Double(count), covered) : nil }
            covered += 1
            if point.value.isFinite {
                sum += point.value
                count += 1
            }
        }
        for bucket in buckets.reversed() where bucket.lastStep >= first {
            covered += bucket.count + bucket.nonFinite
            sum += bucket.mean * Double(bucket.count)
            count += bucket.count
        }
        return count > 0 ? (sum / Double(count), covered) : nil
    }

    private mutating func archive(_ point: Point) {
        if buckets.isEmpty || pointsInLastBucket >= pointsPerBucket {
            if buckets.count >= maxBuckets { halveBuckets() }
            buckets.append(Bucket(point))
            pointsInLastBucket = 1
        } else {
            buckets[buckets.count - 1].add(point)
            pointsInLastBucket += 1
        }
    }

    /// Merges neighbours pairwise, so twice as many points go into each bucket.
    private mutating func halveBuckets() {
        var merged = [Bucket]()
        merged.reserveCapacity(maxBuckets)
        var i = 0
        while i < buckets.count {
            var bucket = buckets[i]
            if i + 1 < buckets.count { bucket.merge(buckets[i + 1]) }
            merged.append(bucket)
            i += 2
        }
        buckets = merged
        pointsPerBucket *= 2
        pointsInLastBucket = pointsPerBucket  // the merged last bucket counts as full
    }
}
