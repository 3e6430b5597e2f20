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
    /// One step's value; or, from a log that kept one step record in several, the
    /// kept step's value with a summary of the steps it stands for.
    public struct Point: Sendable, Equatable, Codable {
        public let step: Int
        public let value: Double
        /// The steps up to and including `step` that this point stands for, when
        /// more than itself.
        public var span: Span? = nil

        /// The lowest and highest value the point stands for.
        public var low: Double { span?.minimum ?? value }
        public var high: Double { span?.maximum ?? value }
        /// The first step it stands for.
        public var firstStep: Int { step - (span?.steps ?? 1) + 1 }
    }

    /// What a sampled point says of the steps it stands for: how many, and their
    /// minimum, maximum and mean. A NaN or an infinity among them makes the minimum
    /// or maximum non-finite.
    public struct Span: Sendable, Equatable, Codable {
        public let steps: Int
        public let minimum: Double
        public let maximum: Double
        public let mean: Double

        public init(steps: Int, minimum: Double, maximum: Double, mean: Double) {
            self.steps = steps
            self.minimum = minimum
            self.maximum = maximum
            self.mean = mean
        }

        /// Whether a NaN or an infinity was among its values.
        public var blownUp: Bool { !(minimum.isFinite && maximum.isFinite && mean.isFinite) }
    }

    /// Consecutive old points merged. NaN and infinities are counted, not averaged,
    /// so a blow-up stays visible in a merged past. `count` is the finite steps it
    /// holds: a sampled point counts as the steps it stands for.
    public struct Bucket: Sendable, Equatable, Codable {
        public internal(set) var firstStep: Int
        public internal(set) var lastStep: Int
        public internal(set) var count: Int
        public internal(set) var nonFinite: Int
        public internal(set) var minimum: Double
        public internal(set) var maximum: Double
        public internal(set) var mean: Double

        init(_ point: Point) {
            firstStep = point.firstStep
            lastStep = point.step
            count = 0
            nonFinite = 0
            minimum = .infinity
            maximum = -.infinity
            mean = 0
            add(point)
        }

        /// Adds a point: one step, or the steps its span stands for (at their mean).
        mutating func add(_ point: Point) {
            lastStep = point.step
            let (steps, mean) = point.span.map { ($0.steps, $0.mean) } ?? (1, point.value)
            guard point.low.isFinite, point.high.isFinite, mean.isFinite else {
                nonFinite += 1
                return
            }
            count += steps
            minimum = Swift.min(minimum, point.low)
            maximum = Swift.max(maximum, point.high)
            self.mean += (mean - self.mean) * Double(steps) / Double(count)
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

    private enum CodingKeys: String, CodingKey {
        case buckets, recent, count, exactPoints, maxBuckets, pointsPerBucket, pointsInLastBucket
    }

    /// A saved history (from a checkpoint), refused unless its sizes are ones
    /// `append` keeps: a damaged file must not become a trap later in the run.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exactPoints = try c.decode(Int.self, forKey: .exactPoints)
        maxBuckets = try c.decode(Int.self, forKey: .maxBuckets)
        buckets = try c.decode([Bucket].self, forKey: .buckets)
        recent = try c.decode([Point].self, forKey: .recent)
        count = try c.decode(Int.self, forKey: .count)
        pointsPerBucket = try c.decode(Int.self, forKey: .pointsPerBucket)
        pointsInLastBucket = try c.decode(Int.self, forKey: .pointsInLastBucket)
        // Steps and counts as a run can have them (at most 2^53, exact as a double), so
        // that arithmetic on them cannot overflow.
        let plausible = 0...(1 << 53)
        guard (1...(1 << 20)).contains(exactPoints), (2...(1 << 16)).contains(maxBuckets),
            recent.count < 2 * exactPoints, buckets.count <= maxBuckets, (1...(1 << 50)).contains(pointsPerBucket),
            (0...pointsPerBucket).contains(pointsInLastBucket), count >= recent.count, plausible.contains(count),
            recent.allSatisfy({ plausible.contains($0.step) && (1...(1 << 53)).contains($0.span?.steps ?? 1) }),
            buckets.allSatisfy({ [$0.firstStep, $0.lastStep, $0.count, $0.nonFinite].allSatisfy(plausible.contains) })
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "a history whose sizes do not fit together"))
        }
    }

    public init(exactPoints: Int = 2048, maxBuckets: Int = 512) {
        self.exactPoints = exactPoints
        self.maxBuckets = maxBuckets
        recent.reserveCapacity(2 * exactPoints)
    }

    /// Adds a step's value; `span` when the value is a log's kept step standing for
    /// several (see `Span`).
    public mutating func append(step: Int, value: Double, span: Span? = nil) {
        recent.append(Point(step: step, value: value, span: span))
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
            // A sampled point counts as the steps it stands for, at their mean.
            let (steps, value) = point.span.map { ($0.steps, $0.mean) } ?? (1, point.value)
            covered += steps
            if value.isFinite {
                sum += value * Double(steps)
                count += steps
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
