"""RunLog in a real training loop: the records and their schedules, the training left
exactly as it would be without the log, and what a scheduler, a divergence and the
end of a script leave in the log."""

from __future__ import annotations

import math

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from conftest import Regressor
from rnntop import RunLog


def records(path: Path) -> list[dict[str, Any]]:
    text = path.read_text()
    assert text.endswith("\n"), "every line is written whole"
    return [json.loads(line) for line in text.splitlines()]


def of(log: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [record for record in log if record["type"] == kind]


def batches(count: int, seed: int = 0, size: int = 16, steps: int = 12) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    return [(torch.randn(size, steps, 3, generator=generator), torch.randn(size, 1, generator=generator)) for _ in range(count)]


def train(model: nn.Module, data: list, log: RunLog | None = None, scheduler_step: int = 0) -> torch.optim.Optimizer:
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, scheduler_step, gamma=0.1) if scheduler_step else None
    for step, (x, y) in enumerate(data, start=1):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        if log is not None:
            log.step(loss, optimizer, batch=(x, y))
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if log is not None and step % 25 == 0:
            log.eval(loss.item())
    return optimizer


def test_a_training_loop_writes_every_record_on_rnntops_schedule(tmp_path: Path) -> None:
    torch.manual_seed(1)
    model = Regressor("lstm", 3, 16, layers=2, batch_first=True)
    probe = batches(1, seed=9, size=4)[0]
    log = RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=probe, task="noise: random targets", baseline=1.0,
                 total_steps=60, time_share=math.inf, name="lstm x2")  # fmt: skip
    with log:
        train(model, batches(60), log, scheduler_step=40)
    written = records(tmp_path / "run.jsonl")

    run = written[0]
    assert run["type"] == "run" and run["schema"] == 1 and run["program"].startswith("rnntop-python ")
    assert run["name"] == "lstm x2", "what replay and plot call it among several logs"
    assert run["parameter_names"] == [name for name, _ in model.named_parameters()]
    assert run["parameters"] == sum(p.numel() for p in model.parameters())
    assert run["settings"]["optimizer"]["name"] == "sgd" and run["settings"]["optimizer"]["momentum"] == 0.9
    assert run["settings"]["batch"] == 16 and run["settings"]["length"] == {"steps": 60}
    assert run["seed"] == run["settings"]["seed"] == 1, "torch.manual_seed's"
    assert run["model"]["cell"] == "lstm" and run["model"]["hidden"] == 16 and run["model"]["layers"] == 2
    assert run["task"] == {"summary": "noise: random targets", "baseline": {"loss": 1.0, "predictor": "given by the training script"}}

    steps = of(written, "step")
    assert [s["step"] for s in steps] == list(range(1, 61))
    assert all(s["batch"] == 16 and s["grad_norm"] > 0 and s["seq_per_s"] >= 0 for s in steps)
    assert [s["lr"] for s in steps] == pytest.approx([0.05] * 40 + [0.005] * 20)
    assert [e["step"] for e in of(written, "eval")] == [25, 50]
    changes = [e for e in of(written, "event") if e["name"] == "lr"]
    assert [(e["step"], e["old"], e["new"]) for e in changes] == [(40, "0.05", "0.005")]

    # With the whole loop's time to spend, the passes come exactly on rnntop's schedule.
    assert [r["step"] for r in of(written, "grad_profile")] == [1, 10, 20, 30, 40, 50, 60]
    assert [r["step"] for r in of(written, "param_norms")] == [1, 10, 20, 30, 40, 50, 60]
    assert [r["step"] for r in of(written, "probe")] == [1, 2, 5, 10, 20, 50, 60]
    profile = of(written, "grad_profile")[0]["layers"]
    assert len(profile) == 2 and all(len(layer) == 12 and all(v > 0 for v in layer) for layer in profile)
    norms = of(written, "param_norms")[0]
    assert len(norms["grad"]) == len(norms["weight"]) == len(run["parameter_names"])
    probe_layers = of(written, "probe")[0]["layers"]
    assert [layer["layer"] for layer in probe_layers] == [0, 1]
    for layer in probe_layers:
        for matrix in [layer["h"], layer["c"], layer["dh"]] + [g["activations"] for g in layer["gates"]]:
            assert (matrix["units"], matrix["steps"]) == (16, 12) and len(matrix["values"]) == 16 * 12
        assert [g["name"] for g in layer["gates"]] == ["i", "f", "g", "o"]
        assert all(0 <= g["saturation"] <= 1 for g in layer["gates"])

    end = written[-1]
    assert end["type"] == "end" and end["reason"] == "done" and end["step"] == 60
    assert end["loss"] == steps[-1]["loss"] and end["val_loss"] == of(written, "eval")[-1]["loss"]


def test_the_training_is_exactly_what_it_would_be_without_the_log(tmp_path: Path) -> None:
    def run(with_log: bool) -> tuple[list[torch.Tensor], torch.Tensor, list[bool]]:
        torch.manual_seed(5)
        model = Regressor("gru", 3, 16, layers=2, dropout=0.3, batch_first=True)  # dropout draws random numbers
        model.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(16, 1))
        log = RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=batches(1, seed=3)[0], time_share=math.inf) if with_log else None
        train(model, batches(30), log)
        if log is not None:
            log.close()
        modes = [m.training for m in model.modules()]
        return [p.detach().clone() for p in model.parameters()], torch.rand(3), modes

    plain, plain_draw, plain_modes = run(False)
    logged, logged_draw, logged_modes = run(True)
    assert len(of(records(tmp_path / "run.jsonl"), "grad_profile")) == 4
    assert all(torch.equal(a, b) for a, b in zip(plain, logged)), "bit for bit the same weights"
    assert torch.equal(plain_draw, logged_draw), "the random number generator goes on as it would have"
    assert plain_modes == logged_modes and all(plain_modes)


def test_a_step_leaves_the_gradients_and_modes_as_they_were(tmp_path: Path) -> None:
    torch.manual_seed(2)
    model = Regressor("lstm", 3, 8, batch_first=True)
    model.head.eval()  # a mixed mode, which the passes must put back
    x, y = batches(1)[0]
    nn.MSELoss()(model(x), y).backward()
    before = [p.grad.clone() for p in model.parameters()]
    with RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=(x, y)) as log:
        log.step(torch.tensor(1.0), batch=(x, y))  # step 1: a gradient profile
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), before))
    assert model.training and model.rnn.training and not model.head.training


def test_a_divergence_is_an_event_once(tmp_path: Path) -> None:
    model = Regressor("rnn-tanh", 3, 4, batch_first=True)
    x, y = batches(1)[0]
    with RunLog(tmp_path / "run.jsonl", model) as log:
        for loss in (1.0, float("nan"), float("inf")):
            model.zero_grad()
            nn.MSELoss()(model(x), y).backward()
            log.step(loss)
    written = records(tmp_path / "run.jsonl")
    assert [s["loss"] for s in of(written, "step")] == [1, "NaN", "Infinity"]
    diverged = [e for e in of(written, "event") if e["name"] == "diverged"]
    assert len(diverged) == 1 and diverged[0]["step"] == 2
    notes = [e["message"] for e in of(written, "event") if e["name"] == "note"]
    assert notes == ["no loss_fn was given: no gradient profile or probe in this log"]


def test_a_tiny_budget_spaces_the_passes_out(tmp_path: Path) -> None:
    torch.manual_seed(4)
    model = Regressor("gru", 3, 8, batch_first=True)
    with RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=batches(1)[0], time_share=1e-9) as log:
        train(model, batches(40), log)
    written = records(tmp_path / "run.jsonl")
    # The first passes and those of the last step (at close: total_steps was not given)
    # cost nothing of the budget; nothing else fits it.
    assert [r["step"] for r in of(written, "grad_profile")] == [1, 40]
    assert [r["step"] for r in of(written, "probe")] == [1, 40]
    assert [r["step"] for r in of(written, "param_norms")] == [1, 40]
    assert len(of(written, "step")) == 40


class Mixed(nn.Module):
    """A bidirectional LSTM (which cannot be unrolled) under a GRU (which can), and an
    LSTM with a projection that runs on packed sequences."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.LSTM(3, 4, batch_first=True, bidirectional=True)
        self.decoder = nn.GRU(8, 6, batch_first=True)
        self.projected = nn.LSTM(3, 8, batch_first=True, proj_size=2)
        self.packed = nn.GRU(3, 5, batch_first=True)
        self.head = nn.Linear(6 + 2 + 5, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        encoded, _ = self.encoder(x)
        decoded, _ = self.decoder(encoded)
        projected, _ = self.projected(x)
        lengths = torch.full((x.shape[0],), x.shape[1])
        _, packed = self.packed(nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True))
        return self.head(torch.cat((decoded[:, -1], projected[:, -1], packed[-1]), dim=1))


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
def test_modules_that_cannot_be_unrolled_are_said_once_and_the_rest_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    torch.manual_seed(6)
    model = Mixed()
    with RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss(), probe=batches(1, size=2)[0], time_share=math.inf) as log:
        train(model, batches(20), log)
    written = records(tmp_path / "run.jsonl")
    notes = [e["message"] for e in of(written, "event") if e["name"] == "note"]
    assert notes == [
        "encoder (LSTM) cannot be unrolled: it is bidirectional",
        "projected (LSTM) cannot be unrolled: it has a projection (proj_size)",
        "packed (GRU) cannot be unrolled: it was given a packed sequence",  # seen in the first pass
    ]
    said = capsys.readouterr().err.splitlines()
    assert said == [f"rnntop: {note}" for note in notes], "each once on stderr too"
    assert len(of(written, "step")) == 20 and written[-1]["type"] == "end"
    # The GRU in between is unrolled: its one layer in every profile and probe.
    assert [len(r["layers"]) for r in of(written, "grad_profile")] == [1, 1, 1]
    assert all(len(r["layers"][0]) == 12 for r in of(written, "grad_profile"))
    assert [[g["name"] for g in r["layers"][0]["gates"]] for r in of(written, "probe")][0] == ["r", "z", "n"]
    assert written[0]["model"]["cell"] == "gru" and [m["unrolled"] for m in written[0]["model"]["modules"]] == [False, True, False, True]
