// LSTM, PyTorch's form (gate blocks i, f, g, o):
//   i, f, o = sigmoid(.), g = act(.), c = f*c_prev + i*g, h = o*act(c)
// with act = tanh, or relu for the Keras `LSTM(activation='relu')` variant.
// Each kernel handles `count` units per row, starting where the pointers point, in
// rows of stride 4*h (gates) and h (states).

void RK_FN(rk_lstm_forward)(int rows, int h, int count, float *gates, const float *c_prev, float *c_out,
                            float *h_out, int relu) {
    for (int r = 0; r < rows; r++) {
        float *gi = gates + (size_t)r * 4 * h, *gf = gi + h, *gg = gf + h, *go = gg + h;
        const float *cp = c_prev + (size_t)r * h;
        float *co = c_out + (size_t)r * h, *ho = h_out + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf i = vf_sigmoid(ld(gi + u, n));
            vf f = vf_sigmoid(ld(gf + u, n));
            vf g = vf_act(ld(gg + u, n), relu);
            vf o = vf_sigmoid(ld(go + u, n));
            vf c = f * ld(cp + u, n) + i * g;
            st(gi + u, i, n);
            st(gf + u, f, n);
            st(gg + u, g, n);
            st(go + u, o, n);
            st(co + u, c, n);
            st(ho + u, o * vf_act(c, relu), n);
        }
    }
}

double RK_FN(rk_lstm_backward)(int rows, int h, int count, const float *gates, const float *c_prev,
                               const float *c_t, const float *dh, float *dc, float *dgates,
                               int relu) {
    const vf one = vf_splat(1.0f);
    vd sq = {0};
    for (int r = 0; r < rows; r++) {
        const float *gi = gates + (size_t)r * 4 * h, *gf = gi + h, *gg = gf + h, *go = gg + h;
        float *di = dgates + (size_t)r * 4 * h, *df = di + h, *dg = df + h, *dout = dg + h;
        const float *cp = c_prev + (size_t)r * h, *ct = c_t + (size_t)r * h;
        const float *dhr = dh + (size_t)r * h;
        float *dcr = dc + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf i = ld(gi + u, n), f = ld(gf + u, n), g = ld(gg + u, n), o = ld(go + u, n);
            vf dhv = ld(dhr + u, n);
            vf ac = vf_act(ld(ct + u, n), relu);
            vf dct = ld(dcr + u, n) + dhv * o * vf_act_slope(ac, relu);
            st(di + u, dct * g * i * (one - i), n);
            st(df + u, dct * ld(cp + u, n) * f * (one - f), n);
            st(dg + u, dct * i * vf_act_slope(g, relu), n);
            st(dout + u, dhv * ac * o * (one - o), n);
            st(dcr + u, dct * f, n);
            VD_ADD_SQUARES(sq, dhv);
        }
    }
    return VD_SUM(sq);
}
