import Foundation

// SIGQUIT (Ctrl-\) does what it does for any program: it ends the process with a
// core dump. (The Swift runtime would otherwise print a backtrace and go on.) The
// dashboard puts the terminal back first; see CTerminal.
signal(SIGQUIT, SIG_DFL)
OpenBLASCore.selectBestCore()
RNNTop.runAndExit()
