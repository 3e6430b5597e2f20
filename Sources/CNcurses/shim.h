#ifndef RNNTOP_CNCURSES_SHIM_H
#define RNNTOP_CNCURSES_SHIM_H

// Every name here starts with ncs_ (ncurses shim); the kernels use rk_, the crash
// restore term_.
// ncursesw with wide characters, and functions for what Swift cannot import or
// Swift 6 refuses (macros, mutable globals, variadic functions).

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <langinfo.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static inline WINDOW *ncs_stdscr(void) { return stdscr; }
static inline int ncs_lines(void) { return LINES; }
static inline int ncs_cols(void) { return COLS; }
static inline int ncs_colors(void) { return COLORS; }
static inline int ncs_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *ncs_stdout(void) { return stdout; }
static inline FILE *ncs_stdin(void) { return stdin; }
static inline attr_t ncs_a_bold(void) { return A_BOLD; }
static inline attr_t ncs_a_dim(void) { return A_DIM; }
static inline attr_t ncs_a_reverse(void) { return A_REVERSE; }
static inline attr_t ncs_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ncs_a_normal(void) { return A_NORMAL; }
static inline int ncs_key_resize(void) { return KEY_RESIZE; }
static inline int ncs_key_up(void) { return KEY_UP; }
static inline int ncs_key_down(void) { return KEY_DOWN; }
static inline int ncs_key_left(void) { return KEY_LEFT; }
static inline int ncs_key_right(void) { return KEY_RIGHT; }
static inline int ncs_key_home(void) { return KEY_HOME; }
static inline int ncs_key_end(void) { return KEY_END; }
static inline int ncs_key_btab(void) { return KEY_BTAB; }
static inline int ncs_key_ppage(void) { return KEY_PPAGE; }
static inline int ncs_key_npage(void) { return KEY_NPAGE; }
static inline int ncs_key_code_yes(void) { return KEY_CODE_YES; }
static inline int ncs_err(void) { return ERR; }

/// Puts one wide character with attributes and an extended colour pair at (y, x).
static inline int ncs_put(WINDOW *window, int y, int x, wchar_t character, attr_t attributes, int pair) {
    cchar_t cell;
    wchar_t text[2] = {character, 0};
    setcchar(&cell, text, attributes, 0, &pair);
    return mvwadd_wch(window, y, x, &cell);
}

/// Whether the locale's character set is UTF-8 (after setlocale).
static inline int ncs_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

#endif
