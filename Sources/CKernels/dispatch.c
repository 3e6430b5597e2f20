// The public kernel entry points: each calls the widest variant the CPU runs
// (AVX-512, AVX2+FMA, or the baseline). The choice is made once, when the library
// loads; RNNTOP_KERNELS=baseline|avx2|avx512 asks for a narrower one (for tests and
// comparisons), never for one the CPU lacks.

#include "rnnkernels.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define DECLARE_VARIANTS(ret, name, params) \
    ret name##_baseline params;             \
    ret name##_avx2 params;                 \
    ret name##_avx512 params;

DECLARE_VARIANTS(void, rk_gemm_packed, (int, int, int, const float *, int, const float *, float *, int, int))
DECLARE_VARIANTS(void, rk_gemv_rows, (int, int, const float *, int, const float *, float *, int))
DECLARE_VARIANTS(void, rk_gemv_columns, (int, int, const float *, int, const float *, float *, int))
DECLARE_VARIANTS(void, rk_fill_rows, (int, int, const float *, const float *, float *, int))
DECLARE_VARIANTS(void, rk_column_sums, (int, int, const float *, int, float *, int))
DECLARE_VARIANTS(void, rk_add, (size_t, const float *, float *))
DECLARE_VARIANTS(double, rk_sum_squares, (size_t, const float *))
DECLARE_VARIANTS(void, rk_rnn_forward, (int, int, int, const float *, float *, int))
DECLARE_VARIANTS(double, rk_rnn_backward, (int, int, int, const float *, const float *, float *, int))
DECLARE_VARIANTS(void, rk_lstm_forward, (int, int, int, float *, const float *, float *, float *, int))
DECLARE_VARIANTS(double, rk_lstm_backward,
                 (int, int, int, const float *, const float *, const float *, const float *, float *, float *, int))
DECLARE_VARIANTS(void, rk_gru_forward,
                 (int, int, int, float *, const float *, const float *, const float *, float *, float *, int))
DECLARE_VARIANTS(double, rk_gru_backward,
                 (int, int, int, const float *, const float *, const float *, const float *, float *, float *, float *,
                  int))
DECLARE_VARIANTS(void, rk_mingru_forward, (int, int, int, float *, float *, float *))
DECLARE_VARIANTS(void, rk_minlstm_forward, (int, int, int, float *, float *, float *))
DECLARE_VARIANTS(void, rk_mingru_decay, (int, int, int, const float *, float *))
DECLARE_VARIANTS(void, rk_minlstm_decay, (int, int, int, const float *, float *))
DECLARE_VARIANTS(double, rk_mingru_backward, (int, int, int, const float *, const float *, const float *, float *))
DECLARE_VARIANTS(double, rk_minlstm_backward, (int, int, int, const float *, const float *, const float *, float *))
DECLARE_VARIANTS(void, rk_scan_chunk,
                 (int, int, int, int, const float *, ptrdiff_t, float *, ptrdiff_t, const float *, float *))
DECLARE_VARIANTS(void, rk_scan_fix, (int, int, int, int, const float *, ptrdiff_t, float *, ptrdiff_t, const float *))
DECLARE_VARIANTS(void, rk_sgd, (size_t, float *, const float *, float *, float, float, int, int, float))
DECLARE_VARIANTS(void, rk_adam, (size_t, float *, const float *, float *, float *, float, float, float, float, float, float))
DECLARE_VARIANTS(void, rk_rmsprop, (size_t, float *, const float *, float *, float *, float, float, float, float, float))
DECLARE_VARIANTS(void, rk_adagrad, (size_t, float *, const float *, float *, float, float, float))
DECLARE_VARIANTS(void, rk_sigmoid, (size_t, const float *, float *))
DECLARE_VARIANTS(void, rk_tanh, (size_t, const float *, float *))
DECLARE_VARIANTS(void, rk_exp, (size_t, const float *, float *))

enum { BASELINE, AVX2, AVX512 };

// Written once by the loader's constructor, before any thread of the program runs,
// and only read afterwards.
static int variant = BASELINE;
static int has_avx2;
static int has_avx512;

__attribute__((constructor)) static void detect_cpu(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    has_avx512 = has_avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("avx512cd");
    variant = has_avx512 ? AVX512 : has_avx2 ? AVX2 : BASELINE;
    const char *requested = getenv("RNNTOP_KERNELS");
    if (requested && strcmp(requested, "baseline") == 0) variant = BASELINE;
    if (requested && strcmp(requested, "avx2") == 0 && has_avx2) variant = AVX2;
#endif
}

const char *rk_kernel_variant(void) {
    switch (variant) {
    case AVX512: return "avx512";
    case AVX2: return "avx2+fma";
    default: return "baseline";
    }
}

int rk_cpu_has_avx2(void) { return has_avx2; }

int rk_cpu_has_avx512(void) { return has_avx512; }

#if defined(__x86_64__)
#define CALL(name, ...)                                                     \
    (variant == AVX512 ? name##_avx512(__VA_ARGS__)                        \
     : variant == AVX2 ? name##_avx2(__VA_ARGS__) : name##_baseline(__VA_ARGS__))
#else
#define CALL(name, ...) name##_baseline(__VA_ARGS__)
#endif

void rk_gemm_packed(int m, int n, int k, const float *a, int lda, const float *packed, float *c, int ldc,
                    int accumulate) {
    CALL(rk_gemm_packed, m, n, k, a, lda, packed, c, ldc, accumulate);
}

void rk_gemv_rows(int n, int k, const float *w, int ldw, const float *x, float *y, int accumulate) {
    CALL(rk_gemv_rows, n, k, w, ldw, x, y, accumulate);
}

void rk_gemv_columns(int m, int n, const float *w, int ldw, const float *x, float *y, int accumulate) {
    CALL(rk_gemv_columns, m, n, w, ldw, x, y, accumulate);
}

void rk_fill_rows(int rows, int cols, const float *b1, const float *b2, float *dst, int ld) {
    CALL(rk_fill_rows, rows, cols, b1, b2, dst, ld);
}

void rk_column_sums(int rows, int cols, const float *src, int ld, float *dst, int accumulate) {
    CALL(rk_column_sums, rows, cols, src, ld, dst, accumulate);
}

void rk_add(size_t n, const float *src, float *dst) { CALL(rk_add, n, src, dst); }

double rk_sum_squares(size_t n, const float *x) { return CALL(rk_sum_squares, n, x); }

void rk_rnn_forward(int rows, int h, int count, const float *pre, float *h_out, int relu) {
    CALL(rk_rnn_forward, rows, h, count, pre, h_out, relu);
}

double rk_rnn_backward(int rows, int h, int count, const float *h_t, const float *dh, float *dpre, int relu) {
    return CALL(rk_rnn_backward, rows, h, count, h_t, dh, dpre, relu);
}

void rk_lstm_forward(int rows, int h, int count, float *gates, const float *c_prev, float *c_out, float *h_out,
                     int relu) {
    CALL(rk_lstm_forward, rows, h, count, gates, c_prev, c_out, h_out, relu);
}

double rk_lstm_backward(int rows, int h, int count, const float *gates, const float *c_prev, const float *c_t,
                        const float *dh, float *dc, float *dgates, int relu) {
    return CALL(rk_lstm_backward, rows, h, count, gates, c_prev, c_t, dh, dc, dgates, relu);
}

void rk_gru_forward(int rows, int h, int count, float *gates, const float *rec, const float *b_hh,
                    const float *h_prev, float *hn_out, float *h_out, int relu) {
    CALL(rk_gru_forward, rows, h, count, gates, rec, b_hh, h_prev, hn_out, h_out, relu);
}

double rk_gru_backward(int rows, int h, int count, const float *gates, const float *hn, const float *h_prev,
                       const float *dh, float *dh_prev, float *dgx, float *dgh, int relu) {
    return CALL(rk_gru_backward, rows, h, count, gates, hn, h_prev, dh, dh_prev, dgx, dgh, relu);
}

void rk_mingru_forward(int rows, int h, int count, float *gates, float *decay, float *values) {
    CALL(rk_mingru_forward, rows, h, count, gates, decay, values);
}

void rk_minlstm_forward(int rows, int h, int count, float *gates, float *decay, float *values) {
    CALL(rk_minlstm_forward, rows, h, count, gates, decay, values);
}

void rk_mingru_decay(int rows, int h, int count, const float *gates, float *decay) {
    CALL(rk_mingru_decay, rows, h, count, gates, decay);
}

void rk_minlstm_decay(int rows, int h, int count, const float *gates, float *decay) {
    CALL(rk_minlstm_decay, rows, h, count, gates, decay);
}

double rk_mingru_backward(int rows, int h, int count, const float *gates, const float *h_prev, const float *dh,
                          float *dgates) {
    return CALL(rk_mingru_backward, rows, h, count, gates, h_prev, dh, dgates);
}

double rk_minlstm_backward(int rows, int h, int count, const float *gates, const float *h_prev, const float *dh,
                           float *dgates) {
    return CALL(rk_minlstm_backward, rows, h, count, gates, h_prev, dh, dgates);
}

void rk_scan_chunk(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                   ptrdiff_t x_step, const float *previous, float *product) {
    CALL(rk_scan_chunk, steps, rows, h, count, a, a_step, x, x_step, previous, product);
}

void rk_scan_fix(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                 ptrdiff_t x_step, const float *carry) {
    CALL(rk_scan_fix, steps, rows, h, count, a, a_step, x, x_step, carry);
}

void rk_sgd(size_t n, float *p, const float *g, float *buffer, float lr, float momentum, int nesterov, int first,
            float decay) {
    CALL(rk_sgd, n, p, g, buffer, lr, momentum, nesterov, first, decay);
}

void rk_adam(size_t n, float *p, const float *g, float *m, float *v, float step_size, float beta1, float beta2,
             float eps, float correction2, float decay) {
    CALL(rk_adam, n, p, g, m, v, step_size, beta1, beta2, eps, correction2, decay);
}

void rk_rmsprop(size_t n, float *p, const float *g, float *square_avg, float *buffer, float lr, float alpha,
                float eps, float momentum, float decay) {
    CALL(rk_rmsprop, n, p, g, square_avg, buffer, lr, alpha, eps, momentum, decay);
}

void rk_adagrad(size_t n, float *p, const float *g, float *sum, float lr, float eps, float decay) {
    CALL(rk_adagrad, n, p, g, sum, lr, eps, decay);
}

void rk_sigmoid(size_t n, const float *x, float *y) { CALL(rk_sigmoid, n, x, y); }
void rk_tanh(size_t n, const float *x, float *y) { CALL(rk_tanh, n, x, y); }
void rk_exp(size_t n, const float *x, float *y) { CALL(rk_exp, n, x, y); }
