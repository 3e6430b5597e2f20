#ifndef RNNTOP_THREAD_PRIORITY_H
#define RNNTOP_THREAD_PRIORITY_H

// The drawing thread's priority. Names start with term_.

/// Lowers the calling thread's scheduling priority (a nice value, 0 to 19, higher
/// yields more), leaving the process's other threads as they are: on two cores the
/// dashboard's drawing then gives way to training. Returns 0, or -1 with errno set.
int term_lower_thread_priority(int nice);

#endif
