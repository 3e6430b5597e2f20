"""End to end, as a user watches a PyTorch run: the example script trains and writes its
log while ``rnntop replay --follow`` runs in tmux, and the screen shows the PyTorch
run's loss and gradient profile, moving on as it trains."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

import pytest

from conftest import REPOSITORY


class Tmux:
    """A tmux server of its own running one command in a window of a given size."""

    def __init__(self, command: list[str], width: int, height: int) -> None:
        self.socket = f"rnntop-python-test-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), "env", "LC_ALL=C.UTF-8", "TERM=xterm-256color", *command)

    def _tmux(self, *arguments: str) -> str:
        try:
            return subprocess.run(["tmux", "-u", "-L", self.socket, *arguments], capture_output=True, text=True, check=True).stdout
        except FileNotFoundError:
            pytest.fail("tmux is not installed: Scripts/setup.sh installs it")

    def screen(self) -> list[str]:
        return self._tmux("capture-pane", "-p").splitlines()

    def wait_for(self, what: str, condition: Callable[[list[str]], bool], seconds: float = 60) -> list[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            lines = self.screen()
            if condition(lines):
                return lines
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen:\n" + "\n".join(self.screen()))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def step(lines: list[str]) -> int:
    found = re.search(r"step ([0-9,]+)", lines[0]) if lines else None
    return int(found.group(1).replace(",", "")) if found else 0


def test_replay_follow_shows_a_pytorch_run_while_it_trains(tmp_path: Path, rnntop: Path) -> None:
    log = tmp_path / "run.jsonl"
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY / "python" / "src"), "OMP_NUM_THREADS": "1"}
    script = [sys.executable, str(REPOSITORY / "python" / "examples" / "adding.py"), "--log", str(log), "--steps", "1000000",
              "--hidden", "32", "--eval-every", "50"]  # fmt: skip
    # Ctrl-C reaches the trainer however the tests were started: a shell's background
    # job ignores SIGINT, and a child inherits that.
    trainer = subprocess.Popen(
        script, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    tmux = Tmux([str(rnntop), "replay", "--follow", str(log)], width=100, height=30)
    try:
        first = tmux.wait_for(
            "the PyTorch run's loss and gradient profile",
            lambda s: bool(s)
            and s[0].endswith("● following")
            and "LSTM(32, tanh)" in s[0]
            and step(s) > 0
            and re.search(r"┌ loss\W+[0-9.e+-]+\W+val [0-9.e+-]+", "\n".join(s)) is not None
            # The profile's verdict; its step too when it is older than the step shown.
            and re.search(r"┌ ∂L/∂h_t (by step|step [0-9,]+, [0-9,]+ ago)( +t1/tT \S+)? (healthy|vanishing|exploding)", "\n".join(s)) is not None,
        )
        assert "adding" in first[0] and "adam lr 0.01" in first[0]
        profile = next(i for i, line in enumerate(first) if "┌ ∂L/∂h_t " in line)
        assert any(ch in "".join(first[profile + 1 : profile + 6]) for ch in "▁▂▃▄▅▆▇█"), "bars of the profile"
        assert trainer.poll() is None, "the PyTorch run is still training"
        tmux.wait_for("the run to go on", lambda s: step(s) > step(first) + 20)
    finally:
        trainer.send_signal(signal.SIGINT)  # Ctrl-C: the log ends as interrupted
        trainer.wait(timeout=60)
        tmux.close()
    assert log.read_text().splitlines()[-1].startswith('{"type":"end","reason":"quit"')

