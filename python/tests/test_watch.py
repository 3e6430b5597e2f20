"""RunLog.watch: the gradient profile and the probe of recurrent modules RunLog cannot
unroll, from the states the user marks: a cell called once a step, a module that
computes every step at once, and rnntop's own minGRU and minLSTM in either form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import jsonschema
import pytest
import torch
from torch import nn

from conftest import REPOSITORY
from rnntop import MinGRU, MinLSTM, RunLog


def records(path: Path, kind: str) -> list[dict[str, Any]]:
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["type"] == kind]


def one_step(path: Path, model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor], watch: Callable[[RunLog], None], probe: bool = True) -> None:
    """One SGD step of ``model`` on ``batch``, logged with the modules ``watch`` marks; the
    probe is the batch."""
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with RunLog(path, model, loss_fn=loss_fn, probe=batch if probe else None, time_share=float("inf")) as log:
        watch(log)
        loss = loss_fn(model(batch[0]), batch[1])
        loss.backward()
        log.step(loss, optimizer, batch=batch)
        optimizer.step()


class MinRegressor(nn.Module):
    """rnntop's cell and a Linear head on the last step, batch first."""

    def __init__(self, cell: type, layers: int, mode: str) -> None:
        super().__init__()
        self.rnn = cell(2, 6, num_layers=layers, batch_first=True, mode=mode)
        self.head = nn.Linear(6, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(x)[0][:, -1])


def stepwise_gradients(model: MinRegressor, x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
    """‖∂L/∂h_t‖ per layer by autograd through the cells' equations written out a step at a
    time, each h_t a tensor of its own."""
    cell, inputs, states = model.rnn, x.transpose(0, 1), []
    for layer in range(cell.num_layers):
        k = nn.functional.linear(inputs, getattr(cell, f"weight_ih_l{layer}"), getattr(cell, f"bias_ih_l{layer}"))
        h, steps = x.new_zeros(x.shape[0], 6), []
        for k_t in k.unbind(0):
            if isinstance(cell, MinGRU):
                k_z, k_h = k_t.chunk(2, dim=-1)
                z = torch.sigmoid(k_z)
                h = (1 - z) * h + z * torch.where(k_h >= 0, k_h + 0.5, torch.sigmoid(k_h))
            else:
                k_f, k_i, k_h = k_t.chunk(3, dim=-1)
                f, i = torch.sigmoid(k_f), torch.sigmoid(k_i)
                h = f / (f + i) * h + i / (f + i) * torch.where(k_h >= 0, k_h + 0.5, torch.sigmoid(k_h))
            steps.append(h)
        states.append(steps)
        inputs = torch.stack(steps)
    loss = nn.functional.mse_loss(model.head(inputs[-1]), y)
    gradients = torch.autograd.grad(loss, [h for steps in states for h in steps])
    length = x.shape[1]
    return [torch.stack(gradients[l * length : (l + 1) * length]).double().square().sum(dim=(1, 2)).sqrt() for l in range(cell.num_layers)]


@pytest.mark.parametrize("cell", [MinGRU, MinLSTM], ids=["mingru", "minlstm"])
@pytest.mark.parametrize("mode", ["scan", "sequential"])
def test_rnntops_cells_give_every_layers_gradient_through_later_steps(tmp_path: Path, cell: type, mode: str) -> None:
    torch.manual_seed(12)
    # In float64: the scan's float32 gradients are off by 1e-7 of the largest, much of the
    # smallest steps' (see rnntop.cells); the mechanism is exact.
    model = MinRegressor(cell, 2, mode).double()
    x, y = torch.randn(5, 30, 2, dtype=torch.float64), torch.randn(5, 1, dtype=torch.float64)
    expected = stepwise_gradients(model, x, y)
    one_step(tmp_path / "run.jsonl", model, (x, y), lambda log: log.watch(model.rnn))

    (run,) = records(tmp_path / "run.jsonl", "run")
    assert run["model"]["cell"] == cell.__name__.lower() and run["model"]["layers"] == 2
    assert records(tmp_path / "run.jsonl", "event") == [], "no note: the model's layers are watched"
    profile = records(tmp_path / "run.jsonl", "grad_profile")[0]
    assert len(profile["layers"]) == 2
    for logged, reference in zip(profile["layers"], expected):
        assert logged == pytest.approx(reference.tolist(), rel=1e-5)
    # Through later steps, not only what the head takes (the top layer's last step).
    assert min(profile["layers"][1]) > 0

    probe = records(tmp_path / "run.jsonl", "probe")[0]
    assert [(layer["h"]["units"], layer["h"]["steps"]) for layer in probe["layers"]] == [(6, 30)] * 2
    with torch.no_grad():  # the first sequence, with the weights after the update
        h = model.rnn(x[:1])[0][0]
        k = nn.functional.linear(x[0], model.rnn.weight_ih_l0, model.rnn.bias_ih_l0)
    assert probe["layers"][1]["h"]["values"] == pytest.approx(h.t().flatten().tolist(), rel=1e-3, abs=1e-6)
    # The gates as rnntop's engine shows them: sigmoid of each gate, g of the candidate.
    gates = probe["layers"][0]["gates"]
    assert [gate["name"] for gate in gates] == (["z", "h"] if cell is MinGRU else ["f", "i", "h"])
    for block, gate in enumerate(gates):
        pre = k[:, block * 6 : (block + 1) * 6]
        expected = torch.where(pre >= 0, pre + 0.5, torch.sigmoid(pre)) if gate["name"] == "h" else torch.sigmoid(pre)
        assert gate["activations"]["values"] == pytest.approx(expected.t().flatten().tolist(), rel=1e-3, abs=1e-6)
        flat = (expected < 0.05) if gate["name"] == "h" else (expected < 0.1) | (expected > 0.9)
        assert gate["saturation"] == pytest.approx(flat.double().mean().item(), abs=1e-4)


class CellLoop(nn.Module):
    """GRU cells called once a step, one a layer, and a head on the last step: a model
    RunLog cannot unroll, with nn.GRU's weights (time-major input)."""

    def __init__(self, layers: int) -> None:
        super().__init__()
        self.cells = nn.ModuleList(nn.GRUCell(3 if layer == 0 else 8, 8) for layer in range(layers))
        self.head = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states = [x.new_zeros(x.shape[1], 8) for _ in self.cells]
        for step in x.unbind(0):
            for layer, cell in enumerate(self.cells):
                states[layer] = step = cell(step, states[layer])
        return self.head(states[-1])


class Fused(nn.Module):
    def __init__(self, layers: int) -> None:
        super().__init__()
        self.rnn, self.head = nn.GRU(3, 8, layers), nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(x)[0][-1])


def test_cells_called_once_a_step_give_what_rnntop_unrolls_for_the_fused_module(tmp_path: Path) -> None:
    """Two watched GRUCells, layers in the order watched, against nn.GRU with the same
    weights, which RunLog unrolls itself."""
    torch.manual_seed(13)
    looped = CellLoop(2)
    fused = Fused(2)
    with torch.no_grad():
        for layer, cell in enumerate(looped.cells):
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(fused.rnn, f"{kind}_l{layer}").copy_(getattr(cell, kind))
        fused.head.load_state_dict(looped.head.state_dict())
    x, y = torch.randn(25, 4, 3), torch.randn(4, 1)
    one_step(tmp_path / "cells.jsonl", looped, (x, y), lambda log: [log.watch(cell) for cell in looped.cells])
    one_step(tmp_path / "fused.jsonl", fused, (x, y), lambda log: None)

    mine, theirs = records(tmp_path / "cells.jsonl", "grad_profile")[0], records(tmp_path / "fused.jsonl", "grad_profile")[0]
    assert len(mine["layers"]) == 2 and all(len(layer) == 25 for layer in mine["layers"])
    for a, b in zip(mine["layers"], theirs["layers"]):
        assert a == pytest.approx(b, rel=1e-5)
    probe, reference = records(tmp_path / "cells.jsonl", "probe")[0], records(tmp_path / "fused.jsonl", "probe")[0]
    for a, b in zip(probe["layers"], reference["layers"]):
        assert a["h"]["values"] == pytest.approx(b["h"]["values"], rel=1e-3, abs=1e-6)
        assert a["dh"]["values"] == pytest.approx(b["dh"]["values"], rel=1e-3, abs=1e-8)
    assert probe["loss"] == pytest.approx(reference["loss"], rel=1e-6)


class Cumulative(nn.Module):
    """Every step at once: ``h_t = tanh(sum of W x_s for s <= t)``, batch first."""

    def __init__(self) -> None:
        super().__init__()
        self.proj, self.head = nn.Linear(3, 4), nn.Linear(4, 1)
        self.states = nn.Identity()  # the module whose output is the stack of h_t

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.states(torch.tanh(torch.cumsum(self.proj(x), dim=1)))
        return self.head(h[:, -1])


def test_a_stack_of_states_is_read_in_its_layout(tmp_path: Path) -> None:
    """A batch-first stack: its gradient, step by step, is what takes the stack (here the
    head, on the last step only)."""
    torch.manual_seed(14)
    model = Cumulative()
    x, y = torch.randn(6, 9, 3), torch.randn(6, 1)
    one_step(tmp_path / "run.jsonl", model, (x, y), lambda log: log.watch(model.states, states=lambda out: out, batch_first=True))
    (profile,) = records(tmp_path / "run.jsonl", "grad_profile")[:1]
    assert len(profile["layers"]) == 1 and len(profile["layers"][0]) == 9
    assert profile["layers"][0][:8] == [0] * 8 and profile["layers"][0][8] > 0
    probe = records(tmp_path / "run.jsonl", "probe")[0]
    assert (probe["layers"][0]["h"]["units"], probe["layers"][0]["h"]["steps"]) == (4, 9), "the probe is the first sequence"


def test_watch_refuses_what_it_cannot_watch(tmp_path: Path) -> None:
    torch.manual_seed(15)
    model = MinRegressor(MinGRU, 1, "scan")
    lstm = nn.Sequential(nn.LSTM(2, 4))
    with RunLog(tmp_path / "run.jsonl", model, loss_fn=nn.MSELoss()) as log:
        with pytest.raises(ValueError, match="not a module of the model"):
            log.watch(nn.GRUCell(2, 6))
        with pytest.raises(ValueError, match="tells its states itself"):
            log.watch(model.rnn, states=lambda out: out[0])
        with pytest.raises(TypeError, match="states must be a function"):
            log.watch(model.head, states=3)
        log.watch(model.rnn)
        with pytest.raises(ValueError, match="watched already"):
            log.watch(model.rnn)
        x, y = torch.randn(2, 5, 2), torch.randn(2, 1)
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        log.step(loss, batch=(x, y))
        with pytest.raises(RuntimeError, match="before training starts"):
            log.watch(model.head)
    with RunLog(tmp_path / "lstm.jsonl", lstm, loss_fn=nn.MSELoss()) as log:
        with pytest.raises(ValueError, match="RunLog unrolls them itself"):
            log.watch(lstm[0])


def test_a_pass_leaves_the_training_state_as_it_was(tmp_path: Path) -> None:
    torch.manual_seed(16)
    model = MinRegressor(MinLSTM, 2, "scan")
    x, y = torch.randn(3, 12, 2), torch.randn(3, 1)
    loss_fn = nn.MSELoss()
    with RunLog(tmp_path / "run.jsonl", model, loss_fn=loss_fn, probe=(x, y), time_share=float("inf")) as log:
        log.watch(model.rnn)
        loss = loss_fn(model(x), y)
        loss.backward()
        gradients = [p.grad.clone() for p in model.parameters()]
        log.step(loss, batch=(x, y))
        assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), gradients))
        assert model.rnn._state_sink is None and model.training
    assert len(records(tmp_path / "run.jsonl", "grad_profile")) == 1


def test_notes_say_when_nothing_is_watched_or_a_watched_module_did_not_run(tmp_path: Path) -> None:
    torch.manual_seed(17)
    model = MinRegressor(MinGRU, 1, "scan")
    x, y = torch.randn(2, 5, 2), torch.randn(2, 1)
    one_step(tmp_path / "unwatched.jsonl", model, (x, y), lambda log: None, probe=False)
    (note,) = [e["message"] for e in records(tmp_path / "unwatched.jsonl", "event")]
    assert "none is watched (RunLog.watch)" in note
    assert records(tmp_path / "unwatched.jsonl", "grad_profile") == []

    model.spare = nn.GRUCell(1, 1)  # never called
    one_step(tmp_path / "idle.jsonl", model, (x, y), lambda log: [log.watch(model.rnn), log.watch(model.spare)], probe=False)
    notes = [e["message"] for e in records(tmp_path / "idle.jsonl", "event")]
    assert notes == ["spare (GRUCell) is watched but did not run on the pass: no states of it in this log"]
    assert len(records(tmp_path / "idle.jsonl", "grad_profile")[0]["layers"]) == 1


def test_a_watched_runs_log_validates(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads((REPOSITORY / "schema" / "run-log.schema.json").read_text()))
    torch.manual_seed(18)
    model = CellLoop(1)
    x, y = torch.randn(7, 2, 3), torch.randn(2, 1)
    one_step(tmp_path / "run.jsonl", model, (x, y), lambda log: log.watch(model.cells[0]))
    types = set()
    for line in (tmp_path / "run.jsonl").read_text().splitlines():
        record = json.loads(line)
        errors = list(validator.iter_errors(record))
        assert not errors, f"{record['type']}: {errors[0].message}"
        types.add(record["type"])
    assert {"run", "grad_profile", "probe"} <= types
