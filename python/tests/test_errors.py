"""Bad use gets a clear exception that says what is wrong, and the log stays whole:
whatever happens, every line of it is a JSON record and it ends as the script did."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from torch import nn

from conftest import REPOSITORY, Regressor, run_rnntop
from rnntop import RunLog


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def model() -> nn.Module:
    torch.manual_seed(0)
    return Regressor("lstm", 3, 8, batch_first=True)


def test_a_path_that_cannot_be_written(tmp_path: Path, model: nn.Module) -> None:
    with pytest.raises(FileNotFoundError, match="cannot write the run log: No such file or directory: '.*/missing/run.jsonl'"):
        RunLog(tmp_path / "missing" / "run.jsonl", model)
    with pytest.raises(IsADirectoryError, match="cannot write the run log"):
        RunLog(tmp_path, model)


def test_arguments_of_the_wrong_kind(tmp_path: Path, model: nn.Module) -> None:
    with pytest.raises(TypeError, match="model must be a torch.nn.Module, not str"):
        RunLog(tmp_path / "run.jsonl", "model")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="loss_fn must be callable"):
        RunLog(tmp_path / "run.jsonl", model, loss_fn="mse")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="total_steps must be a whole number of at least 1, not 0"):
        RunLog(tmp_path / "run.jsonl", model, total_steps=0)
    with pytest.raises(TypeError, match="probe must be a pair \\(x, y\\)"):
        RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=torch.zeros(2, 5, 3))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RunLog: baseline must be a finite number .*, not 'abc'"):
        RunLog(tmp_path / "run.jsonl", model, baseline="abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RunLog: task must be a string, not int"):
        RunLog(tmp_path / "run.jsonl", model, task=3)  # type: ignore[arg-type]


def test_a_wrong_optimizer_is_named_and_the_log_still_replays(tmp_path: Path, model: nn.Module, rnntop: Path) -> None:
    path = tmp_path / "run.jsonl"
    log = RunLog(path, model, loss_fn=nn.MSELoss())
    x, y = torch.randn(4, 5, 3), torch.randn(4, 1)
    nn.MSELoss()(model(x), y).backward()
    with pytest.raises(TypeError, match="RunLog.step: optimizer must be a torch.optim.Optimizer, not dict"):
        log.step(torch.tensor(0.5), {"lr": 0.1})  # type: ignore[arg-type]
    log.close("error", "a wrong optimizer")
    assert [record["type"] for record in lines(path)] == ["run", "end"]
    run_rnntop(rnntop, "replay", str(path))


def test_a_second_runlog_on_the_same_path_is_refused(tmp_path: Path, model: nn.Module) -> None:
    path = tmp_path / "run.jsonl"
    with RunLog(path, model, loss_fn=nn.MSELoss()) as first:
        x, y = torch.randn(4, 5, 3), torch.randn(4, 1)
        nn.MSELoss()(model(x), y).backward()
        first.step(torch.tensor(0.5))
        with pytest.raises(OSError, match="another RunLog is writing it"):
            RunLog(path, model)
    assert [record["type"] for record in lines(path)][0] == "run", "the first log is whole"
    RunLog(path, model).close()  # free again once the first is closed


def test_a_probe_the_model_refuses(tmp_path: Path, model: nn.Module) -> None:
    x, y = torch.randn(4, 10, 5), torch.randn(4, 1)  # 5 features; the LSTM takes 3
    with pytest.raises(ValueError, match=r"the probe \(x of shape \(4, 10, 5\) and y of shape \(4, 1\)\) is refused by the model or loss_fn"):
        RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=(x, y))
    with pytest.raises(ValueError, match="loss_fn must give one number, not a tensor of shape \\(4, 1\\)"):
        RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(reduction="none"), probe=(torch.randn(4, 10, 3), y))
    assert model.training, "the check leaves the model's mode alone"


def test_step_before_backward_and_after_close(tmp_path: Path, model: nn.Module) -> None:
    x, y = torch.randn(4, 10, 3), torch.randn(4, 1)
    log = RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss())
    with pytest.raises(RuntimeError, match=r"step\(\) was called before loss.backward\(\): no parameter of the model has a gradient yet"):
        log.step(nn.MSELoss()(model(x), y))
    nn.MSELoss()(model(x), y).backward()
    with pytest.raises(TypeError, match="batch must be a pair"):
        log.step(1.0, batch=x)  # type: ignore[arg-type]
    log.step(1.0, batch=(x, y))
    log.close()
    with pytest.raises(RuntimeError, match=r"RunLog.step\(\) after close\(\)"):
        log.step(1.0)
    written = lines(tmp_path / "run.jsonl")
    assert [r["type"] for r in written][0] == "run" and written[-1] == {**written[-1], "type": "end", "reason": "done", "step": 1}


SCRIPT = """
import sys, torch
from torch import nn
sys.path[:0] = [{src!r}, {tests!r}]
from conftest import Regressor
from rnntop import RunLog
torch.manual_seed(0)
model = Regressor("gru", 3, 8, batch_first=True)
x, y = torch.randn(4, 10, 3), torch.randn(4, 1)
log = RunLog(sys.argv[1], model, loss_fn=nn.MSELoss(), probe=(x, y))
for step in range(1, 1_000_000):
    model.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    log.step(loss, batch=(x, y))
    if step == 30 and sys.argv[2] == "raise":
        raise RuntimeError("out of data")
    if step == 30 and sys.argv[2] == "interrupt":
        raise KeyboardInterrupt
    if step == 30 and sys.argv[2] == "flush":
        log.flush()
        print("flushed", flush=True)
"""


def script(tmp_path: Path) -> Path:
    path = tmp_path / "train.py"
    path.write_text(SCRIPT.format(src=str(REPOSITORY / "python" / "src"), tests=str(REPOSITORY / "python" / "tests")))
    return path


@pytest.mark.parametrize("how,reason,message", [("raise", "error", "RuntimeError: out of data"), ("interrupt", "quit", "interrupted (KeyboardInterrupt)")])
def test_a_script_that_dies_without_close_still_ends_its_log(tmp_path: Path, how: str, reason: str, message: str) -> None:
    log = tmp_path / "run.jsonl"
    result = subprocess.run([sys.executable, str(script(tmp_path)), str(log), how], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    written = lines(log)
    assert written[-1]["type"] == "end" and written[-1]["reason"] == reason and written[-1]["message"] == message
    assert written[-1]["step"] == 30 and len([r for r in written if r["type"] == "step"]) == 30


def test_a_killed_run_leaves_a_log_that_replays(tmp_path: Path, rnntop: Path) -> None:
    log = tmp_path / "run.jsonl"
    process = subprocess.Popen([sys.executable, str(script(tmp_path)), str(log), "flush"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "flushed\n"
        time.sleep(0.7)  # more steps, and a flush of them (twice a second)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    written = lines(log)  # every line whole
    assert written[0]["type"] == "run" and written[-1]["type"] != "end"
    replay = run_rnntop(rnntop, "replay", str(log))
    assert "no end record" in replay.stdout and f"to step {max(r['step'] for r in written if r['type'] == 'step'):,}" in replay.stdout
