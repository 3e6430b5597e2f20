"""A DistributedDataParallel run of two processes (gloo, on the CPU, over loopback):
rank 0 writes one log of the whole run, the other rank's RunLog does nothing at all."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from conftest import REPOSITORY

WORKER = """
import json, math, os, sys, torch
import torch.distributed as dist
from torch import nn
sys.path[:0] = [{src!r}, {tests!r}]
from conftest import Regressor
from rnntop import RunLog

dist.init_process_group("gloo")
rank = dist.get_rank()
torch.manual_seed(0)  # the same weights on both ranks
model = nn.parallel.DistributedDataParallel(Regressor("lstm", 3, 8, layers=2, batch_first=True))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
data = torch.Generator().manual_seed(100 + rank)  # each rank its own share of the batch
probe = (torch.randn(4, 10, 3, generator=data), torch.randn(4, 1, generator=data))
# Rank 1 is given a path that cannot be written: it must not even try.
path = sys.argv[1] if rank == 0 else "/nonexistent/folder/run.jsonl"
seen = []
with RunLog(path, model, loss_fn=nn.MSELoss(), probe=probe, time_share=math.inf) as log:
    for step in range(20):
        x, y = torch.randn(6, 10, 3, generator=data), torch.randn(6, 1, generator=data)
        optimizer.zero_grad()
        loss = nn.MSELoss()(model(x), y)
        loss.backward()  # DDP averages the gradients of both ranks
        log.step(loss, optimizer, batch=(x, y))
        norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()])).item()
        seen.append((loss.item(), norm))
        optimizer.step()
if rank == 0:
    with open(sys.argv[2], "w") as file:
        json.dump(seen, file)
# Both ranks reach the teardown together: gloo aborts a rank now and then ("terminate
# called without an active exception") when the other has already destroyed the group.
dist.barrier()
dist.destroy_process_group()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rank_zero_writes_one_log_of_the_combined_run(tmp_path: Path) -> None:
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER.format(src=str(REPOSITORY / "python" / "src"), tests=str(REPOSITORY / "python" / "tests")))
    log, seen = tmp_path / "run.jsonl", tmp_path / "seen.json"
    environment = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(free_port()), "WORLD_SIZE": "2",
                   "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo"}  # fmt: skip
    processes = [
        subprocess.Popen([sys.executable, str(worker), str(log), str(seen)], env={**environment, "RANK": str(rank)},
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
        for rank in (0, 1)
    ]
    outputs = [process.communicate(timeout=240)[0] for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs

    assert sorted(path.name for path in tmp_path.iterdir()) == ["run.jsonl", "seen.json", "worker.py"]
    records = [json.loads(line) for line in log.read_text().splitlines()]
    run = records[0]
    assert run["type"] == "run" and all(not name.startswith("module.") for name in run["parameter_names"])
    assert run["settings"]["batch"] == 12, "both ranks' sequences"
    steps = [r for r in records if r["type"] == "step"]
    expected = json.loads(seen.read_text())
    assert [s["step"] for s in steps] == list(range(1, 21)) and all(s["batch"] == 12 for s in steps)
    for record, (loss, norm) in zip(steps, expected):
        assert abs(record["loss"] - loss) <= 1e-6 * abs(loss), "rank 0's loss"
        assert abs(record["grad_norm"] - norm) <= 1e-5 * norm, "the averaged gradient's norm"
    assert [r["step"] for r in records if r["type"] == "grad_profile"] == [1, 10, 20]
    assert len([r for r in records if r["type"] == "probe"]) == 5 and records[-1]["reason"] == "done"
