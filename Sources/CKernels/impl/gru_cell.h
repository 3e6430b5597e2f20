// GRU, PyTorch's form (gate blocks r, z, n):
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
//   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = act(W_in x + b_in + r * (W_hn h + b_hn))
//   h' = (1 - z) * n + z * h
// Each kernel handles `count` units per row, starting where the pointers point, in
// rows of stride 3*h (gates) and h (states); `b_hh` is offset the same way.

void RK_FN(rk_gru_forward)(int rows, int h, int count, float *gates, const float *rec, const float *b_hh,
                           const float *h_prev, float *hn_out, float *h_out, int relu) {
    const float *br = b_hh, *bz = b_hh + h, *bn = b_hh + 2 * h;
    for (int r = 0; r < rows; r++) {
        float *xr = gates + (size_t)r * 3 * h, *xz = xr + h, *xn = xz + h;
        const float *rr = rec + (size_t)r * 3 * h, *rz = rr + h, *rn = rz + h;
        const float *hp = h_prev + (size_t)r * h;
        float *hn = hn_out + (size_t)r * h, *ho = h_out + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf rg = vf_sigmoid(ld(xr + u, n) + ld(rr + u, n) + ld(br + u, n));
            vf zg = vf_sigmoid(ld(xz + u, n) + ld(rz + u, n) + ld(bz + u, n));
            vf hnv = ld(rn + u, n) + ld(bn + u, n);
            vf ng = vf_act(ld(xn + u, n) + rg * hnv, relu);
            st(xr + u, rg, n);
            st(xz + u, zg, n);
            st(xn + u, ng, n);
            st(hn + u, hnv, n);
            st(ho + u, (vf_splat(1.0f) - zg) * ng + zg * ld(hp + u, n), n);
        }
    }
}

double RK_FN(rk_gru_backward)(int rows, int h, int count, const float *gates, const float *hn,
                              const float *h_prev, const float *dh, float *dh_prev, float *dgx,
                              float *dgh, int relu) {
    const vf one = vf_splat(1.0f);
    vd sq = {0};
    for (int r = 0; r < rows; r++) {
        const float *gr = gates + (size_t)r * 3 * h, *gz = gr + h, *gn = gz + h;
        const float *hnr = hn + (size_t)r * h, *hp = h_prev + (size_t)r * h, *dhr = dh + (size_t)r * h;
        float *dp = dh_prev + (size_t)r * h;
        float *xr = dgx + (size_t)r * 3 * h, *xz = xr + h, *xn = xz + h;
        float *hr = dgh + (size_t)r * 3 * h, *hz = hr + h, *hnn = hz + h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf rg = ld(gr + u, n), zg = ld(gz + u, n), ng = ld(gn + u, n);
            vf dhv = ld(dhr + u, n);
            vf dn = dhv * (one - zg) * vf_act_slope(ng, relu);
            vf dz = dhv * (ld(hp + u, n) - ng) * zg * (one - zg);
            vf dr = dn * ld(hnr + u, n) * rg * (one - rg);
            st(xr + u, dr, n);
            st(xz + u, dz, n);
            st(xn + u, dn, n);
            st(hr + u, dr, n);
            st(hz + u, dz, n);
            st(hnn + u, dn * rg, n);
            st(dp + u, ld(dp + u, n) + dhv * zg, n);
            VD_ADD_SQUARES(sq, dhv);
        }
    }
    return VD_SUM(sq);
}
