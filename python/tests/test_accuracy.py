"""A classifier's accuracy in a PyTorch run's log: each step's (a tensor or a number),
each validation's, and the chance level, where rnntop's own runs put them, so that
the dashboard draws the same accuracy chart for either."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import torch
from torch import nn

from conftest import REPOSITORY, run_rnntop
from rnntop import RunLog

CLASSES = 4


class Classifier(nn.Module):
    """A GRU reading a sequence whose first step names its class."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(CLASSES, 16, batch_first=True)
        self.head = nn.Linear(16, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return self.head(output[:, -1])


def batch(generator: torch.Generator, size: int = 32, steps: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    y = torch.randint(0, CLASSES, (size,), generator=generator)
    x = torch.randn(size, steps, CLASSES, generator=generator) * 0.1
    x[:, 0] += nn.functional.one_hot(y, CLASSES).float()
    return x, y


def test_steps_validations_and_chance_carry_the_accuracy(tmp_path: Path, rnntop: Path) -> None:
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    model, loss_fn = Classifier(), nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    path = tmp_path / "classifier.jsonl"
    given: dict[int, float] = {}
    validations: dict[int, float] = {}
    validation = batch(generator, size=200)
    with RunLog(path, model, loss_fn, task="first step's class", baseline=math.log(CLASSES), chance=1 / CLASSES, total_steps=60) as log:
        for step in range(1, 61):
            x, y = batch(generator)
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            right = (logits.argmax(-1) == y).float().mean()  # a tensor: read when written
            given[step] = right.item()
            log.step(loss, optimizer, batch=(x, y), accuracy=right)
            optimizer.step()
            if step % 20 == 0:
                with torch.no_grad():
                    scores = model(validation[0])
                validations[step] = (scores.argmax(-1) == validation[1]).float().mean().item()
                log.eval(loss_fn(scores, validation[1]).item(), accuracy=validations[step])

    lines = [json.loads(line) for line in path.read_text().splitlines()]
    run = lines[0]
    assert run["task"]["baseline"] == {"loss": pytest.approx(math.log(CLASSES)), "predictor": "given by the training script", "accuracy": 0.25}
    steps = [r for r in lines if r["type"] == "step"]
    assert len(steps) == 60
    for record in steps:
        assert record["accuracy"] == pytest.approx(given[record["step"]], abs=1e-6)
    assert validations[60] > 2 * 0.25, f"the classes are easy: the accuracy leaves chance, {validations}"
    evals = {r["step"]: r["accuracy"] for r in lines if r["type"] == "eval"}
    assert evals == pytest.approx(validations, abs=1e-6)

    schema = json.loads((REPOSITORY / "schema" / "run-log.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for record in lines:
        assert not list(validator.iter_errors(record)), record["type"]
    # rnntop reads them back: the summary sets the last validation's accuracy against chance.
    ended = run_rnntop(rnntop, "replay", str(path)).stdout.splitlines()[-1]
    assert f"(accuracy {validations[60]:.3f}), baseline 1.3863 (accuracy 0.250)" in ended, ended


@pytest.mark.parametrize(
    "call, error, says",
    [
        (lambda log: log.step(torch.tensor(1.0), accuracy=1.5), ValueError, "fraction from 0 to 1, not 1.5"),
        (lambda log: log.step(torch.tensor(1.0), accuracy="high"), TypeError, "not str"),
        (lambda log: log.eval(1.0, accuracy=math.nan), ValueError, "fraction from 0 to 1, not nan"),
    ],
)
def test_an_accuracy_that_is_not_a_fraction_is_named(tmp_path: Path, call: Any, error: type, says: str) -> None:
    model = Classifier()
    model(batch(torch.Generator().manual_seed(0))[0]).sum().backward()
    with RunLog(tmp_path / "run.jsonl", model) as log:
        with pytest.raises(error, match=says):
            call(log)


def test_chance_without_a_baseline_loss_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"baseline=math.log\(V\), chance=1/V"):
        RunLog(tmp_path / "run.jsonl", Classifier(), chance=0.25)
