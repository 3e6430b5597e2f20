// Packing a weight matrix into the panels that rk_gemm_packed reads. Runs once per
// pass, not per time step, so it is plain scalar code.

#include "rnnkernels.h"

size_t rk_packed_count(int k, int n) {
    size_t panels = (size_t)(n + RK_PANEL_WIDTH - 1) / RK_PANEL_WIDTH;
    return panels * (size_t)k * RK_PANEL_WIDTH;
}

void rk_pack(const float *src, int ld, int transposed, int k, int n, float *packed) {
    int panels = (n + RK_PANEL_WIDTH - 1) / RK_PANEL_WIDTH;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * k * RK_PANEL_WIDTH;
        for (int i = 0; i < k; i++) {
            for (int jj = 0; jj < RK_PANEL_WIDTH; jj++) {
                int j = p * RK_PANEL_WIDTH + jj;
                float v = 0.0f;
                if (j < n) v = transposed ? src[(size_t)j * ld + i] : src[(size_t)i * ld + j];
                dst[(size_t)i * RK_PANEL_WIDTH + jj] = v;
            }
        }
    }
}
