// A spinning barrier for the threads that share one sequence's time loop. They meet
// once per time step, a few microseconds apart, so waiting in a loop is cheaper than
// sleeping and being woken; after a long wait the thread yields its core.

#include "rnnkernels.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

struct rk_barrier {
    _Atomic unsigned arrived;
    _Atomic unsigned generation;
    unsigned parties;
};

rk_barrier *rk_barrier_create(int parties) {
    rk_barrier *barrier = calloc(1, sizeof *barrier);
    if (barrier) barrier->parties = (unsigned)parties;
    return barrier;
}

void rk_barrier_destroy(rk_barrier *barrier) { free(barrier); }

void rk_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

void rk_barrier_wait(rk_barrier *barrier) {
    unsigned generation = atomic_load_explicit(&barrier->generation, memory_order_acquire);
    if (atomic_fetch_add_explicit(&barrier->arrived, 1, memory_order_acq_rel) + 1 == barrier->parties) {
        atomic_store_explicit(&barrier->arrived, 0, memory_order_relaxed);
        atomic_store_explicit(&barrier->generation, generation + 1, memory_order_release);
        return;
    }
    unsigned spins = 0;
    while (atomic_load_explicit(&barrier->generation, memory_order_acquire) == generation) {
        if (++spins < 20000) rk_cpu_relax();
        else sched_yield();
    }
}
