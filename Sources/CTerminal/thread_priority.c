#define _GNU_SOURCE
#include "thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int term_lower_thread_priority(int nice) {
    // On Linux a nice value belongs to a thread: PRIO_PROCESS with a thread id.
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}
