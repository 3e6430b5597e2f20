// The kernels for x86-64 CPUs with AVX2 and FMA: eight-lane vectors.

#if defined(__x86_64__)

#define RK_LANES 8
#define RK_FN(name) name##_avx2

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "impl/all_kernels.h"
#pragma clang attribute pop

#endif
