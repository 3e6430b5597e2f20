#ifndef RNNTOP_RNNKERNELS_H
#define RNNTOP_RNNKERNELS_H

// The inner loops of the recurrent engine: the per-time-step recurrent matrix
// product and the element-wise gate math of each cell, forward and backward.
// Names start with rk_ (rnn kernels).
//
// They are written in C so that each function can be compiled three times, for
// AVX-512, for AVX2+FMA and for the baseline, with the best one the CPU runs picked
// when the program loads. Everything here works on contiguous row-major float32 arrays
// owned by the caller, allocates nothing and keeps no state.
//
// Layouts (one time step, `rows` sequences, hidden size `h`):
//   gates   [rows][G*h]  gate blocks side by side: LSTM i,f,g,o; GRU r,z,n; RNN one
//   states  [rows][h]
// The cell kernels work on `count` units of each row, from where their pointers
// point (all of them: count = h and unoffset pointers), so that two threads can
// share one sequence's units.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Columns in one panel of a packed matrix.
#define RK_PANEL_WIDTH 16

/// Floats needed to pack a `k` x `n` matrix (panels are padded with zeros).
size_t rk_packed_count(int k, int n);

/// Packs the `k` x `n` matrix B into column panels for `rk_gemm_packed`.
/// B[i][j] is `src[i * ld + j]`, or `src[j * ld + i]` when `transposed` is non-zero.
void rk_pack(const float *src, int ld, int transposed, int k, int n, float *packed);

/// C[m][n] = A[m][k] * B (or C += A * B when `accumulate` is non-zero), B packed by
/// `rk_pack`. A has leading dimension `lda`, C has `ldc`. Cost: 2*m*n*k flops.
void rk_gemm_packed(int m, int n, int k, const float *a, int lda,
                    const float *packed, float *c, int ldc, int accumulate);

/// y[j] = sum_i W[j][i] x[i] for the `n` rows of W (`k` columns, leading dimension
/// `ldw`), or y += that when `accumulate` is non-zero. The forward step of one
/// sequence: W is W_hh, read row by row. Cost: 2*n*k flops.
void rk_gemv_rows(int n, int k, const float *w, int ldw, const float *x, float *y, int accumulate);

/// y[c] = sum_j x[j] W[j][c] for the `n` columns starting at `w` over `m` rows, or
/// y += that. The backward step of one sequence: W is W_hh, read by columns.
void rk_gemv_columns(int m, int n, const float *w, int ldw, const float *x, float *y, int accumulate);

/// dst[r][j] = b1[j] (+ b2[j] when b2 is not NULL), for `rows` rows of `cols`
/// columns, rows `ld` apart.
void rk_fill_rows(int rows, int cols, const float *b1, const float *b2, float *dst, int ld);

/// dst[j] (+)= sum over r of src[r][j], rows `ld` apart; `accumulate` keeps what dst
/// holds.
void rk_column_sums(int rows, int cols, const float *src, int ld, float *dst, int accumulate);

/// dst[i] += src[i].
void rk_add(size_t n, const float *src, float *dst);

/// Sum of x[i]^2, accumulated in double (squares of tiny gradients underflow in float).
double rk_sum_squares(size_t n, const float *x);

/// Vanilla RNN, one step: h = act(pre). `pre` already holds every term of the
/// pre-activation. `relu` selects relu instead of tanh.
void rk_rnn_forward(int rows, int h, int count, const float *pre, float *h_out, int relu);

/// Vanilla RNN backward, one step: dpre = dh * act'(h). Returns sum(dh^2).
double rk_rnn_backward(int rows, int h, int count, const float *h_t, const float *dh,
                       float *dpre, int relu);

/// LSTM, one step. `gates` holds the pre-activations i,f,g,o on entry and their
/// activations on return; c = f*c_prev + i*g; h = o*act(c).
void rk_lstm_forward(int rows, int h, int count, float *gates, const float *c_prev,
                     float *c_out, float *h_out, int relu);

/// LSTM backward, one step. `dc` holds dL/dc_t from later steps on entry and
/// dL/dc_{t-1} on return. Writes the pre-activation gradients to `dgates`.
/// Returns sum(dh^2).
double rk_lstm_backward(int rows, int h, int count, const float *gates, const float *c_prev,
                        const float *c_t, const float *dh, float *dc,
                        float *dgates, int relu);

/// GRU, one step, PyTorch's form. `gates` holds the input projections
/// W_ih x + b_ih (r,z,n) on entry and the activations r,z,n on return. `rec` holds
/// W_hh h_prev without bias; `b_hh` is added here. `hn_out` keeps W_hn h + b_hn
/// for the backward pass.
void rk_gru_forward(int rows, int h, int count, float *gates, const float *rec,
                    const float *b_hh, const float *h_prev, float *hn_out,
                    float *h_out, int relu);

/// GRU backward, one step. Writes the gradients of the input-side pre-activations
/// to `dgx` and of the recurrent-side ones (W_hh h + b_hh) to `dgh`, and adds the
/// direct path z*dh into `dh_prev`. Returns sum(dh^2).
double rk_gru_backward(int rows, int h, int count, const float *gates, const float *hn,
                       const float *h_prev, const float *dh, float *dh_prev,
                       float *dgx, float *dgh, int relu);

/// minGRU over `rows` rows (every time step of a layer at once). `gates` holds the
/// input projections z, h on entry and z, g(k_h) on return; writes the decay
/// a = 1 - z to `decay` and b = z * g(k_h) to `values` (`[rows][h]` each).
void rk_mingru_forward(int rows, int h, int count, float *gates, float *decay, float *values);

/// minLSTM over `rows` rows: projections f, i, h in `gates` become f, i, g(k_h);
/// writes a = f / (f + i) to `decay` and b = i / (f + i) * g(k_h) to `values`.
void rk_minlstm_forward(int rows, int h, int count, float *gates, float *decay, float *values);

/// The decays a of `rows` rows again, from the gate activations the forward pass left
/// in `gates`: 1 - z (minGRU), f / (f + i) (minLSTM), exactly as the forward wrote them.
void rk_mingru_decay(int rows, int h, int count, const float *gates, float *decay);
void rk_minlstm_decay(int rows, int h, int count, const float *gates, float *decay);

/// minGRU backward, one step: from the total dL/dh_t in `dh` and h_{t-1}, the
/// gradients of the pre-activations z, h into `dgates`. Returns sum(dh^2).
double rk_mingru_backward(int rows, int h, int count, const float *gates, const float *h_prev,
                          const float *dh, float *dgates);

/// minLSTM backward, one step, as `rk_mingru_backward` for blocks f, i, h.
double rk_minlstm_backward(int rows, int h, int count, const float *gates, const float *h_prev,
                           const float *dh, float *dgates);

/// One chunk of the scan x_s = a_s * x_{s-1} + x_s for s = 0..steps-1, in place, with
/// element s at `x + s * x_step` and its coefficient at `a + s * a_step` (steps may be
/// negative: a backward scan). x_{-1} is `previous`, or zero when NULL (a chunk that
/// does not know what comes before it yet). Writes the product of the chunk's
/// coefficients to `product` when not NULL.
void rk_scan_chunk(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                   ptrdiff_t x_step, const float *previous, float *product);

/// Completes a chunk scanned from zero once what comes before it is known:
/// x_s += (a_0 * ... * a_s) * carry.
void rk_scan_fix(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                 ptrdiff_t x_step, const float *carry);

/// SGD, PyTorch's rule: with momentum, buffer = g on the `first` step and
/// momentum*buffer + g after; p -= lr * (nesterov ? g + momentum*buffer : buffer).
void rk_sgd(size_t n, float *p, const float *g, float *buffer, float lr, float momentum, int nesterov, int first,
            float decay);

/// Adam, PyTorch's rule: m += (g - m)(1 - beta1); v = beta2 v + (1 - beta2) g^2;
/// p -= step_size * m / (sqrt(v) / correction2 + eps), with step_size = lr/(1 - beta1^t)
/// and correction2 = sqrt(1 - beta2^t).
void rk_adam(size_t n, float *p, const float *g, float *m, float *v, float step_size, float beta1, float beta2,
             float eps, float correction2, float decay);

/// RMSProp, PyTorch's rule (not centered).
void rk_rmsprop(size_t n, float *p, const float *g, float *square_avg, float *buffer, float lr, float alpha,
                float eps, float momentum, float decay);

/// Adagrad, PyTorch's rule (no learning-rate decay).
void rk_adagrad(size_t n, float *p, const float *g, float *sum, float lr, float eps, float decay);

/// A hint to the CPU that the thread is spinning on a value (x86 PAUSE).
void rk_cpu_relax(void);

/// A barrier for a fixed number of threads that meet many times (once per time step).
typedef struct rk_barrier rk_barrier;
rk_barrier *rk_barrier_create(int parties);
void rk_barrier_destroy(rk_barrier *barrier);
/// Returns when all parties have called it; their writes before it are visible to
/// all of them after it.
void rk_barrier_wait(rk_barrier *barrier);

/// Makes the calling thread treat float values below 1.2e-38 as zero (x86 FTZ and
/// DAZ; nothing elsewhere) and returns the previous mode for `rk_leave_flush_to_zero`.
unsigned rk_enter_flush_to_zero(void);
void rk_leave_flush_to_zero(unsigned saved);

/// The variant of the kernels in use: "avx512", "avx2+fma" or "baseline".
const char *rk_kernel_variant(void);

/// 1 when the CPU has AVX2 and FMA.
int rk_cpu_has_avx2(void);

/// 1 when the CPU has the AVX-512 subsets OpenBLAS's SkylakeX kernels need.
int rk_cpu_has_avx512(void);

/// Element-wise activations used by the heads and by tests of the kernels.
void rk_sigmoid(size_t n, const float *x, float *y);
void rk_tanh(size_t n, const float *x, float *y);
void rk_exp(size_t n, const float *x, float *y);

#ifdef __cplusplus
}
#endif

#endif
