import CBLAS

/// The engine's door to OpenBLAS: the large, once-per-pass matrix products (input
/// projections of all time steps, weight gradients of all steps, input gradients).
/// The per-step recurrent products go through the packed kernels instead.
enum BLAS {
    /// C = alpha * op(A) * op(B) + beta * C, row-major; op transposes when asked.
    /// A is m x k after op, B is k x n after op. Cost: 2*m*n*k flops.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            // An empty sum: C = beta * C, with beta 0 meaning "overwrite", as in BLAS.
            for r in 0..<m { for j in 0..<n { c[r * ldc + j] = beta == 0 ? 0 : beta * c[r * ldc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Makes OpenBLAS run each call on the calling thread. The engine parallelises
    /// across the shards of a batch itself, and OpenBLAS's own thread pool would
    /// compete with it for the same cores.
    static func useCallingThreadOnly() {
        openblas_set_num_threads(1)
    }

    /// The kernel family OpenBLAS chose for this CPU ("Haswell", "Zen", "SkylakeX";
    /// "Prescott" when it did not recognise the CPU and fell back to SSE3).
    static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
