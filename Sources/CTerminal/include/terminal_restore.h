#ifndef RNNTOP_TERMINAL_RESTORE_H
#define RNNTOP_TERMINAL_RESTORE_H

// Restoring the terminal when the program dies of a signal (a trap in Swift is
// SIGILL or SIGTRAP), with async-signal-safe calls only. Names start with term_.

/// Saves the terminal's mode; call before curses changes it.
void term_save_terminal_mode(void);

/// On SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP: the saved mode is put
/// back, the cursor, the attributes and the normal screen restored; then, with
/// `chain`, the previous handler (Swift's backtracer) runs, otherwise a one-line
/// report is written and the signal ends the process. (Swift's backtracer is
/// interactive on a terminal and would wait for a key.)
void term_install_crash_restore(int chain);

/// Puts the previous handlers back (after curses ended normally).
void term_remove_crash_restore(void);

#endif
