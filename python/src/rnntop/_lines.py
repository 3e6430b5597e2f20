"""An append-only file of whole lines, as rnntop writes its run log."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import sys
import time

__all__ = ["LineFile"]


class LineFile:
    """Lines are buffered and go out in one ``write`` at line boundaries on ``flush``
    (which the log calls at least twice a second) and on ``close`` (then synced). A
    process killed at any moment leaves a file that reads up to its last line.

    A write that fails later (a full disk) stops the log with a note on stderr, not the
    training run.
    """

    interval = 0.5

    def __init__(self, path: str) -> None:
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise type(error)(error.errno, f"cannot write the run log: {error.strerror}", path) from None
        # A regular file is locked before it is emptied: a second RunLog on the same
        # path is refused, rather than interleave its lines with the first one's. A
        # FIFO or a device (/dev/stdout) is written through as it is.
        if stat.S_ISREG(os.fstat(self._fd).st_mode):
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                raise OSError(errno.EBUSY, "cannot write the run log: another RunLog is writing it", path) from None
            os.ftruncate(self._fd, 0)
        self.path = path
        self._lines: list[str] = []
        self.last_flush = time.perf_counter()
        self._broken = False

    def write(self, line: str) -> None:
        """Adds one line (without its newline)."""
        self._lines.append(line)

    def flush(self) -> None:
        self.last_flush = time.perf_counter()
        if not self._lines or self._fd < 0:
            return
        data = ("\n".join(self._lines) + "\n").encode()
        self._lines.clear()
        if self._broken:
            return
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._fd, view) :]
            except InterruptedError:
                continue
            except OSError as error:
                self._broken = True
                print(f"rnntop: the run log {self.path!r} stops here: {os.strerror(error.errno or errno.EIO)}", file=sys.stderr)
                return

    def close(self) -> None:
        if self._fd < 0:
            return
        self.flush()
        try:
            os.fsync(self._fd)
        except OSError:
            pass  # a pipe or a character device: nothing to sync
        os.close(self._fd)
        self._fd = -1
