// Optimizer updates over the flat parameter vector, PyTorch's rules element by
// element. `decay` is PyTorch's weight_decay (an L2 term added to the gradient).

#define RK_DECAYED(g, p, decay) ((decay) == 0.0f ? (g) : (g) + vf_splat(decay) * (p))

void RK_FN(rk_sgd)(size_t count, float *p, const float *g, float *buffer, float lr, float momentum,
                   int nesterov, int first, float decay) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        vf pv = ld(p + i, n);
        vf d = RK_DECAYED(ld(g + i, n), pv, decay);
        if (momentum != 0.0f) {
            vf b = first ? d : vf_splat(momentum) * ld(buffer + i, n) + d;
            st(buffer + i, b, n);
            d = nesterov ? d + vf_splat(momentum) * b : b;
        }
        st(p + i, pv - vf_splat(lr) * d, n);
    }
}

void RK_FN(rk_adam)(size_t count, float *p, const float *g, float *m, float *v, float step_size,
                    float beta1, float beta2, float eps, float correction2, float decay) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        vf pv = ld(p + i, n);
        vf d = RK_DECAYED(ld(g + i, n), pv, decay);
        vf mv = ld(m + i, n);
        mv = mv + (d - mv) * vf_splat(1.0f - beta1);
        vf vv = vf_splat(beta2) * ld(v + i, n) + vf_splat(1.0f - beta2) * d * d;
        st(m + i, mv, n);
        st(v + i, vv, n);
        vf denominator = vf_sqrt(vv) / vf_splat(correction2) + vf_splat(eps);
        st(p + i, pv - vf_splat(step_size) * mv / denominator, n);
    }
}

void RK_FN(rk_rmsprop)(size_t count, float *p, const float *g, float *square_avg, float *buffer, float lr,
                       float alpha, float eps, float momentum, float decay) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        vf pv = ld(p + i, n);
        vf d = RK_DECAYED(ld(g + i, n), pv, decay);
        vf s = vf_splat(alpha) * ld(square_avg + i, n) + vf_splat(1.0f - alpha) * d * d;
        st(square_avg + i, s, n);
        vf scaled = d / (vf_sqrt(s) + vf_splat(eps));
        if (momentum > 0.0f) {
            scaled = vf_splat(momentum) * ld(buffer + i, n) + scaled;
            st(buffer + i, scaled, n);
        }
        st(p + i, pv - vf_splat(lr) * scaled, n);
    }
}

void RK_FN(rk_adagrad)(size_t count, float *p, const float *g, float *sum, float lr, float eps, float decay) {
    for (size_t i = 0; i < count; i += RK_LANES) {
        int n = lanes_at(i, count);
        vf pv = ld(p + i, n);
        vf d = RK_DECAYED(ld(g + i, n), pv, decay);
        vf s = ld(sum + i, n) + d * d;
        st(sum + i, s, n);
        st(p + i, pv - vf_splat(lr) * d / (vf_sqrt(s) + vf_splat(eps)), n);
    }
}

#undef RK_DECAYED
