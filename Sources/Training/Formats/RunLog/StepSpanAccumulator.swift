/// The steps since the last step record: how many, and the minimum, maximum and
/// mean of their loss and gradient norm. Past step 1,000 a log keeps one step record
/// in 10 (one in 100 past 10,000); the kept record carries these, so that a spike
/// between two kept records is not lost (`steps`, `loss_min`, ... in the schema).
struct StepSpanAccumulator {
    /// Steps added since the last `take`.
    private(set) var steps = 0
    private var loss = Summary()
    private var gradientNorm = Summary()

    /// One step's figures.
    mutating func add(loss: Double, gradientNorm: Double) {
        steps += 1
        self.loss.add(loss)
        self.gradientNorm.add(gradientNorm)
    }

    /// The spans of the steps added since the last call, nil when that is one step
    /// or none (its record says it all); counting starts again.
    mutating func take() -> (loss: MetricHistory.Span, gradientNorm: MetricHistory.Span)? {
        defer { self = StepSpanAccumulator() }
        guard steps > 1 else { return nil }
        return (loss.span(steps: steps), gradientNorm.span(steps: steps))
    }

    /// A value's running minimum, maximum and sum; a NaN makes all three NaN (an
    /// infinity is its own minimum or maximum).
    private struct Summary {
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var sum = 0.0
        var sawNaN = false

        mutating func add(_ value: Double) {
            guard !value.isNaN else {
                sawNaN = true
                return
            }
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            sum += value
        }

        func span(steps: Int) -> MetricHistory.Span {
            sawNaN
                ? MetricHistory.Span(steps: steps, minimum: .nan, maximum: .nan, mean: .nan)
                : MetricHistory.Span(steps: steps, minimum: minimum, maximum: maximum, mean: sum / Double(steps))
        }
    }
}
