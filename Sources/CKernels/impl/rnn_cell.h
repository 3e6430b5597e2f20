// Vanilla RNN: h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.
// Each kernel handles `count` units per row, starting where the pointers point, in
// rows of stride `h`.

void RK_FN(rk_rnn_forward)(int rows, int h, int count, const float *pre, float *h_out, int relu) {
    for (int r = 0; r < rows; r++) {
        const float *p = pre + (size_t)r * h;
        float *o = h_out + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            st(o + u, vf_act(ld(p + u, n), relu), n);
        }
    }
}

double RK_FN(rk_rnn_backward)(int rows, int h, int count, const float *h_t, const float *dh, float *dpre,
                              int relu) {
    vd sq = {0};
    for (int r = 0; r < rows; r++) {
        const float *y = h_t + (size_t)r * h, *g = dh + (size_t)r * h;
        float *d = dpre + (size_t)r * h;
        for (int u = 0; u < count; u += RK_LANES) {
            int n = lanes_at(u, count);
            vf gv = ld(g + u, n);
            st(d + u, gv * vf_act_slope(ld(y + u, n), relu), n);
            VD_ADD_SQUARES(sq, gv);
        }
    }
    return VD_SUM(sq);
}
