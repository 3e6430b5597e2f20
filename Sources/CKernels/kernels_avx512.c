// The kernels for x86-64 CPUs with AVX-512 (F, BW, DQ, VL): sixteen-lane vectors.

#if defined(__x86_64__)

#define RK_LANES 16
#define RK_FN(name) name##_avx512

#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"))), apply_to = function)
#include "impl/all_kernels.h"
#pragma clang attribute pop

#endif
