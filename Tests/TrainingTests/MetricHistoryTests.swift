import Testing

@testable import Training

@Suite struct MetricHistoryTests {
    @Test func aMillionPointsFitInBoundedMemoryWithTheRightShape() {
        var history = MetricHistory(exactPoints: 256, maxBuckets: 128)
        func value(_ step: Int) -> Double { 1 / Double(step) + (step % 1000 == 0 ? 5 : 0) }
        var maximum = -Double.infinity, sum = 0.0
        let n = 1_000_000
        for step in 1...n {
            history.append(step: step, value: value(step))
            sum += value(step)
            maximum = max(maximum, value(step))
        }
        let minimum = (1...(n - history.recent.count)).map(value).min()!
        #expect(history.count == n)
        #expect(history.recent.count <= 512 && history.buckets.count <= 128)
        #expect(history.recent.last?.step == n)
        // Buckets then recent points cover every step once, in order.
        let merged = history.buckets.reduce(0) { $0 + $1.count }
        #expect(merged + history.recent.count == n)
        #expect(history.buckets.first?.firstStep == 1)
        for (a, b) in zip(history.buckets, history.buckets.dropFirst()) { #expect(a.lastStep + 1 == b.firstStep) }
        #expect(history.buckets.last!.lastStep + 1 == history.recent.first!.step)
        // The spikes every 1000 steps survive merging in the maxima.
        #expect(history.buckets.dropLast().allSatisfy { $0.maximum >= 5 })
        #expect(history.buckets.map(\.maximum).max()! == 5 + 1.0 / 1000)
        let total = history.buckets.reduce(0) { $0 + $1.mean * Double($1.count) } + history.recent.reduce(0) { $0 + $1.value }
        #expect(abs(total - sum) < 1e-6 * sum, "means weighted by counts add up to the sum")
        // The extremes of the merged steps are the buckets' extremes, and the largest
        // value of all is still there.
        #expect(history.buckets.map(\.minimum).min()! == minimum)
        #expect(max(history.buckets.map(\.maximum).max()!, history.recent.map(\.value).max()!) == maximum)
    }

    @Test func nonFiniteValuesStayVisible() {
        var history = MetricHistory(exactPoints: 4, maxBuckets: 4)
        for step in 1...20 { history.append(step: step, value: step == 3 ? .nan : (step == 5 ? .infinity : 1)) }
        #expect(history.buckets.reduce(0) { $0 + $1.nonFinite } == 2)
        #expect(history.buckets.allSatisfy { $0.maximum.isFinite || $0.count == 0 })
    }
}
