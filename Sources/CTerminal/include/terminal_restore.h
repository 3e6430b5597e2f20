#ifndef RNNTOP_TERMINAL_RESTORE_H
#define RNNTOP_TERMINAL_RESTORE_H

// Restoring the terminal when the program dies of a signal (a trap in Swift is
// SIGILL or SIGTRAP), with async-signal-safe calls only.

/// Saves the terminal's mode; call before curses changes it.
void rk_save_terminal_mode(void);

/// On SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP: the saved mode is put
/// back, the cursor, the attributes and the normal screen restored, and then the
/// previous handler (Swift's backtrace) runs.
void rk_install_crash_restore(void);

/// Puts the previous handlers back (after curses ended normally).
void rk_remove_crash_restore(void);

#endif
