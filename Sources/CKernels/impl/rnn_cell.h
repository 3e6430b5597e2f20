// Vanilla RNN: h = act(W_ih x + b_ih + W_hh h_prev + b_hh), act = tanh or relu.

void RK_FN(rk_rnn_forward)(int rows, int h, const float *pre, float *h_out, int relu) {
    size_t count = (size_t)rows * h;
    for (size_t e = 0; e < count; e += RK_LANES) {
        int n = lanes_at(e, count);
        st(h_out + e, vf_act(ld(pre + e, n), relu), n);
    }
}

double RK_FN(rk_rnn_backward)(int rows, int h, const float *h_t, const float *dh, float *dpre, int relu) {
    size_t count = (size_t)rows * h;
    vd sq = {0};
    for (size_t e = 0; e < count; e += RK_LANES) {
        int n = lanes_at(e, count);
        vf g = ld(dh + e, n);
        st(dpre + e, g * vf_act_slope(ld(h_t + e, n), relu), n);
        VD_ADD_SQUARES(sq, g);
    }
    return VD_SUM(sq);
}
