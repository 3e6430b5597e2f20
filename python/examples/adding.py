"""A plain PyTorch training loop on the adding problem, watched in rnntop.

The task is rnntop's default lesson: each sequence has two channels, random numbers
in [0, 1] and a marker that is 1 at one step in each half; the target is the sum of the
two marked numbers. Always answering 1 scores 1/6, so a model on that line has learned
nothing. Run it beside the dashboard:

    python examples/adding.py --log run.jsonl &
    rnntop replay --follow run.jsonl

With ``--cell rnn`` the gradient dies on its way back through time and the loss stays
on the baseline; an LSTM or a GRU learns. ``--save weights.safetensors`` writes the
trained weights with PyTorch's names, which ``rnntop --init-from`` starts from.
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

from rnntop import RunLog


class AddingModel(nn.Module):
    """A recurrent layer and a linear head on its last step: ``rnn`` and ``head``, the
    names rnntop's weight files use."""

    def __init__(self, cell: str, hidden: int, layers: int) -> None:
        super().__init__()
        kinds = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
        self.rnn = kinds[cell](2, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return self.head(output[:, -1])


def adding_batch(size: int, steps: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``size`` sequences of the adding problem: inputs ``(size, steps, 2)``, sums ``(size, 1)``."""
    values = torch.rand(size, steps, generator=generator)
    half = steps // 2
    first = torch.randint(0, half, (size,), generator=generator)
    second = torch.randint(half, steps, (size,), generator=generator)
    markers = torch.zeros(size, steps)
    rows = torch.arange(size)
    markers[rows, first] = 1
    markers[rows, second] = 1
    sums = values[rows, first] + values[rows, second]
    return torch.stack((values, markers), dim=2), sums.unsqueeze(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", default="run.jsonl", help="the run log to write (default: run.jsonl)")
    parser.add_argument("--cell", choices=["rnn", "lstm", "gru"], default="lstm")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--seq-len", type=int, default=50)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", metavar="PATH", help="write the trained weights here (safetensors)")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    data = torch.Generator().manual_seed(args.seed)
    model = AddingModel(args.cell, args.hidden, args.layers)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(args.steps // 2, 1), gamma=0.5)
    x_val, y_val = adding_batch(1000, args.seq_len, data)
    baseline = loss_fn(torch.ones_like(y_val), y_val).item()

    with RunLog(
        args.log, model, loss_fn=loss_fn, probe=(x_val[:8], y_val[:8]), total_steps=args.steps, steps_per_epoch=100,
        task=f"adding: sum the two marked numbers of {args.seq_len} steps", baseline=baseline,
    ) as log:  # fmt: skip
        for step in range(1, args.steps + 1):
            x, y = adding_batch(args.batch, args.seq_len, data)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            log.step(loss, optimizer, batch=(x, y), grad_norm=norm)  # the norm before clipping
            optimizer.step()
            scheduler.step()
            if step % args.eval_every == 0 or step == args.steps:
                model.eval()
                with torch.no_grad():
                    validation = loss_fn(model(x_val), y_val).item()
                model.train()
                log.eval(validation)
                print(f"step {step}/{args.steps}  loss {loss.item():.4f}  val {validation:.4f}  baseline {baseline:.4f}", flush=True)

    if args.save:
        from safetensors.torch import save_file  # only needed to save

        save_file(model.state_dict(), args.save)


if __name__ == "__main__":
    main()
