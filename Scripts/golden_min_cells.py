#!/usr/bin/env python3
"""Writes PyTorch's float64 reference cases for rnntop's minGRU and minLSTM cells into
Tests/Fixtures/golden, in the format of the other cases there (see its README.md).

The values come from ``rnntop.cells`` (python/src) in its sequential form, a loop over
the steps with every ``h_t`` a tensor of its own, so that ∂L/∂h_t through every later
step is autograd's gradient of that tensor; ``torch_check`` says how far the paper's
log-space scan is from it. The min cells have no activation to choose: ``activation`` is
"tanh" as in the other files, and the cells ignore it.

    python Scripts/golden_min_cells.py            # writes the five files
    python Scripts/golden_min_cells.py --check    # says whether the files hold these values
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Optional

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "python" / "src"))

import torch  # noqa: E402
from torch import Tensor, nn  # noqa: E402

from rnntop.cells import MinGRU, MinLSTM  # noqa: E402

GOLDEN = REPOSITORY / "Tests" / "Fixtures" / "golden"
CELLS = {"mingru": MinGRU, "minlstm": MinLSTM}

#: (name, cell, input, hidden, layers, steps, batch, h0, loss, seed): h0 "positive" (the
#: scan takes its log) or "zero"; loss "dout" (every step), "last" (dout on the last step
#: only) or "head" (MSE of a Linear head on the last step).
CASES = [
    ("mingru_basic", "mingru", 3, 4, 1, 5, 2, "positive", "dout", 101),
    ("minlstm_basic", "minlstm", 3, 4, 1, 5, 2, "zero", "dout", 102),
    ("mingru_2layer", "mingru", 3, 4, 2, 4, 2, "positive", "dout", 103),
    ("minlstm_regression_head", "minlstm", 1, 5, 1, 10, 4, "positive", "head", 104),
    ("mingru_long", "mingru", 2, 8, 1, 60, 1, "zero", "last", 105),
]

HEAD_LOSS = "mean over batch and outputs of (output[T-1] @ head_weight^T + head_bias - target)^2 (MSE on the last step)"


def tensor(value: Tensor) -> dict[str, Any]:
    return {"shape": list(value.shape), "data": value.detach().flatten().tolist()}


def forward(module: nn.Module, x: Tensor, h0: Tensor, head: Optional[nn.Linear], dout: Optional[Tensor], target: Optional[Tensor]) -> dict[str, Any]:
    """The output, last state, loss, each layer's per-step states (when the module runs
    sequentially), and the head's prediction."""
    states: dict[int, list[Tensor]] = {}
    module._state_sink = lambda layer, steps, decays, k: states.__setitem__(layer, steps)
    try:
        output, h_n = module(x, h0)
    finally:
        module._state_sink = None
    if head is not None:
        prediction = head(output[-1])
        loss = (prediction - target).square().mean()
    else:
        prediction, loss = None, (output * dout).sum()
    return {"output": output, "h_n": h_n, "loss": loss, "states": states, "prediction": prediction}


def case(name: str, cell: str, inputs: int, hidden: int, layers: int, steps: int, batch: int, start: str, loss_kind: str, seed: int) -> dict[str, Any]:
    torch.manual_seed(seed)
    module = CELLS[cell](inputs, hidden, layers, mode="sequential").double()
    head = nn.Linear(hidden, 1).double() if loss_kind == "head" else None
    x = (torch.rand(steps, batch, inputs, dtype=torch.float64) * 2 - 1).requires_grad_()
    h0 = torch.rand(layers, batch, hidden, dtype=torch.float64) * 0.5 + 0.05 if start == "positive" else torch.zeros(layers, batch, hidden, dtype=torch.float64)
    h0.requires_grad_()
    dout = target = None
    if loss_kind == "head":
        target = torch.rand(batch, 1, dtype=torch.float64)
    else:
        dout = torch.randn(steps, batch, hidden, dtype=torch.float64)
        if loss_kind == "last":
            dout[:-1] = 0

    ran = forward(module, x, h0, head, dout, target)
    parameters = dict(module.named_parameters())
    if head is not None:
        parameters.update(head_weight=head.weight, head_bias=head.bias)
    step_states = [h for layer in range(layers) for h in ran["states"][layer]]
    gradients = torch.autograd.grad(ran["loss"], [*parameters.values(), x, h0, *step_states])
    named = dict(zip([*parameters, "x", "h0"], gradients))
    per_step = gradients[len(parameters) + 2 :]
    dl_dh = {f"l{layer}": torch.stack(per_step[layer * steps : (layer + 1) * steps]) for layer in range(layers)}

    # The scan on the same weights and inputs: how far its values and gradients are.
    module.mode = "scan"
    scanned = forward(module, x, h0, head, dout, target)
    scan_gradients = torch.autograd.grad(scanned["loss"], [*parameters.values(), x, h0])
    pairs = [(ran["output"], scanned["output"]), (ran["h_n"], scanned["h_n"]), (ran["loss"], scanned["loss"]), *zip(gradients, scan_gradients)]
    difference = max((a - b).abs().max().item() for a, b in pairs)

    record: dict[str, Any] = {
        "name": name, "cell": cell, "activation": "tanh", "input_size": inputs, "hidden_size": hidden, "num_layers": layers,
        "seq_len": steps, "batch": batch,
        "torch_check": f"sequential form (a loop over t); the log-space scan form agrees (max abs diff {difference:.1e})",
        "params": {key: tensor(value) for key, value in module.named_parameters()},
        "x": tensor(x), "h0": tensor(h0), "output": tensor(ran["output"]), "h_n": tensor(ran["h_n"]),
    }  # fmt: skip
    if head is not None:
        record.update(
            loss_definition=HEAD_LOSS, head_weight=tensor(head.weight), head_bias=tensor(head.bias), target=tensor(target),
            prediction=tensor(ran["prediction"]),
        )  # fmt: skip
    else:
        record.update(loss_definition="sum(output * dout)", dout=tensor(dout))
    record["loss"] = ran["loss"].item()
    record["grads"] = {key: tensor(value) for key, value in named.items()}
    record["dL_dh"] = {key: tensor(value) for key, value in dl_dh.items()}
    record["dL_dh_norm"] = {key: value.square().sum(dim=(1, 2)).sqrt().tolist() for key, value in dl_dh.items()}
    if head is not None:
        record.update(optimizer_sections(parameters, {key: named[key] for key in parameters}))
    return record


def optimizer_sections(parameters: dict[str, Tensor], gradients: dict[str, Tensor]) -> dict[str, Any]:
    """Clipping by global norm to a third of the norm (torch's clip_grad_norm_), one Adam
    step and two SGD-with-momentum steps from the unclipped gradients, as the other head
    cases hold them."""

    def copies() -> dict[str, Tensor]:
        return {key: value.detach().clone().requires_grad_() for key, value in parameters.items()}

    norm = torch.sqrt(sum(g.square().sum() for g in gradients.values())).item()
    clipped = copies()
    for key, value in clipped.items():
        value.grad = gradients[key].clone()
    torch.nn.utils.clip_grad_norm_(list(clipped.values()), norm / 3)
    adam = copies()
    optimizer = torch.optim.Adam(adam.values(), lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    for key, value in adam.items():
        value.grad = gradients[key].clone()
    optimizer.step()
    sgd = copies()
    optimizer = torch.optim.SGD(sgd.values(), lr=0.1, momentum=0.9)
    for _ in range(2):
        for key, value in sgd.items():
            value.grad = gradients[key].clone()
        optimizer.step()
    return {
        "grad_global_norm": norm,
        "clip_max_norm": norm / 3,
        "clipped_grads": {key: tensor(value.grad) for key, value in clipped.items()},
        "adam": {
            "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-08,
            "note": "one step from the unclipped grads, PyTorch Adam (bias-corrected, eps added after sqrt of corrected second moment)",
            "params_after": {key: tensor(value) for key, value in adam.items()},
        },  # fmt: skip
        "sgd_momentum": {
            "lr": 0.1, "momentum": 0.9, "steps": 2,
            "note": "two steps with the same unclipped grads; PyTorch SGD momentum: v = m*v + g (v = g on the first step), p -= lr*v",
            "params_after": {key: tensor(value) for key, value in sgd.items()},
        },  # fmt: skip
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the files instead of writing them")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the same sums in the same order on any machine
    stale = []
    for spec in CASES:
        text = json.dumps(case(*spec), separators=(",", ":"))
        path = GOLDEN / f"{spec[0]}.json"
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(REPOSITORY)}")
    if stale:
        sys.exit(f"not what this script writes: {', '.join(stale)}")


if __name__ == "__main__":
    main()
