// Interposes the allocation functions of glibc for the test binary: each forwards to
// glibc's implementation (__libc_malloc and friends) and, on a thread that is
// counting, adds one to that thread's count. free is not interposed: every block
// still comes from glibc's allocator.

#include "allocation_counter.h"

#include <errno.h>
#include <stddef.h>

// Under a sanitizer the sanitizer owns malloc; the counter then stays out of the way
// and says it is unavailable.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define RNNTOP_NO_COUNTING 1
#endif
#endif

#ifdef RNNTOP_NO_COUNTING

int allocation_counter_available(void) { return 0; }
void allocation_counter_start(void) {}
long allocation_counter_stop(void) { return 0; }

#else

int allocation_counter_available(void) { return 1; }

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Thread_local int counting;
static _Thread_local long count;

void allocation_counter_start(void) {
    count = 0;
    counting = 1;
}

long allocation_counter_stop(void) {
    counting = 0;
    return count;
}

static inline void note(void) {
    if (counting) count++;
}

void *malloc(size_t size) {
    note();
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    note();
    return __libc_calloc(n, size);
}

void *realloc(void *pointer, size_t size) {
    note();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    note();
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return ENOMEM;
    *result = pointer;
    return 0;
}

#endif
