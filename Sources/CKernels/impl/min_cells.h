// minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"): gates that see
// only x_t, so that a layer is one linear recurrence over time,
//   h_t = a_t * h_{t-1} + b_t,
// with a_t (the decay) and b_t computed for every step at once from the input
// projections, and the recurrence computed by an associative scan over time.
//   minGRU  (blocks z, h):    z = sigmoid(k_z), a = 1 - z, b = z * g(k_h)
//   minLSTM (blocks f, i, h): f = sigmoid(k_f), i = sigmoid(k_i),
//                             a = f / (f + i), b = i / (f + i) * g(k_h)
// with g(x) = x + 0.5 for x >= 0 and sigmoid(x) below: positive, so that states stay
// positive, and linear above zero, so that they do not saturate.
//
// The scan works on `rows` x `count` lanes per time step (rows `h` apart, units from
// where the pointers point), one element of the sequence every `x_step` floats, so
// that the same kernels run forward in time (the states) and backward (the gradients,
// whose recurrence has the same form: D_t = E_t + a_{t+1} D_{t+1}).

/// g(x): x + 0.5 for x >= 0, sigmoid(x) below.
RK_INLINE vf vf_min_candidate(vf x) {
    return vf_select(x >= vf_splat(0.0f), x + vf_splat(0.5f), vf_sigmoid(x));
}

/// g'(x) from y = g(x): 1 on the linear side (y >= 0.5), y(1 - y) on the sigmoid side.
/// (Below |x| < 6e-8 a negative x rounds to y = 0.5 and reads as the linear side.)
RK_INLINE vf vf_min_candidate_slope(vf y) {
    return vf_select(y >= vf_splat(0.5f), vf_splat(1.0f), y * (vf_splat(1.0f) - y));
}

void RK_FN(rk_mingru_forward)(int rows, int h, int count, float *gates, float *decay, float *values) {
    const vf one = vf_splat(1.0f);
    for (int r = 0; r < rows; r++) {
        float *kz = gates + (size_t)r * 2 * h, *kh = kz + h;
        float *a = decay + (size_t)r * h, *b = values + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf z = vf_sigmoid(ld(kz + u, n)), g = vf_min_candidate(ld(kh + u, n));
            st(kz + u, z, n);
            st(kh + u, g, n);
            st(a + u, one - z, n);
            st(b + u, z * g, n);
        }
    }
}

/// f' = f / (f + i) and i' = i / (f + i); one half each in the limit of both gates shut.
RK_INLINE void min_lstm_shares(vf f, vf i, vf *f_share, vf *i_share) {
    vf sum = f + i;
    vi open = sum > vf_splat(0.0f);
    vf inverse = vf_reciprocal(vf_select(open, sum, vf_splat(1.0f)));
    *f_share = vf_select(open, f * inverse, vf_splat(0.5f));
    *i_share = vf_select(open, i * inverse, vf_splat(0.5f));
}

void RK_FN(rk_minlstm_forward)(int rows, int h, int count, float *gates, float *decay, float *values) {
    for (int r = 0; r < rows; r++) {
        float *kf = gates + (size_t)r * 3 * h, *ki = kf + h, *kh = ki + h;
        float *a = decay + (size_t)r * h, *b = values + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf f = vf_sigmoid(ld(kf + u, n)), i = vf_sigmoid(ld(ki + u, n)), g = vf_min_candidate(ld(kh + u, n));
            vf f_share, i_share;
            min_lstm_shares(f, i, &f_share, &i_share);
            st(kf + u, f, n);
            st(ki + u, i, n);
            st(kh + u, g, n);
            st(a + u, f_share, n);
            st(b + u, i_share * g, n);
        }
    }
}

void RK_FN(rk_mingru_decay)(int rows, int h, int count, const float *gates, float *decay) {
    const vf one = vf_splat(1.0f);
    for (int r = 0; r < rows; r++) {
        const float *z = gates + (size_t)r * 2 * h;
        float *a = decay + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            st(a + u, one - ld(z + u, n), n);
        }
    }
}

void RK_FN(rk_minlstm_decay)(int rows, int h, int count, const float *gates, float *decay) {
    for (int r = 0; r < rows; r++) {
        const float *f = gates + (size_t)r * 3 * h, *i = f + h;
        float *a = decay + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf f_share, i_share;
            min_lstm_shares(ld(f + u, n), ld(i + u, n), &f_share, &i_share);
            st(a + u, f_share, n);
        }
    }
}

double RK_FN(rk_mingru_backward)(int rows, int h, int count, const float *gates, const float *h_prev,
                                 const float *dh, float *dgates) {
    const vf one = vf_splat(1.0f);
    vd sq = {0};
    for (int r = 0; r < rows; r++) {
        const float *gz = gates + (size_t)r * 2 * h, *gh = gz + h;
        const float *hp = h_prev + (size_t)r * h, *d = dh + (size_t)r * h;
        float *dz = dgates + (size_t)r * 2 * h, *dk = dz + h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf z = ld(gz + u, n), g = ld(gh + u, n), dv = ld(d + u, n);
            st(dz + u, dv * (g - ld(hp + u, n)) * z * (one - z), n);
            st(dk + u, dv * z * vf_min_candidate_slope(g), n);
            VD_ADD_SQUARES(sq, dv);
        }
    }
    return VD_SUM(sq);
}

double RK_FN(rk_minlstm_backward)(int rows, int h, int count, const float *gates, const float *h_prev,
                                  const float *dh, float *dgates) {
    const vf one = vf_splat(1.0f);
    vd sq = {0};
    for (int r = 0; r < rows; r++) {
        const float *gf = gates + (size_t)r * 3 * h, *gi = gf + h, *gh = gi + h;
        const float *hp = h_prev + (size_t)r * h, *d = dh + (size_t)r * h;
        float *df = dgates + (size_t)r * 3 * h, *di = df + h, *dk = di + h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf f = ld(gf + u, n), i = ld(gi + u, n), g = ld(gh + u, n), dv = ld(d + u, n);
            vf f_share, i_share;
            min_lstm_shares(f, i, &f_share, &i_share);
            // f' = sigmoid(log f - log i); d(log f)/dk_f = 1 - f, d(log i)/dk_i = 1 - i.
            vf d_share = dv * (ld(hp + u, n) - g) * f_share * i_share;
            st(df + u, d_share * (one - f), n);
            st(di + u, -d_share * (one - i), n);
            st(dk + u, dv * i_share * vf_min_candidate_slope(g), n);
            VD_ADD_SQUARES(sq, dv);
        }
    }
    return VD_SUM(sq);
}

void RK_FN(rk_scan_chunk)(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                          ptrdiff_t x_step, const float *previous, float *product) {
    for (int r = 0; r < rows; r++) {
        size_t row = (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf carry = previous ? ld(previous + row + u, n) : vf_splat(0.0f);
            vf running = vf_splat(1.0f);
            for (int s = 0; s < steps; s++) {
                vf coefficient = ld(a + s * a_step + row + u, n);
                float *element = x + s * x_step + row + u;
                carry = coefficient * carry + ld(element, n);
                running *= coefficient;
                st(element, carry, n);
            }
            if (product) st(product + row + u, running, n);
        }
    }
}

void RK_FN(rk_scan_fix)(int steps, int rows, int h, int count, const float *a, ptrdiff_t a_step, float *x,
                        ptrdiff_t x_step, const float *carry) {
    for (int r = 0; r < rows; r++) {
        size_t row = (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf incoming = ld(carry + row + u, n);
            for (int s = 0; s < steps; s++) {
                incoming *= ld(a + s * a_step + row + u, n);
                float *element = x + s * x_step + row + u;
                st(element, ld(element, n) + incoming, n);
            }
        }
    }
}
