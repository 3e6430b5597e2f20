// Flush-to-zero mode for float arithmetic.
//
// When a model fits its data, gradients shrink below float32's smallest normal
// value (1.2e-38), and arithmetic on those denormal values costs a hundred times
// more on x86: a converged LSTM trained five times slower here. TensorFlow flushes
// them for the same reason. The engine does so during its passes and updates;
// values that small are reported as 0.

#include "rnnkernels.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

unsigned rk_enter_flush_to_zero(void) {
    unsigned saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040);  // FTZ (bit 15) and DAZ (bit 6)
    return saved;
}

void rk_leave_flush_to_zero(unsigned saved) { _mm_setcsr(saved); }

#else

unsigned rk_enter_flush_to_zero(void) { return 0; }
void rk_leave_flush_to_zero(unsigned saved) { (void)saved; }

#endif
