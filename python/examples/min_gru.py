"""A minGRU (Feng et al. 2024, "Were RNNs All We Needed?") in plain PyTorch on the
adding problem, watched in rnntop.

The task is adding.py's: two channels, random numbers in [0, 1] and a marker at one
step in each half; the target is the sum of the two marked numbers, and always
answering 1 scores 1/6. The model is ``rnntop.MinGRU``, whose gates see the input only,
so all the steps are computed at once by a parallel scan, and a linear head on the last
step. RunLog cannot unroll a module it does not know, so the script marks it with
``log.watch(model.rnn)``: every layer's ∂L/∂h_t is in the log. Run it beside the
dashboard:

    python examples/min_gru.py --log run.jsonl &
    rnntop replay --follow run.jsonl

The profile shows how minGRU carries a gradient back: ∂h_t/∂h_{t-1} is the diagonal
``1 - z_t``, with no weight matrix or tanh to shrink it. ``--save weights.safetensors``
writes the weights as rnntop names them (``rnn.weight_ih_l0``, ``rnn.bias_ih_l0``,
``head.weight``, ``head.bias``), which ``rnntop --cell mingru --init-from`` starts from.
"""

from __future__ import annotations

import argparse

import torch
from torch import nn

from adding import adding_batch  # the task, as adding.py makes it
from rnntop import MinGRU, RunLog


class AddingMinGRU(nn.Module):
    """A minGRU and a linear head on its last step: ``rnn`` and ``head``, the names
    rnntop's weight files use."""

    def __init__(self, hidden: int, layers: int, mode: str = "scan", inputs: int = 2, outputs: int = 1) -> None:
        super().__init__()
        self.rnn = MinGRU(inputs, hidden, layers, batch_first=True, mode=mode)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return self.head(output[:, -1] if self.rnn.batch_first else output[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--log", default="run.jsonl", help="the run log to write (default: run.jsonl)")
    parser.add_argument("--mode", choices=["scan", "sequential"], default="scan", help="the parallel scan or a loop over the steps")
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
    model = AddingMinGRU(args.hidden, args.layers, args.mode)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(args.steps // 2, 1), gamma=0.5)
    x_val, y_val = adding_batch(1000, args.seq_len, data)
    baseline = loss_fn(torch.ones_like(y_val), y_val).item()

    with RunLog(
        args.log, model, loss_fn=loss_fn, probe=(x_val[:8], y_val[:8]), total_steps=args.steps, steps_per_epoch=100,
        task=f"adding: sum the two marked numbers of {args.seq_len} steps", baseline=baseline, name=f"mingru {args.mode}",
    ) as log:  # fmt: skip
        log.watch(model.rnn)  # every layer's h_t, on the log's own passes
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
