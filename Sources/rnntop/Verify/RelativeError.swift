import Foundation

/// How far a float32 result is from a float64 reference, as one number per tensor.
///
/// A tensor is cut into slices (one per time step for time-major tensors, one per
/// layer for states, one for a weight matrix) and each slice is compared as a vector:
/// ‖ours - ref‖ / ‖ref‖, in double. The error of the tensor is the worst slice's. A
/// slice of one value (a loss, one entry of a gradient-norm profile) is plain relative
/// error, and below 1e-30 it is compared in log space, |ln ours - ln ref|.
///
/// Per-slice norms keep each time step to its own scale, so a gradient that has
/// vanished by 19 orders of magnitude is still checked to 1e-4 of its size, while an
/// element that cancels to nearly zero inside a slice is judged against the slice
/// rather than against itself (float32 cannot resolve it better).
enum RelativeError {
    static let tinyMagnitude = 1e-30

    /// The largest slice error and the slice where it occurred.
    static func largest(_ actual: [Float], _ reference: [Double], slices: Int = 1) -> (error: Double, slice: Int) {
        precondition(actual.count == reference.count && slices >= 1 && reference.count % slices == 0)
        let length = reference.count / slices
        var worst = (error: 0.0, slice: 0)
        for s in 0..<slices {
            let range = (s * length)..<((s + 1) * length)
            let error =
                length == 1
                ? scalarError(Double(actual[range.lowerBound]), reference[range.lowerBound])
                : vectorError(actual[range], reference[range])
            if error > worst.error || error.isNaN { worst = (error.isNaN ? .infinity : error, s) }
        }
        return worst
    }

    static func scalarError(_ a: Double, _ b: Double) -> Double {
        if b != 0 && abs(b) < tinyMagnitude {
            guard a != 0, (a < 0) == (b < 0) else { return .infinity }
            return abs(log(abs(a)) - log(abs(b)))
        }
        if b == 0 { return a == 0 ? 0 : .infinity }
        return abs(a - b) / abs(b)
    }

    static func vectorError(_ a: ArraySlice<Float>, _ b: ArraySlice<Double>) -> Double {
        var difference = 0.0, size = 0.0
        for (x, y) in zip(a, b) {
            difference += (Double(x) - y) * (Double(x) - y)
            size += y * y
        }
        if size == 0 { return difference == 0 ? 0 : .infinity }
        return (difference / size).squareRoot()
    }
}
