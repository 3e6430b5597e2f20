#ifndef RNNTOP_VMATH_H
#define RNNTOP_VMATH_H

// Float vectors of RK_LANES lanes (GCC/Clang vector extensions) and the
// transcendental functions the cells need, accurate to a few ulp. The includer sets
// RK_LANES: 16 in the AVX-512 build of the kernels, 8 in the AVX2 build, 4 in the
// baseline build.

#include <stdint.h>
#include <string.h>

#ifndef RK_LANES
#error "define RK_LANES (4, 8 or 16) before including vmath.h"
#endif

#define RK_INLINE static inline __attribute__((always_inline))

typedef float vf __attribute__((vector_size(RK_LANES * 4)));
typedef int32_t vi __attribute__((vector_size(RK_LANES * 4)));
typedef double vd __attribute__((vector_size(RK_LANES * 8)));

RK_INLINE vf vf_splat(float x) { return x - (vf){0}; }

RK_INLINE vf vf_load(const float *p) {
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

RK_INLINE void vf_store(float *p, vf v) { memcpy(p, &v, sizeof v); }

/// Loads `lanes` <= RK_LANES floats; the other lanes are zero.
RK_INLINE vf ld(const float *p, int lanes) {
    if (lanes == RK_LANES) return vf_load(p);
    vf v = vf_splat(0.0f);
    for (int i = 0; i < lanes; i++) v[i] = p[i];
    return v;
}

/// Stores the first `lanes` lanes.
RK_INLINE void st(float *p, vf v, int lanes) {
    if (lanes == RK_LANES) {
        vf_store(p, v);
        return;
    }
    for (int i = 0; i < lanes; i++) p[i] = v[i];
}

/// Lanes in the chunk of a length-`n` loop that starts at `i`.
RK_INLINE int lanes_at(size_t i, size_t n) { return n - i < RK_LANES ? (int)(n - i) : RK_LANES; }

RK_INLINE vf vf_from_bits(vi bits) {
    vf v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

RK_INLINE vi vf_bits(vf v) {
    vi bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

RK_INLINE vf vf_select(vi mask, vf a, vf b) {
    return vf_from_bits((vf_bits(a) & mask) | (vf_bits(b) & ~mask));
}

RK_INLINE vf vf_max(vf a, vf b) { return vf_select(a > b, a, b); }
RK_INLINE vf vf_min(vf a, vf b) { return vf_select(a < b, a, b); }
RK_INLINE vf vf_abs(vf x) { return vf_from_bits(vf_bits(x) & 0x7fffffff); }

/// `x` (non-negative) with the sign of `s`.
RK_INLINE vf vf_with_sign_of(vf x, vf s) {
    return vf_from_bits(vf_bits(x) | (vf_bits(s) & (int32_t)0x80000000));
}

// Double-precision accumulators hold squares of gradients: squares of vanishing
// gradients (1e-20 and less) underflow in float. These are macros, not functions,
// because a vector of RK_LANES doubles is wider than the variant's registers may be
// passed in.

/// acc += x^2, lane by lane, in double.
#define VD_ADD_SQUARES(acc, x)                           \
    do {                                                 \
        vd widened_ = __builtin_convertvector((x), vd); \
        (acc) += widened_ * widened_;                    \
    } while (0)

/// The sum of the lanes of a double accumulator.
#define VD_SUM(v)                                             \
    ({                                                        \
        double total_ = 0.0;                                  \
        for (int lane_ = 0; lane_ < RK_LANES; lane_++) total_ += (v)[lane_]; \
        total_;                                               \
    })

/// The sum of the lanes, by adding halves (a few shuffles, not a lane-by-lane loop).
RK_INLINE float vf_hsum(vf v) {
#if RK_LANES == 16
    typedef float half __attribute__((vector_size(32)));
    half h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
             __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
#elif RK_LANES == 8
    vf h = v;
#endif
#if RK_LANES >= 8
    typedef float quarter __attribute__((vector_size(16)));
    quarter q = __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
#else
    vf q = v;
#endif
    return (q[0] + q[2]) + (q[1] + q[3]);
}

/// e^x: Cody-Waite range reduction and the Cephes polynomial (about 1 ulp).
RK_INLINE vf vf_exp(vf x) {
    x = vf_min(vf_max(x, vf_splat(-87.33654f)), vf_splat(88.72283f));
    // n = round(x / ln 2), by the 1.5 * 2^23 trick (round to nearest even).
    const vf shifter = vf_splat(12582912.0f);
    vf n = (x * vf_splat(1.44269504088896341f) + shifter) - shifter;
    vf r = x - n * vf_splat(0.693359375f);
    r = r - n * vf_splat(-2.12194440e-4f);
    vf p = vf_splat(1.9875691500e-4f);
    p = p * r + vf_splat(1.3981999507e-3f);
    p = p * r + vf_splat(8.3334519073e-3f);
    p = p * r + vf_splat(4.1665795894e-2f);
    p = p * r + vf_splat(1.6666665459e-1f);
    p = p * r + vf_splat(5.0000001201e-1f);
    p = p * (r * r) + r + vf_splat(1.0f);
    // Scale by 2^n in two halves, so that n = 128 (x near 88.7) does not overflow
    // the exponent field.
    vi ni = __builtin_convertvector(n, vi);
    vi half = ni >> 1;
    return p * vf_from_bits((half + 127) << 23) * vf_from_bits((ni - half + 127) << 23);
}

/// 1/x for finite positive x: the CPU's reciprocal estimate refined by one Newton
/// step (about 2e-7 relative) where there is one, a division elsewhere. A division
/// costs several times more, and the cells need five per unit and step.
RK_INLINE vf vf_reciprocal(vf x) {
#if RK_LANES == 16
    vf r = __builtin_ia32_rcp14ps512_mask(x, vf_splat(0.0f), 0xFFFF);
    return r * (vf_splat(2.0f) - x * r);
#elif RK_LANES == 8 && defined(__x86_64__)
    vf r = __builtin_ia32_rcpps256(x);
    return r * (vf_splat(2.0f) - x * r);
#else
    return vf_splat(1.0f) / x;
#endif
}

RK_INLINE vf vf_sigmoid(vf x) { return vf_reciprocal(vf_splat(1.0f) + vf_exp(-x)); }

/// tanh(x): an odd polynomial near zero, which keeps relative accuracy for tiny x,
/// and 1 - 2/(e^{2|x|} + 1) elsewhere (Cephes tanhf).
RK_INLINE vf vf_tanh(vf x) {
    vf a = vf_abs(x);
    vf z = x * x;
    vf p = vf_splat(-5.70498872745e-3f);
    p = p * z + vf_splat(2.06390887954e-2f);
    p = p * z + vf_splat(-5.37397155531e-2f);
    p = p * z + vf_splat(1.33314422036e-1f);
    p = p * z + vf_splat(-3.33332819422e-1f);
    vf small = p * z * x + x;
    vf big = vf_splat(1.0f) - vf_splat(2.0f) * vf_reciprocal(vf_exp(a + a) + vf_splat(1.0f));
    return vf_select(a < vf_splat(0.625f), small, vf_with_sign_of(big, x));
}

RK_INLINE vf vf_sqrt(vf x) {
    vf r;
    for (int i = 0; i < RK_LANES; i++) r[i] = __builtin_sqrtf(x[i]);
    return r;
}

RK_INLINE vf vf_relu(vf x) { return vf_max(x, vf_splat(0.0f)); }

/// 1 where x > 0, else 0: the slope of relu, from its input or its output.
RK_INLINE vf vf_positive(vf x) { return vf_select(x > vf_splat(0.0f), vf_splat(1.0f), vf_splat(0.0f)); }

/// The activation of a cell: relu, or tanh.
RK_INLINE vf vf_act(vf x, int relu) { return relu ? vf_relu(x) : vf_tanh(x); }

/// The activation's slope, from its output y: relu' = (y > 0), tanh' = 1 - y^2.
RK_INLINE vf vf_act_slope(vf y, int relu) { return relu ? vf_positive(y) : vf_splat(1.0f) - y * y; }

#endif
