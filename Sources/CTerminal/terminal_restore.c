#include "terminal_restore.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_mode;
static int saved_mode_valid;
static struct sigaction previous_actions[32];
static int chain_to_previous;
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define FATAL_COUNT (sizeof fatal_signals / sizeof fatal_signals[0])

void term_save_terminal_mode(void) { saved_mode_valid = tcgetattr(STDIN_FILENO, &saved_mode) == 0; }

static void crash_handler(int signal_number) {
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    static const char report[] = "rnntop crashed: this is a bug; please report it with the command line "
                                 "(SWIFT_BACKTRACE=enable=yes shows where)\n";
    if (saved_mode_valid) tcsetattr(STDIN_FILENO, TCSANOW, &saved_mode);
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    if (chain_to_previous) {
        sigaction(signal_number, &previous_actions[signal_number], NULL);
    } else {
        ignored = write(STDERR_FILENO, report, sizeof report - 1);
        signal(signal_number, SIG_DFL);
    }
    (void)ignored;
    raise(signal_number);
}

void term_install_crash_restore(int chain) {
    chain_to_previous = chain;
    for (unsigned i = 0; i < FATAL_COUNT; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = crash_handler;
        sigemptyset(&action.sa_mask);
        sigaction(fatal_signals[i], &action, &previous_actions[fatal_signals[i]]);
    }
}

void term_remove_crash_restore(void) {
    for (unsigned i = 0; i < FATAL_COUNT; i++) sigaction(fatal_signals[i], &previous_actions[fatal_signals[i]], NULL);
}
