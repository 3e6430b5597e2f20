#ifndef RNNTOP_ALLOCATION_COUNTER_H
#define RNNTOP_ALLOCATION_COUNTER_H

// Counts heap allocations made by the calling thread while counting is on, so a
// test can show that a training step allocates nothing. Linking this target into
// the test binary routes malloc and its relatives through counting wrappers around
// glibc's own allocator.

/// 1 when allocations can be counted (not under a sanitizer, which owns malloc).
int allocation_counter_available(void);

/// Starts counting this thread's allocations from zero.
void allocation_counter_start(void);

/// Stops counting and returns how many allocations this thread made meanwhile.
long allocation_counter_stop(void);

#endif
