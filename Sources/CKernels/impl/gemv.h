// Matrix-vector products for a shard of one sequence, straight from the weight matrix
// (no packing): the forward step reads rows of W_hh, the backward step reads its
// columns. Both stream each weight once per step, which is all a single sequence
// can do with it, and they leave no packing to redo after every update.

// Eight independent sums per row block hide the latency of the multiply-adds.
#define GEMV_ROWS 8

void RK_FN(rk_gemv_rows)(int n, int k, const float *w, int ldw, const float *x, float *y, int accumulate) {
    int j = 0;
    for (; j + GEMV_ROWS <= n; j += GEMV_ROWS) {
        vf acc[GEMV_ROWS];
        for (int q = 0; q < GEMV_ROWS; q++) acc[q] = vf_splat(0.0f);
        int i = 0;
        for (; i + RK_LANES <= k; i += RK_LANES) {
            vf xv = vf_load(x + i);
            for (int q = 0; q < GEMV_ROWS; q++) acc[q] += vf_load(w + (size_t)(j + q) * ldw + i) * xv;
        }
        if (i < k) {
            int lanes = k - i;
            vf xv = ld(x + i, lanes);
            for (int q = 0; q < GEMV_ROWS; q++) acc[q] += ld(w + (size_t)(j + q) * ldw + i, lanes) * xv;
        }
        for (int q = 0; q < GEMV_ROWS; q++) {
            float sum = vf_hsum(acc[q]);
            y[j + q] = accumulate ? y[j + q] + sum : sum;
        }
    }
    for (; j < n; j++) {
        vf acc = vf_splat(0.0f);
        for (int i = 0; i < k; i += RK_LANES) {
            int lanes = lanes_at(i, k);
            acc += ld(w + (size_t)j * ldw + i, lanes) * ld(x + i, lanes);
        }
        float sum = vf_hsum(acc);
        y[j] = accumulate ? y[j] + sum : sum;
    }
}

// Columns in flight per pass over the rows: eight vectors of sums.
#define GEMV_CHUNKS 8

void RK_FN(rk_gemv_columns)(int m, int n, const float *w, int ldw, const float *x, float *y, int accumulate) {
    for (int c = 0; c < n; c += GEMV_CHUNKS * RK_LANES) {
        vf acc[GEMV_CHUNKS];
        int lanes[GEMV_CHUNKS];
        int chunks = 0;
        for (int q = 0; q < GEMV_CHUNKS; q++) {
            int start = c + q * RK_LANES;
            lanes[q] = start < n ? lanes_at(start, n) : 0;
            if (lanes[q] > 0) chunks = q + 1;
            acc[q] = lanes[q] > 0 && accumulate ? ld(y + start, lanes[q]) : vf_splat(0.0f);
        }
        if (chunks == GEMV_CHUNKS && lanes[GEMV_CHUNKS - 1] == RK_LANES) {
            for (int j = 0; j < m; j++) {
                vf xv = vf_splat(x[j]);
                const float *row = w + (size_t)j * ldw + c;
                for (int q = 0; q < GEMV_CHUNKS; q++) acc[q] += xv * vf_load(row + q * RK_LANES);
            }
        } else {
            for (int j = 0; j < m; j++) {
                vf xv = vf_splat(x[j]);
                const float *row = w + (size_t)j * ldw + c;
                for (int q = 0; q < chunks; q++) acc[q] += xv * ld(row + q * RK_LANES, lanes[q]);
            }
        }
        for (int q = 0; q < chunks; q++) st(y + c + q * RK_LANES, acc[q], lanes[q]);
    }
}

#undef GEMV_ROWS
#undef GEMV_CHUNKS
