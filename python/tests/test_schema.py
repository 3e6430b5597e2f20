"""Both writers against the log's JSON Schema (schema/run-log.schema.json): every line
of rnntop's logs and of the Python package's validates, and the schema is strict enough
to refuse what the settings looked like before they had a documented shape."""

from __future__ import annotations

import math

import json
from pathlib import Path

import jsonschema
import pytest
import torch
from torch import nn

from conftest import REPOSITORY, Regressor, run_rnntop
from rnntop import RunLog, _usage
from rnntop._inspector import Inspector
from rnntop._passes import RecurrentModules
from rnntop._records import line

SCHEMA = json.loads((REPOSITORY / "schema" / "run-log.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def validate(path: Path) -> list[str]:
    """Every line validated; the record types seen."""
    types = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        record = json.loads(line)
        errors = sorted(VALIDATOR.iter_errors(record), key=lambda e: e.path)
        assert not errors, f"{path.name} line {number} ({record.get('type')}): {errors[0].message} at {list(errors[0].absolute_path)}"
        types.append(record["type"])
    return types


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    old = {"type": "run", "schema": 1, "settings": {"training": {"length": {"steps": {"_0": 3}}}}}
    assert list(VALIDATOR.iter_errors(old)), "the derived coding rnntop 0.7 wrote does not pass"
    assert not list(VALIDATOR.iter_errors({"type": "my_record", "anything": [1, 2]})), "other programs' records pass"


def test_rnntops_logs_validate(tmp_path: Path, rnntop: Path) -> None:
    adding = tmp_path / "adding.jsonl"
    process = run_rnntop(
        rnntop, "--task", "adding", "--cell", "lstm", "--layers", "2", "--hidden", "16", "--steps", "120", "--eval-every", "40",
        "--headless", "--log", str(adding), "--checkpoint", str(tmp_path / "run.ckpt"), "--save-weights", str(tmp_path / "w.safetensors"),
    )  # fmt: skip
    assert process.returncode == 0
    types = validate(adding)
    assert {"run", "step", "eval", "grad_profile", "param_norms", "probe", "event", "checkpoint", "end"} <= set(types)

    text = tmp_path / "text.jsonl"
    run_rnntop(rnntop, "--task", "text", "--data", str(REPOSITORY / "Tests" / "Fixtures" / "data" / "hamlet.txt"), "--steps", "20",
               "--hidden", "16", "--headless", "--log", str(text))  # fmt: skip
    assert "sample" in validate(text)


def test_the_python_packages_logs_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_usage.Usage, "interval", 0.0)  # what the process costs, with every step record
    torch.manual_seed(0)
    model = Regressor("gru", 3, 8, layers=2, batch_first=True)
    model.extra = nn.LSTM(3, 4, bidirectional=True)  # cannot be unrolled: a note
    x, y = torch.randn(6, 10, 3), torch.randn(6, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 5)
    path = tmp_path / "python.jsonl"
    with pytest.raises(ZeroDivisionError):
        with RunLog(path, model, loss_fn=nn.MSELoss(), probe=(x, y), task="check: the schema", baseline=1.0, total_steps=12,
                    steps_per_epoch=4, log_every=2, time_share=math.inf) as log:  # fmt: skip
            for step in range(12):
                optimizer.zero_grad()
                loss = nn.MSELoss()(model(x), y)
                loss.backward()
                log.step(loss if step != 7 else torch.tensor(float("nan")), optimizer, batch=(x, y))
                optimizer.step()
                scheduler.step()
                if step == 5:
                    log.eval(0.5)
            raise ZeroDivisionError("the loop broke")
    types = validate(path)
    assert {"run", "step", "eval", "grad_profile", "param_norms", "probe", "event", "end"} <= set(types)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["device"] == "cpu"
    steps = [r for r in records if r["type"] == "step"]
    assert {"steps", "loss_min", "loss_max", "loss_mean", "grad_norm_min", "grad_norm_max", "grad_norm_mean"} <= set(steps[0])
    assert all("cpu_percent" in r and "rss_bytes" in r for r in steps)
    assert records[-1]["reason"] == "error" and records[-1]["message"] == "ZeroDivisionError: the loop broke"
    events = {r["name"] for r in records if r["type"] == "event"}
    assert events == {"note", "lr", "diverged"}


def test_a_profile_of_part_of_the_batch_validates() -> None:
    torch.manual_seed(0)
    model = Regressor("lstm", 3, 8, batch_first=True)
    x, y = torch.randn(6, 10, 3), torch.randn(6, 1)
    inspector = Inspector(model, RecurrentModules(model), nn.MSELoss(), None, 0.02, set())
    inspector.profile(1, (x, y), horizon=1e-9)
    record = inspector.profile(10, (x, y), horizon=1e-9)  # a pass due every nanosecond: one sequence
    assert record is not None and record["sequences"] == 1
    assert not list(VALIDATOR.iter_errors(json.loads(line(record))))
    assert list(VALIDATOR.iter_errors({"type": "grad_profile", "step": 1, "layers": [[1.0]], "sequences": 0})), "at least one sequence"
