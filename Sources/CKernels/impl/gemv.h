// Matrix-vector products for a shard of one sequence, straight from the weight matrix
// (no packing): the forward step reads rows of W_hh, the backward step reads its
// columns. Both stream each weight once per step, which is all a single sequence
// can do with it, and they leave no packing to redo after every update.

// Eight independent sums per row block hide the latency of the multiply-adds.
#define GEMV_ROWS 8

// Adds the lanes of eight accumulators into eight sums, y[0..7] (+)= sum(acc[q]),
// by folding halves of pairs of vectors together: a few shuffles for all eight
// rows instead of a horizontal sum per row.
RK_INLINE void store_row_sums(vf acc[GEMV_ROWS], float *y, int accumulate) {
    float sums[GEMV_ROWS];
#if RK_LANES == 16
    vf f[4], g[2];
    for (int i = 0; i < 4; i++)  // segments of 8: [row 2i | row 2i+1]
        f[i] = __builtin_shufflevector(acc[2 * i], acc[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21,
                                       22, 23) +
               __builtin_shufflevector(acc[2 * i], acc[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28,
                                       29, 30, 31);
    for (int i = 0; i < 2; i++)  // segments of 4
        g[i] = __builtin_shufflevector(f[2 * i], f[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26,
                                       27) +
               __builtin_shufflevector(f[2 * i], f[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30,
                                       31);
    vf h = __builtin_shufflevector(g[0], g[1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) +
           __builtin_shufflevector(g[0], g[1], 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
    for (int q = 0; q < GEMV_ROWS; q++) sums[q] = h[2 * q] + h[2 * q + 1];
#elif RK_LANES == 8
    vf f[4], g[2];
    for (int i = 0; i < 4; i++)  // segments of 4: [row 2i | row 2i+1]
        f[i] = __builtin_shufflevector(acc[2 * i], acc[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11) +
               __builtin_shufflevector(acc[2 * i], acc[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15);
    for (int i = 0; i < 2; i++)  // segments of 2
        g[i] = __builtin_shufflevector(f[2 * i], f[2 * i + 1], 0, 1, 4, 5, 8, 9, 12, 13) +
               __builtin_shufflevector(f[2 * i], f[2 * i + 1], 2, 3, 6, 7, 10, 11, 14, 15);
    vf h = __builtin_shufflevector(g[0], g[1], 0, 2, 4, 6, 8, 10, 12, 14) +
           __builtin_shufflevector(g[0], g[1], 1, 3, 5, 7, 9, 11, 13, 15);
    for (int q = 0; q < GEMV_ROWS; q++) sums[q] = h[q];
#else
    for (int q = 0; q < GEMV_ROWS; q++) sums[q] = vf_hsum(acc[q]);
#endif
    for (int q = 0; q < GEMV_ROWS; q++) y[q] = accumulate ? y[q] + sums[q] : sums[q];
}

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
        store_row_sums(acc, y + j, accumulate);
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

#undef GEMV_ROWS

// CH full vectors of columns, summed over all rows by RU interleaved partial sums
// (RU * CH independent chains, enough to hide the multiply-add latency).
RK_INLINE void column_block(const int CH, const int RU, int m, const float *w, int ldw, const float *x, float *y,
                            int accumulate) {
    vf acc[8][8];
    for (int u = 0; u < RU; u++)
        for (int q = 0; q < CH; q++) acc[u][q] = vf_splat(0.0f);
    int j = 0;
    for (; j + RU <= m; j += RU) {
        for (int u = 0; u < RU; u++) {
            vf xv = vf_splat(x[j + u]);
            const float *row = w + (size_t)(j + u) * ldw;
            for (int q = 0; q < CH; q++) acc[u][q] += xv * vf_load(row + q * RK_LANES);
        }
    }
    for (; j < m; j++) {
        vf xv = vf_splat(x[j]);
        const float *row = w + (size_t)j * ldw;
        for (int q = 0; q < CH; q++) acc[0][q] += xv * vf_load(row + q * RK_LANES);
    }
    for (int q = 0; q < CH; q++) {
        vf total = acc[0][q];
        for (int u = 1; u < RU; u++) total += acc[u][q];
        if (accumulate) total += vf_load(y + q * RK_LANES);
        vf_store(y + q * RK_LANES, total);
    }
}

void RK_FN(rk_gemv_columns)(int m, int n, const float *w, int ldw, const float *x, float *y, int accumulate) {
    int c = 0;
    for (; c + 8 * RK_LANES <= n; c += 8 * RK_LANES) column_block(8, 1, m, w + c, ldw, x, y + c, accumulate);
    if (c + 4 * RK_LANES <= n) {
        column_block(4, 2, m, w + c, ldw, x, y + c, accumulate);
        c += 4 * RK_LANES;
    }
    if (c + 2 * RK_LANES <= n) {
        column_block(2, 4, m, w + c, ldw, x, y + c, accumulate);
        c += 2 * RK_LANES;
    }
    if (c + RK_LANES <= n) {
        column_block(1, 8, m, w + c, ldw, x, y + c, accumulate);
        c += RK_LANES;
    }
    if (c < n) {
        // The last few columns, a partial vector: four interleaved sums.
        int lanes = n - c;
        vf acc[4] = {vf_splat(0.0f), vf_splat(0.0f), vf_splat(0.0f), vf_splat(0.0f)};
        for (int j = 0; j < m; j++) acc[j & 3] += vf_splat(x[j]) * ld(w + (size_t)j * ldw + c, lanes);
        vf total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        if (accumulate) total += ld(y + c, lanes);
        st(y + c, total, lanes);
    }
}
