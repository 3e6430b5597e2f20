import CKernels

/// What the engine runs on, for benchmark reports and for tuning OpenBLAS.
public enum EngineInfo {
    /// The variant of rnntop's own kernels in use: "avx512", "avx2+fma" or
    /// "baseline" (RNNTOP_KERNELS may ask for a narrower one).
    public static var kernelVariant: String { String(cString: rk_kernel_variant()) }

    /// The variants this CPU can run, narrowest first: what RNNTOP_KERNELS may ask for.
    public static var supportedVariants: [String] {
        ["baseline"] + (rk_cpu_has_avx2() != 0 ? ["avx2"] : []) + (rk_cpu_has_avx512() != 0 ? ["avx512"] : [])
    }

    /// The OpenBLAS kernel family chosen for this CPU.
    public static var blasCore: String { BLAS.coreName }

    /// The OpenBLAS kernel family best suited to this CPU, or nil for "whatever
    /// OpenBLAS picks": "SkylakeX" with AVX-512, "Haswell" with AVX2 and FMA.
    public static var preferredBLASCore: String? {
        if rk_cpu_has_avx512() != 0 { return "SkylakeX" }
        if rk_cpu_has_avx2() != 0 { return "Haswell" }
        return nil
    }
}
