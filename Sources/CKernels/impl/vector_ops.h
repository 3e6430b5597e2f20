// Whole-array helpers: bias broadcast, column sums (bias gradients), accumulation
// of gradients, sums of squares (gradient norms), activations.

void RK_FN(rk_fill_rows)(int rows, int cols, const float *b1, const float *b2, float *dst, int stride) {
    for (int r = 0; r < rows; r++) {
        float *d = dst + (size_t)r * stride;
        for (int j = 0; j < cols; j += RK_LANES) {
            int n = lanes_at(j, cols);
            vf v = ld(b1 + j, n);
            if (b2) v += ld(b2 + j, n);
            st(d + j, v, n);
        }
    }
}

void RK_FN(rk_column_sums)(int rows, int cols, const float *src, int stride, float *dst, int accumulate) {
    // Row by row, so the source streams through once; dst stays in cache.
    if (!accumulate)
        for (int j = 0; j < cols; j++) dst[j] = 0.0f;
    for (int r = 0; r < rows; r++) {
        const float *row = src + (size_t)r * stride;
        for (int j = 0; j < cols; j += RK_LANES) {
            int n = lanes_at(j, cols);
            st(dst + j, ld(dst + j, n) + ld(row + j, n), n);
        }
    }
}

void RK_FN(rk_add)(size_t count, const float *src, float *dst) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        st(dst + i, ld(dst + i, n) + ld(src + i, n), n);
    }
}

double RK_FN(rk_sum_squares)(size_t count, const float *x) {
    vd a = {0}, b = {0};
    size_t i = 0;
    for (; i + 2 * RK_LANES <= count; i += 2 * RK_LANES) {
        VD_ADD_SQUARES(a, vf_load(x + i));
        VD_ADD_SQUARES(b, vf_load(x + i + RK_LANES));
    }
    for (; i < count; i += RK_LANES) VD_ADD_SQUARES(a, ld(x + i, lanes_at(i, count)));
    return VD_SUM(a + b);
}

void RK_FN(rk_sigmoid)(size_t count, const float *x, float *y) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        st(y + i, vf_sigmoid(ld(x + i, n)), n);
    }
}

void RK_FN(rk_tanh)(size_t count, const float *x, float *y) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        st(y + i, vf_tanh(ld(x + i, n)), n);
    }
}

void RK_FN(rk_exp)(size_t count, const float *x, float *y) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        st(y + i, vf_exp(ld(x + i, n)), n);
    }
}
