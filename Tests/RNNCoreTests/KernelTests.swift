import CKernels
import Foundation
import RNNCore
import Testing

/// The C kernels against plain Swift: the packed product for awkward shapes (every
/// edge case of the tiling) and the vector exp, sigmoid and tanh against libm.
@Suite struct KernelTests {
    @Test func packedProductMatchesTheDefinition() {
        var generator = RandomGenerator(seed: 7)  // seeded: a failure can be replayed
        for (m, n, k) in [(1, 1, 1), (1, 70, 33), (2, 40, 7), (3, 16, 16), (5, 17, 9), (6, 33, 5), (13, 50, 37), (32, 129, 64)] {
            for transposed in [false, true] {
                let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
                let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }  // [k][n], or [n][k]
                var packed = [Float](repeating: .nan, count: rk_packed_count(Int32(k), Int32(n)))
                rk_pack(b, Int32(transposed ? k : n), transposed ? 1 : 0, Int32(k), Int32(n), &packed)
                let start = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &generator) }
                for accumulate in [false, true] {
                    var c = start
                    rk_gemm_packed(Int32(m), Int32(n), Int32(k), a, Int32(k), packed, &c, Int32(n), accumulate ? 1 : 0)
                    for r in 0..<m {
                        for j in 0..<n {
                            var sum = accumulate ? Double(start[r * n + j]) : 0
                            for i in 0..<k {
                                let bij = transposed ? b[j * k + i] : b[i * n + j]
                                sum += Double(a[r * k + i]) * Double(bij)
                            }
                            #expect(abs(Double(c[r * n + j]) - sum) < 1e-4, "m \(m) n \(n) k \(k) at \(r),\(j)")
                        }
                    }
                }
            }
        }
    }

    @Test func vectorFunctionsMatchLibm() {
        let xs: [Float] = stride(from: -90, through: 90, by: 0.37).map { Float($0) } + [0, 1e-7, -1e-7, 1e-20, 0.6249, 0.6251]
        var e = [Float](repeating: 0, count: xs.count), s = e, t = e
        rk_exp(xs.count, xs, &e)
        rk_sigmoid(xs.count, xs, &s)
        rk_tanh(xs.count, xs, &t)
        for (i, x) in xs.enumerated() {
            let d = Double(x)
            let expected = Foundation.exp(d)
            if expected < 3e38 && expected > 1.2e-38 {
                #expect(abs(Double(e[i]) - expected) <= 3e-7 * expected, "exp(\(x))")
            }
            // Results below float's smallest normal value (1.2e-38) may flush to zero.
            let sigmoid = 1 / (1 + Foundation.exp(-d))
            #expect(abs(Double(s[i]) - sigmoid) <= 3e-7 * sigmoid + 1.2e-38, "sigmoid(\(x))")
            let tanh = Foundation.tanh(d)
            #expect(abs(Double(t[i]) - tanh) <= 3e-7 * abs(tanh) + 1.2e-38, "tanh(\(x))")
        }
    }

    @Test func sumOfSquaresKeepsVanishingValues() {
        let tiny = [Float](repeating: 1e-22, count: 1000)
        let squares = rk_sum_squares(tiny.count, tiny)
        #expect(abs(squares.squareRoot() - 1e-22 * 1000.0.squareRoot()) < 1e-27)
    }
}
