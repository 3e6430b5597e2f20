#ifndef RNNTOP_RNNKERNELS_H
#define RNNTOP_RNNKERNELS_H

// The inner loops of the recurrent engine: the per-time-step recurrent matrix
// product and the element-wise gate math of each cell, forward and backward.
//
// They are written in C so that each function can be compiled twice, for AVX2+FMA
// and for the x86-64 baseline, with the better one picked when the program loads
// (`target_clones`). Everything here works on contiguous row-major float32 arrays
// owned by the caller, allocates nothing and keeps no state.
//
// Layouts (one time step, `rows` sequences, hidden size `h`):
//   gates   [rows][G*h]  gate blocks side by side: LSTM i,f,g,o; GRU r,z,n; RNN one
//   states  [rows][h]

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

/// dst[r][j] = b1[j] (+ b2[j] when b2 is not NULL), for `rows` rows of `cols`.
void rk_fill_rows(int rows, int cols, const float *b1, const float *b2, float *dst);

/// dst[j] (+)= sum over r of src[r][j]; `accumulate` keeps what dst holds.
void rk_column_sums(int rows, int cols, const float *src, float *dst, int accumulate);

/// dst[i] += src[i].
void rk_add(size_t n, const float *src, float *dst);

/// Sum of x[i]^2, accumulated in double (squares of tiny gradients underflow in float).
double rk_sum_squares(size_t n, const float *x);

/// Vanilla RNN, one step: h = act(pre). `pre` already holds every term of the
/// pre-activation. `relu` selects relu instead of tanh.
void rk_rnn_forward(int rows, int h, const float *pre, float *h_out, int relu);

/// Vanilla RNN backward, one step: dpre = dh * act'(h). Returns sum(dh^2).
double rk_rnn_backward(int rows, int h, const float *h_t, const float *dh,
                       float *dpre, int relu);

/// LSTM, one step. `gates` holds the pre-activations i,f,g,o on entry and their
/// activations on return; c = f*c_prev + i*g; h = o*act(c).
void rk_lstm_forward(int rows, int h, float *gates, const float *c_prev,
                     float *c_out, float *h_out, int relu);

/// LSTM backward, one step. `dc` holds dL/dc_t from later steps on entry and
/// dL/dc_{t-1} on return. Writes the pre-activation gradients to `dgates`.
/// Returns sum(dh^2).
double rk_lstm_backward(int rows, int h, const float *gates, const float *c_prev,
                        const float *c_t, const float *dh, float *dc,
                        float *dgates, int relu);

/// GRU, one step, PyTorch's form. `gates` holds the input projections
/// W_ih x + b_ih (r,z,n) on entry and the activations r,z,n on return. `rec` holds
/// W_hh h_prev without bias; `b_hh` is added here. `hn_out` keeps W_hn h + b_hn
/// for the backward pass.
void rk_gru_forward(int rows, int h, float *gates, const float *rec,
                    const float *b_hh, const float *h_prev, float *hn_out,
                    float *h_out, int relu);

/// GRU backward, one step. Writes the gradients of the input-side pre-activations
/// to `dgx` and of the recurrent-side ones (W_hh h + b_hh) to `dgh`, and adds the
/// direct path z*dh into `dh_prev`. Returns sum(dh^2).
double rk_gru_backward(int rows, int h, const float *gates, const float *hn,
                       const float *h_prev, const float *dh, float *dh_prev,
                       float *dgx, float *dgh, int relu);

/// 1 when the AVX2+FMA variants of the kernels are in use, 0 for the baseline.
int rk_uses_avx2(void);

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
