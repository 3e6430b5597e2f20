"""The run log's records, built from PyTorch objects and turned into lines."""

from __future__ import annotations

import datetime
import functools
from typing import Any, Optional, Union

import torch
from torch import Tensor, nn

from ._describe import model_record, named_parameters, optimizer_settings
from ._format import dumps, float32, matrix, number
from ._passes import PassResult, RecurrentModules

__all__ = ["end_record", "event", "line", "norms", "probe_layers", "run_record"]


def run_record(
    program: str,
    model: nn.Module,
    modules: RecurrentModules,
    optimizer: Optional[Any],
    batch: Optional[int],
    task: Optional[str],
    baseline: Optional[float],
    total_steps: Optional[int],
    steps_per_epoch: Optional[int],
    every: Optional[int],
    name: Optional[str] = None,
    device: Optional[torch.device] = None,
    chance: Optional[float] = None,
) -> dict[str, Any]:
    """The first record: what the run is (see the schema's ``run``)."""
    seed = torch.initial_seed()  # what torch.manual_seed set, if the script set it
    settings: dict[str, Any] = {"seed": seed}
    if optimizer is not None:
        settings["optimizer"] = optimizer_settings(optimizer)
        if getattr(optimizer, "rnntop_clip", None):
            settings["clip"] = optimizer.rnntop_clip
    if batch is not None:
        settings["batch"] = batch
    if total_steps:
        settings["length"] = {"steps": total_steps}
    task_record: dict[str, Any] = {"summary": task or "a PyTorch training loop"}
    if baseline is not None:
        task_record["baseline"] = {"loss": float(baseline), "predictor": "given by the training script"}
        if chance is not None:
            task_record["baseline"]["accuracy"] = float(chance)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    named = named_parameters(model, modules)
    record: dict[str, Any] = {
        "type": "run",
        "schema": 1,
        "program": program,
        "start": now.isoformat().replace("+00:00", "Z"),
        "seed": seed,
        "settings": settings,
        "task": task_record,
        "model": model_record(model, modules),
        "parameters": sum(p.numel() for _, p in named),
        "parameter_names": [name for name, _ in named],
        "step": 0,
        "steps_per_epoch": steps_per_epoch or 1,
        "total_steps": total_steps or 0,
        "log_every": every or "auto",
    }
    if name:
        record["name"] = name
    if device is not None:
        record["device"] = str(device)
    return record


def event(step: int, name: str, message: str, elapsed: float, old: Optional[float] = None, new: Optional[float] = None) -> dict[str, Any]:
    """Something that happened after ``step``: a learning rate changed, a note, a divergence."""
    return {
        "type": "event",
        "step": step,
        "name": name,
        "old": None if old is None else f"{old:g}",
        "new": None if new is None else f"{new:g}",
        "message": message,
        "source": "program",
        "applied": True,
        "time": round(elapsed, 3),
    }


def norms(tensors: list[Tensor]) -> Tensor:
    """Each tensor's L2 norm, in float64 (on the first tensor's device)."""
    device = tensors[0].device
    return torch.stack([torch.linalg.vector_norm(t.detach().double()).to(device) for t in tensors])


#: The step record's keys, in the order rnntop writes them. Its values are numbers only
#: (or the strings for NaN and the infinities), as rnntop's fast reader of step records
#: expects.
_STEP_KEYS = (
    "step", "epoch", "loss", "accuracy", "lr", "grad_norm", "batch", "seq_per_s", "elapsed",
    "steps", "loss_min", "loss_max", "loss_mean", "grad_norm_min", "grad_norm_max", "grad_norm_mean",
    "cpu_percent", "rss_bytes", "device_peak_bytes",
)  # fmt: skip


def line(record: dict[str, Any], layers: Optional[str] = None) -> str:
    """The record as one line of JSON, its tensors brought to the CPU as float32 values
    (a step record's are numbers already: see :func:`rnntop._host.settle`); ``layers``: a
    probe's matrices, as JSON text already."""
    if record["type"] == "step":  # most of a log: written without the json module
        fields = [f'"{key}":{_text(key, record[key])}' for key in _STEP_KEYS if key in record]
        return '{"type":"step",' + ",".join(fields) + "}"
    plain = {key: _plain(value) for key, value in record.items()}
    return dumps(plain, {"layers": layers} if layers is not None else None)


#: Step record fields that are rounded decimals already (``round(elapsed, 3)``): written as
#: they are, with no float32 rounding to undo.
_DECIMALS = frozenset(("epoch", "elapsed", "cpu_percent"))


def _text(key: str, value: Union[int, float]) -> str:
    if isinstance(value, int):
        return str(value)
    if key in _DECIMALS:
        return repr(value)
    return _rate_text(value) if key == "lr" else number(value)


@functools.lru_cache(maxsize=64)
def _rate_text(value: float) -> str:
    """A learning rate's text: it changes seldom, and each step record has it."""
    return number(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Tensor):
        return float32(value.item()) if value.dim() == 0 else [float32(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return float32(value)
    return value


def probe_layers(result: PassResult) -> str:
    """``[{"layer":0,"h":{..},"c":{..},"dh":{..},"gates":[..]}, ...]``, four digits a value."""
    parts = []
    for index, layer in enumerate(result.probe_layers()):
        units, steps = layer["h"].shape

        def text(values: Tensor) -> str:
            return matrix(units, steps, values.flatten().tolist())

        fields = [f'"layer":{index}', f'"h":{text(layer["h"])}']
        if "c" in layer:
            fields.append(f'"c":{text(layer["c"])}')
        fields.append(f'"dh":{text(layer["dh"])}')
        if "decay" in layer:
            fields.append(f'"decay":{text(layer["decay"])}')
        gates = [
            f'{{"name":"{gate["name"]}","saturation":{round(gate["saturation"], 4)},"activations":{text(gate["activations"])}}}'
            for gate in layer["gates"]
        ]
        fields.append(f'"gates":[{",".join(gates)}]')
        parts.append("{" + ",".join(fields) + "}")
    return "[" + ",".join(parts) + "]"


def end_record(
    reason: str, message: Optional[str], step: int, steps_per_epoch: Optional[int], loss: Any, val_loss: Any, elapsed: float
) -> dict[str, Any]:
    """The last record: how the run ended, and its last figures."""
    record: dict[str, Any] = {"type": "end", "reason": reason, "step": step}
    if steps_per_epoch:
        record["epoch"] = round(step / steps_per_epoch, 4)
    if loss is not None:
        record["loss"] = loss
    if val_loss is not None:
        record["val_loss"] = val_loss
    record["elapsed"] = round(elapsed, 3)
    if message:
        record["message"] = message
    return record
