// The kernels for any CPU: four-lane vectors (SSE2 on x86-64, NEON on arm64).

#define RK_LANES 4
#define RK_FN(name) name##_baseline

#include "impl/all_kernels.h"
