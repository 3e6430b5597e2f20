"""The ``rnntop`` command of the Python package: runs the rnntop binary.

A binary wheel carries the self-contained viewer as ``rnntop/_bin/rnntop``; the command
replaces itself with it (``os.execv``), so that its arguments, its exit status, its
signals and the terminal are the binary's own, as if it had been run directly. A
package installed from source has no binary: then an ``rnntop`` found further along
``PATH`` (one built from source) runs instead, or the command says how to get one.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import NoReturn, Optional

__all__ = ["main", "find_viewer"]

BUNDLED = Path(__file__).parent / "_bin" / "rnntop"

HOW_TO_GET_ONE = """\
rnntop: this install of the rnntop package has the logger (from rnntop import RunLog)
but not the viewer: it was installed from source, which carries no binary.
To watch runs, either
  - install the binary wheel (Linux x86-64, glibc 2.35 or newer), which Scripts/package.sh
    in rnntop's repository builds: pip install dist/rnntop-*-manylinux_*_x86_64.whl
  - or build rnntop from source (Swift 6) and put it on your PATH:
    ./Scripts/setup.sh && swift build -c release
"""


def find_viewer(path: Optional[str] = None) -> Optional[str]:
    """The binary to run: the bundled one, else another ``rnntop`` on ``path`` (the
    ``PATH`` environment variable by default) that is not this command itself."""
    if os.access(BUNDLED, os.X_OK):
        return str(BUNDLED)
    this = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        found = shutil.which("rnntop", path=folder) if folder else None
        if found and Path(found).resolve() != this and not _is_this_script(Path(found)):
            return found
    return None


def _is_this_script(candidate: Path) -> bool:
    """Whether ``candidate`` is a console script that runs this module (another
    environment's ``rnntop`` command, which would only come back here)."""
    try:
        with open(candidate, "rb") as file:
            return b"rnntop._viewer" in file.read(4096)
    except OSError:
        return False


def main() -> NoReturn:
    viewer = find_viewer()
    if viewer is None:
        sys.stderr.write(HOW_TO_GET_ONE)
        sys.exit(1)
    os.execv(viewer, ["rnntop", *sys.argv[1:]])
