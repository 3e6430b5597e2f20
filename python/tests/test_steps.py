"""Step records as a long log keeps them: a record that stands for several steps carries
their loss's and gradient norm's minimum, maximum and mean, so a spike between two kept
records is not lost; about once a second a record says what the process costs."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from conftest import Regressor
from rnntop import RunLog, _usage


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def of(log: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [record for record in log if record["type"] == kind]


def train(model: nn.Module, log: RunLog, losses: list[float], seed: int = 0) -> list[float]:
    """``model`` trained one step per entry of ``losses``, each step logged with that
    loss; the gradient norms the loop saw, as clipping computes them."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(seed)
    norms = []
    for loss_value in losses:
        x, y = torch.randn(4, 5, 3, generator=generator), torch.randn(4, 1, generator=generator)
        optimizer.zero_grad()
        nn.MSELoss()(model(x), y).backward()
        log.step(torch.tensor(loss_value), optimizer)
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), 0.5).item())
        optimizer.step()
    return norms


def model(cell: str, hidden: int) -> nn.Module:
    torch.manual_seed(0)
    return Regressor(cell, 3, hidden, batch_first=True)


def test_a_spike_between_two_kept_records_is_in_the_record_that_stands_for_it(tmp_path: Path) -> None:
    losses = [1.0 - 0.01 * step for step in range(30)]
    losses[14] = 1e6  # step 15, between the records of steps 10 and 20
    path, gru = tmp_path / "run.jsonl", model("gru", 6)
    with RunLog(path, gru, log_every=10) as log:
        norms = train(gru, log, losses)
    steps = of(records(path), "step")
    assert [s["step"] for s in steps] == [10, 20, 30]
    for record, first in zip(steps, (0, 10, 20)):
        span, span_norms = losses[first : first + 10], norms[first : first + 10]
        assert record["steps"] == 10
        assert record["loss"] == pytest.approx(span[-1], rel=1e-7), "the record's own step's loss"
        assert record["loss_min"] == pytest.approx(min(span), rel=1e-7)
        assert record["loss_max"] == pytest.approx(max(span), rel=1e-7)
        assert record["loss_mean"] == pytest.approx(sum(span) / 10, rel=1e-6)
        assert record["grad_norm_min"] == pytest.approx(min(span_norms), rel=1e-5)
        assert record["grad_norm_max"] == pytest.approx(max(span_norms), rel=1e-5)
        assert record["grad_norm_mean"] == pytest.approx(sum(span_norms) / 10, rel=1e-5)
    assert steps[1]["loss_max"] == 1e6 and steps[0]["loss_max"] < 2 and steps[2]["loss_max"] < 2


def test_past_step_1000_one_record_in_10_stands_for_its_steps_and_a_nan_among_them_is_a_divergence(tmp_path: Path) -> None:
    losses = [0.5] * 1034
    losses[1013] = 40.0  # step 1014
    losses[1027] = math.nan  # step 1028
    path, rnn = tmp_path / "run.jsonl", model("rnn-tanh", 2)
    with RunLog(path, rnn) as log:
        train(rnn, log, losses)
    written = records(path)
    steps = of(written, "step")
    assert [s["step"] for s in steps] == list(range(1, 1001)) + [1010, 1020, 1030, 1034]
    assert not any("steps" in s for s in steps[:1000]), "a record that stands for itself says nothing more"
    assert [s["steps"] for s in steps[1000:]] == [10, 10, 10, 4], "the last step's record at close stands for the rest"
    assert steps[1001]["loss_max"] == 40 and steps[1001]["loss"] == 0.5
    assert steps[1002]["loss_min"] == steps[1002]["loss_max"] == steps[1002]["loss_mean"] == "NaN"
    assert steps[1002]["loss"] == 0.5 and steps[1003]["loss_max"] == 0.5
    diverged = [e for e in of(written, "event") if e["name"] == "diverged"]
    assert len(diverged) == 1 and diverged[0]["step"] == 1030
    assert diverged[0]["message"] == "diverged by step 1030 (in the 10 steps it stands for): the loss or the gradient norm is not finite"


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="resident memory as Linux gives it")
def test_step_records_say_what_the_process_costs_and_the_run_its_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_usage.Usage, "interval", 0.0)  # a report with every record
    path, lstm = tmp_path / "run.jsonl", model("lstm", 6)
    with RunLog(path, lstm) as log:
        train(lstm, log, [1.0] * 5)
    written = records(path)
    assert written[0]["device"] == "cpu"
    steps = of(written, "step")
    assert all(s["cpu_percent"] >= 0 for s in steps)
    with open("/proc/self/statm") as statm:
        resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    assert all(0.5 * resident < s["rss_bytes"] < 2 * resident for s in steps), "this process's resident memory"
    assert not any("device_peak_bytes" in s for s in steps), "on a GPU only"


def test_the_process_costs_come_at_most_about_once_a_second(tmp_path: Path) -> None:
    path, gru = tmp_path / "run.jsonl", model("gru", 4)
    with RunLog(path, gru) as log:
        train(gru, log, [1.0] * 20)  # well under a second
    assert not any("cpu_percent" in s for s in of(records(path), "step"))


def test_a_loop_that_gives_the_norm_clipping_computed_gets_the_norms_before_clipping(tmp_path: Path) -> None:
    """``log.step(..., grad_norm=clip_grad_norm_(...))`` after clipping: the step records
    hold the total the loop gave, and each parameter's gradient norm is as it was before
    clipping, though the log reads the gradients after it."""
    path, lstm = tmp_path / "run.jsonl", model("lstm", 6)
    optimizer = torch.optim.SGD(lstm.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(3)
    totals, before = [], []
    with RunLog(path, lstm, log_every=1, time_share=math.inf) as log:
        for _ in range(12):
            x, y = torch.randn(4, 5, 3, generator=generator), torch.randn(4, 1, generator=generator)
            optimizer.zero_grad()
            loss = nn.MSELoss()(lstm(x), y)
            loss.backward()
            before.append([p.grad.norm().item() for p in lstm.parameters()])
            total = nn.utils.clip_grad_norm_(lstm.parameters(), 0.05)  # clips every step here
            totals.append(total.item())
            log.step(loss, optimizer, batch=(x, y), grad_norm=total)
            optimizer.step()
    written = records(path)
    assert [s["grad_norm"] for s in of(written, "step")] == pytest.approx(totals, rel=1e-6)
    assert min(totals) > 0.05, "the test must clip to mean anything"
    details = of(written, "param_norms")
    assert [d["step"] for d in details] == [1, 10, 12]
    for detail in details:
        assert detail["grad"] == pytest.approx(before[detail["step"] - 1], rel=1e-5)


def test_a_grad_norm_of_more_than_one_number_is_refused(tmp_path: Path) -> None:
    gru = model("gru", 4)
    with RunLog(tmp_path / "run.jsonl", gru) as log:
        nn.MSELoss()(gru(torch.randn(2, 5, 3)), torch.zeros(2, 1)).backward()
        with pytest.raises(ValueError, match="grad_norm must be one number"):
            log.step(0.5, grad_norm=torch.ones(3))
