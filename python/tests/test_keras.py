"""The Keras callback (torch backend) and Keras weights both ways: the seed's Keras model
and rnntop take the same steps, each logged loss is its batch's own, the passes leave the
training alone, and the unrolled Keras layers agree with PyTorch's."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

keras = pytest.importorskip("keras", reason="Keras 3 is not installed (Scripts/python-env.sh installs it)")
if keras.backend.backend() != "torch":
    pytest.skip(f"these tests use Keras's torch backend, not {keras.backend.backend()}", allow_module_level=True)

from conftest import REPOSITORY, Regressor, run_rnntop  # noqa: E402
from rnntop._passes import RecurrentModules, run_pass  # noqa: E402
from rnntop.keras import RunLog, load_weights, save_weights  # noqa: E402

EXAMPLE = REPOSITORY / "python" / "examples" / "seed_keras.py"


def records(path: Path, kind: str) -> dict[int, dict[str, Any]]:
    """The log's records of one type, by step."""
    found = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        if record["type"] == kind:
            found[record["step"]] = record
    return found


def seed_model(dropout: float = 0.0, seed: int = 1) -> Any:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((10, 1)), keras.layers.LSTM(50, activation="relu"), keras.layers.Dropout(dropout), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def seed_data() -> tuple[np.ndarray, np.ndarray]:
    np.random.seed(1)
    return np.random.rand(100, 10).reshape(100, 10, 1).astype("float32"), np.random.rand(100, 1).astype("float32")


def test_the_seeds_keras_script_and_rnntop_take_the_same_steps(rnntop: Path, tmp_path: Path) -> None:
    """Same initial weights (exported by the example), same batches (one of all 100
    sequences, so that shuffling changes nothing), no dropout: 20 steps alike."""
    initial, keras_log, rnntop_log = tmp_path / "initial.safetensors", tmp_path / "keras.jsonl", tmp_path / "rnntop.jsonl"
    subprocess.run(
        [sys.executable, str(EXAMPLE), "--log", str(keras_log), "--save-initial", str(initial), "--batch", "100", "--dropout", "0",
         "--epochs", "20", "--no-shuffle", "--log-all"],
        check=True, capture_output=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPOSITORY / "python" / "src")},
    )  # fmt: skip
    run_rnntop(rnntop, "--preset", "seed", "--batch", "100", "--dropout", "0", "--epochs", "20", "--init-from", str(initial),
               "--headless", "--log", str(rnntop_log))  # fmt: skip
    theirs, ours = records(keras_log, "step"), records(rnntop_log, "step")
    assert sorted(theirs) == list(range(1, 21)) and sorted(ours) == list(range(1, 21))
    worst = max(abs(theirs[s]["loss"] - ours[s]["loss"]) / ours[s]["loss"] for s in range(1, 21))
    assert worst < 1e-5, f"losses differ by {worst:.2e} (relative) at worst"
    assert abs(theirs[1]["grad_norm"] - ours[1]["grad_norm"]) < 1e-5 * ours[1]["grad_norm"]
    profiles, own = records(keras_log, "grad_profile"), records(rnntop_log, "grad_profile")
    common = sorted(set(profiles) & set(own))
    assert len(common) >= 3, f"profiles at {sorted(profiles)} and {sorted(own)}"
    for step in common:
        a, b = profiles[step]["layers"][0], own[step]["layers"][0]
        assert max(abs(x - y) / abs(y) for x, y in zip(a, b)) < 1e-4, f"the profiles at step {step}"


def test_each_logged_loss_is_its_batchs_own_not_the_running_mean(tmp_path: Path) -> None:
    x, y = seed_data()
    means: list[float] = []
    watcher = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: means.append(float(logs["loss"])))
    model = seed_model()
    twin = seed_model()
    model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0, callbacks=[RunLog(tmp_path / "run.jsonl"), watcher])
    hand = []
    for _ in range(2):
        for start in range(0, 100, 32):
            xb, yb = x[start : start + 32], y[start : start + 32]
            hand.append(float(keras.losses.mean_squared_error(yb, twin(xb, training=True)).mean().detach()))
            twin.train_on_batch(xb, yb)
    logged = records(tmp_path / "run.jsonl", "step")
    assert [round(logged[s]["loss"], 5) for s in sorted(logged)] == [round(v, 5) for v in hand]
    assert abs(logged[2]["loss"] - means[1]) > 1e-3, "step 2 logs its batch's loss, not the epoch's running mean"


def test_the_passes_leave_the_training_alone(tmp_path: Path) -> None:
    """Dropout 0.2 and a pass on every schedule: the weights come out bit for bit as
    without the callback."""
    x, y = seed_data()
    watched, plain = seed_model(0.2, seed=3), seed_model(0.2, seed=3)
    log = RunLog(tmp_path / "run.jsonl", probe=(x[:4], y[:4]), time_share=math.inf)
    keras.utils.set_random_seed(4)  # the shuffles
    watched.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[log])
    keras.utils.set_random_seed(4)
    plain.fit(x, y, batch_size=32, epochs=3, verbose=0)
    for a, b in zip(watched.get_weights(), plain.get_weights()):
        assert np.array_equal(a, b)
    assert "compute_loss" not in watched.__dict__ and "apply" not in watched.optimizer.__dict__, "the wrapped methods are put back"
    assert len(records(tmp_path / "run.jsonl", "probe")) >= 2


@pytest.mark.parametrize(
    "layer, cell, options",
    [
        (lambda: keras.layers.LSTM(6, return_sequences=True), "lstm", {}),
        (lambda: keras.layers.GRU(6, return_sequences=True), "gru", {}),
        (lambda: keras.layers.SimpleRNN(6, return_sequences=True), "rnn-tanh", {}),
    ],
)
def test_keras_layers_unroll_as_pytorchs_and_their_weights_load_in_pytorch(tmp_path: Path, layer: Any, cell: str, options: dict) -> None:
    """Two stacked layers: the Keras model's weights, saved in rnntop's layout, make the
    PyTorch model compute the same outputs, and the unrolled passes of both give the same
    ∂L/∂h_t; loaded back, the weights are the Keras model's."""
    keras.utils.set_random_seed(5)
    last = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn-tanh": keras.layers.SimpleRNN}[cell](6)
    model = keras.Sequential([keras.Input((7, 3)), layer(), last, keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    path = tmp_path / "weights.safetensors"
    save_weights(model, str(path))
    from safetensors.torch import load_file

    torch_model = Regressor(cell, 3, 6, layers=2, outputs=2, batch_first=True, **options)
    torch_model.load_state_dict(load_file(str(path)))
    x, y = torch.rand(4, 7, 3, generator=torch.Generator().manual_seed(2)), torch.rand(4, 2, generator=torch.Generator().manual_seed(3))
    assert torch.allclose(model(x).detach(), torch_model(x).detach(), atol=1e-5)

    keras_loss = lambda prediction, target: model.compute_loss(None, target, prediction, None, training=False)  # noqa: E731
    theirs = run_pass(model, RecurrentModules(model), x, y, keras_loss, True, set())
    ours = run_pass(torch_model, RecurrentModules(torch_model), x, y, torch.nn.functional.mse_loss, True, set())
    assert theirs is not None and ours is not None
    for a, b in zip(theirs.profile(), ours.profile()):
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-9)
    for a, b in zip(theirs.probe_layers(), ours.probe_layers()):
        assert [g["name"] for g in a["gates"]] == [g["name"] for g in b["gates"]]
        for ga, gb in zip(a["gates"], b["gates"]):
            assert torch.allclose(ga["activations"], gb["activations"], atol=1e-5), ga["name"]

    before = [w.copy() for w in model.get_weights()]
    for weight in model.trainable_weights:
        weight.assign(np.zeros(weight.shape, dtype="float32"))
    load_weights(model, str(path))
    for a, b in zip(model.get_weights(), before):
        assert np.allclose(a, b, atol=1e-7)


def test_keras_weights_go_through_rnntop_and_back(rnntop: Path, tmp_path: Path) -> None:
    """rnntop starts from the Keras model's weights and saves them (a step at learning
    rate 0 changes nothing); loaded back, the Keras model predicts what it did."""
    x, _ = seed_data()
    model = seed_model()
    initial, saved = tmp_path / "keras.safetensors", tmp_path / "rnntop.safetensors"
    save_weights(model, str(initial))
    run_rnntop(rnntop, "--preset", "seed", "--init-from", str(initial), "--steps", "1", "--lr", "0", "--headless",
               "--save-weights", str(saved))  # fmt: skip
    expected = np.asarray(model.predict(x, verbose=0))
    fresh = seed_model(seed=9)
    assert not np.allclose(np.asarray(fresh.predict(x, verbose=0)), expected)
    load_weights(fresh, str(saved))
    assert np.allclose(np.asarray(fresh.predict(x, verbose=0)), expected, atol=1e-6)


def test_a_model_rnntop_cannot_hold_is_refused_by_layer(tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(4, reset_after=False), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="has reset_after=False"):
        save_weights(model, str(tmp_path / "w.safetensors"))
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    save_weights(model, str(tmp_path / "w.safetensors"))
    wider = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"'rnn.weight_ih_l0' has shape \(16, 2\), but layer lstm\S* needs \(32, 2\)"):
        load_weights(wider, str(tmp_path / "w.safetensors"))


def test_another_backend_is_refused_with_the_reason(tmp_path: Path) -> None:
    """On JAX the callback says what it needs instead of writing a log without gradients
    unannounced."""
    pytest.importorskip("jax", reason="JAX is not installed: the other-backend test needs it")
    program = (
        "import numpy as np, keras\nfrom rnntop.keras import RunLog\n"
        "m = keras.Sequential([keras.Input((3, 1)), keras.layers.LSTM(2), keras.layers.Dense(1)]); m.compile('adam', 'mse')\n"
        f"m.fit(np.zeros((4, 3, 1)), np.zeros((4, 1)), verbose=0, callbacks=[RunLog({str(tmp_path / 'run.jsonl')!r})])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300,
        env={**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(REPOSITORY / "python" / "src")},
    )  # fmt: skip
    assert result.returncode != 0
    assert "rnntop.keras.RunLog needs Keras's torch backend (KERAS_BACKEND=torch), not jax" in result.stderr


def test_what_a_model_cannot_give_is_said_and_the_run_goes_on(tmp_path: Path) -> None:
    """A mask, a Bidirectional layer and several inputs: notes, a description of the
    model that is true, and fit runs to its end."""
    x = np.random.default_rng(1).random((32, 6, 2), dtype=np.float32)
    y = x.sum(axis=(1, 2))[:, None]
    masked = keras.Sequential([keras.Input((6, 2)), keras.layers.Masking(0.0), keras.layers.LSTM(4), keras.layers.Dense(1)])
    masked.compile("adam", "mse")
    masked.fit(x, y, batch_size=8, verbose=0, callbacks=[RunLog(tmp_path / "masked.jsonl", probe=(x[:2], y[:2]))])
    notes = [e["message"] for e in records_list(tmp_path / "masked.jsonl", "event") if e["name"] == "note"]
    layer = masked.layers[1].name
    assert f"{layer} (LSTM) cannot be unrolled: it was given a mask" in notes

    both = keras.Sequential([keras.Input((6, 2)), keras.layers.Bidirectional(keras.layers.GRU(5)), keras.layers.Dense(1)])
    both.compile("adam", "mse")
    both.fit(x, y, batch_size=8, verbose=0, callbacks=[RunLog(tmp_path / "both.jsonl")])
    run = records_list(tmp_path / "both.jsonl", "run")[0]
    assert (run["model"]["cell"], run["model"]["hidden"], run["model"]["input"]) == ("gru", 5, 2)
    assert "Bidirectional(GRU(5))" in run["model"]["summary"]
    assert any("it is bidirectional" in e["message"] for e in records_list(tmp_path / "both.jsonl", "event"))

    a, b = keras.Input((6, 2)), keras.Input((3,))
    joined = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.Concatenate()([keras.layers.LSTM(4)(a), b])))
    joined.compile("adam", "mse")
    with pytest.raises(TypeError, match="the probe's x is several inputs"):
        joined.fit([x, x[:, 0, :].repeat(2, 1)[:, :3]], y, verbose=0, callbacks=[RunLog(tmp_path / "j.jsonl", probe=([x[:1], x[:1, 0, :3]], y[:1]))])
    joined.fit([x, x[:, 0, :].repeat(2, 1)[:, :3]], y, batch_size=8, verbose=0, callbacks=[RunLog(tmp_path / "joined.jsonl")])
    assert len(records(tmp_path / "joined.jsonl", "step")) == 4
    assert any("several inputs" in e["message"] for e in records_list(tmp_path / "joined.jsonl", "event"))


def test_a_callback_logs_one_fit_and_an_interrupted_fit_leaves_nothing_behind(tmp_path: Path) -> None:
    x, y = seed_data()
    model = seed_model()
    log = RunLog(tmp_path / "first.jsonl")
    model.fit(x, y, batch_size=50, verbose=0, callbacks=[log])
    with pytest.raises(RuntimeError, match="give the next fit\\(\\) a RunLog of its own"):
        model.fit(x, y, batch_size=50, verbose=0, callbacks=[log])
    assert len(records(tmp_path / "first.jsonl", "step")) == 2, "the first log is kept"

    stop = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=50, verbose=0, callbacks=[RunLog(tmp_path / "cut.jsonl"), stop])
    model.fit(x, y, batch_size=50, epochs=2, verbose=0, callbacks=[RunLog(tmp_path / "after.jsonl")])
    assert sorted(records(tmp_path / "after.jsonl", "step")) == [1, 2, 3, 4]


def test_the_optimizers_settings_read_as_rnntops(tmp_path: Path) -> None:
    """A cosine schedule is marked a few times, not at every step; global clipping is
    rnntop's clip setting; names and numbers are Keras's as written."""
    x, y = seed_data()
    model = seed_model()
    model.compile(keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.01, 40), global_clipnorm=0.5), "mse")
    model.fit(x, y, batch_size=10, epochs=4, verbose=0, callbacks=[RunLog(tmp_path / "run.jsonl")])
    settings = records_list(tmp_path / "run.jsonl", "run")[0]["settings"]
    assert settings["optimizer"]["name"] == "adam" and settings["optimizer"]["lr"] == 0.01 and settings["optimizer"]["eps_hat"]
    assert settings["clip"] == {"mode": "norm", "threshold": 0.5}
    changes = [e for e in records_list(tmp_path / "run.jsonl", "event") if e["name"] == "lr"]
    assert 5 <= len(changes) <= 12, [e["new"] for e in changes]
    steps = records(tmp_path / "run.jsonl", "step")
    assert steps[40]["lr"] < 1e-4 and steps[1]["lr"] == pytest.approx(0.01)


def records_list(path: Path, kind: str) -> list[dict[str, Any]]:
    """The log's records of one type, in order."""
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["type"] == kind]


def test_a_classifiers_validation_accuracy_and_chance_are_logged(tmp_path: Path) -> None:
    keras.utils.set_random_seed(3)
    generator = np.random.default_rng(3)
    classes = generator.integers(0, 4, 160)
    x = (generator.normal(size=(160, 6, 4)) * 0.1).astype("float32")
    x[np.arange(160), 0, classes] += 1  # the first step names the class
    model = keras.Sequential([keras.Input((6, 4)), keras.layers.GRU(8), keras.layers.Dense(4)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    log = RunLog(tmp_path / "run.jsonl", baseline=math.log(4), chance=0.25)
    history = model.fit(x[:128], classes[:128], validation_data=(x[128:], classes[128:]), batch_size=32, epochs=3, verbose=0, callbacks=[log])
    evaluations = records(tmp_path / "run.jsonl", "eval")
    assert [round(evaluations[step]["accuracy"], 5) for step in sorted(evaluations)] == [round(v, 5) for v in history.history["val_accuracy"]]
    assert records(tmp_path / "run.jsonl", "run")[0]["task"]["baseline"]["accuracy"] == 0.25
