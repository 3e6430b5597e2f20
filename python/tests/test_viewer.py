"""The package's ``rnntop`` command: it runs the bundled binary as if run directly (its
arguments and exit status), falls back to an ``rnntop`` on PATH, says how to get one
when there is none, and needs no PyTorch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPOSITORY

SOURCE = REPOSITORY / "python" / "src"


def run_command(arguments: list[str], bundled: Path, path: str) -> subprocess.CompletedProcess[str]:
    """The command's ``main`` in a process of its own (it replaces the process), with the
    bundled binary at ``bundled`` and ``path`` as PATH."""
    program = (
        "import sys; from pathlib import Path; from rnntop import _viewer; "
        f"_viewer.BUNDLED = Path({str(bundled)!r}); sys.argv = ['rnntop', *{arguments!r}]; _viewer.main()"
    )
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
        env={"PATH": path, "PYTHONPATH": str(SOURCE)},
    )  # fmt: skip


def fake_binary(path: Path, status: int) -> Path:
    """A program that prints its arguments, one a line, and exits with ``status``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done\nexit {status}\n')
    path.chmod(0o755)
    return path


def test_the_bundled_binary_gets_the_arguments_and_gives_its_exit_status(tmp_path: Path) -> None:
    bundled = fake_binary(tmp_path / "_bin" / "rnntop", status=7)
    result = run_command(["replay", "--follow", "a run.jsonl"], bundled, path="/usr/bin:/bin")
    assert result.returncode == 7
    assert result.stdout.splitlines() == ["replay", "--follow", "a run.jsonl"]


def test_without_a_bundled_binary_an_rnntop_on_the_path_runs(tmp_path: Path) -> None:
    fake_binary(tmp_path / "bin" / "rnntop", status=3)
    result = run_command(["--version"], tmp_path / "absent", path=f"{tmp_path / 'empty'}:{tmp_path / 'bin'}:/usr/bin:/bin")
    assert (result.returncode, result.stdout) == (3, "--version\n")


def test_without_any_binary_it_says_how_to_get_the_viewer(tmp_path: Path) -> None:
    result = run_command(["--version"], tmp_path / "absent", path="/usr/bin:/bin")
    assert result.returncode == 1
    assert "has the logger (from rnntop import RunLog)" in result.stderr
    assert "but not the viewer" in result.stderr and "pip install" in result.stderr


def test_the_package_imports_without_pytorch_and_runlog_says_what_it_needs() -> None:
    program = (
        "import sys; sys.modules['torch'] = None\n"  # as if PyTorch were not installed
        "import rnntop, rnntop._viewer\n"
        "print(rnntop.__version__)\n"
        "try:\n    from rnntop import RunLog\nexcept ModuleNotFoundError as error:\n    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env={"PYTHONPATH": str(SOURCE)}
    )
    assert result.returncode == 0, result.stderr
    version, message = result.stdout.splitlines()
    assert f'__version__ = "{version}"' in (SOURCE / "rnntop" / "_version.py").read_text()
    assert message == "rnntop.RunLog needs PyTorch: pip install torch"
