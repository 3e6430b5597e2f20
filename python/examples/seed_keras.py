"""The Keras example rnntop grew from, watched in rnntop: one callback added.

    KERAS_BACKEND=torch python examples/seed_keras.py --log run.jsonl &
    rnntop replay --follow run.jsonl

The model, the data and the training are the example's: 100 random sequences of 10
steps with random targets (NumPy's generator, seed 1), LSTM(50, relu) → Dropout(0.2) →
Dense(1), Adam, mean squared error, batch 32, 100 epochs. The data is noise: the loss
settles near the variance of y (about 0.08), which ``rnntop --preset seed`` reproduces.

The flags after ``--log`` are for comparing with rnntop step by step (the tests do):
``--save-initial W`` writes the initial weights for ``rnntop --init-from W``, and
``--batch``, ``--epochs``, ``--dropout`` and ``--no-shuffle`` make the runs alike, and
``--log-all`` lifts the log's time limit, so that every gradient profile is of the whole
batch.
"""

from __future__ import annotations

import argparse
import os

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--log", default="seed.jsonl", help="the run log to write (default: seed.jsonl)")
parser.add_argument("--backend", default=os.environ.get("KERAS_BACKEND", "torch"), help="Keras's backend (rnntop's callback needs torch)")
parser.add_argument("--save-initial", metavar="PATH", help="write the initial weights (rnntop's layout) here")
parser.add_argument("--epochs", type=int, default=100)
parser.add_argument("--batch", type=int, default=32)
parser.add_argument("--dropout", type=float, default=0.2)
parser.add_argument("--no-shuffle", action="store_true", help="the batches in the data's order")
parser.add_argument("--seed", type=int, default=1, help="Keras's seed for the initial weights and dropout")
parser.add_argument("--log-all", action="store_true", help="every record on its schedule, each profile on the whole batch (no time limit)")
args = parser.parse_args()
os.environ["KERAS_BACKEND"] = args.backend  # before Keras is imported

import math  # noqa: E402

import numpy as np  # noqa: E402
from keras.layers import LSTM, Dense, Dropout, Input  # noqa: E402
from keras.models import Sequential  # noqa: E402
from keras.utils import set_random_seed  # noqa: E402

from rnntop.keras import RunLog, save_weights  # noqa: E402

# The example's data.
np.random.seed(1)
x = np.random.rand(100, 10).reshape(100, 10, 1)
y = np.random.rand(100, 1)
# Validation: the generator's next 100 sequences, as rnntop's seed task holds out.
x_val = np.random.rand(100, 10).reshape(100, 10, 1)
y_val = np.random.rand(100, 1)

set_random_seed(args.seed)
model = Sequential()
model.add(Input(shape=(10, 1)))
model.add(LSTM(50, activation="relu"))
model.add(Dropout(args.dropout))
model.add(Dense(1))
model.compile(optimizer="adam", loss="mse")
if args.save_initial:
    save_weights(model, args.save_initial)

baseline = float(np.mean((y_val - y.mean()) ** 2))  # always predicting the training mean
log = RunLog(
    args.log, probe=(x_val[:1], y_val[:1]), task="seed: the Keras example (LSTM(50, relu) on noise)", baseline=baseline,
    time_share=math.inf if args.log_all else 0.025,
)  # fmt: skip
model.fit(
    x, y, epochs=args.epochs, batch_size=args.batch, shuffle=not args.no_shuffle, validation_data=(x_val, y_val), verbose=0,
    callbacks=[log],
)  # fmt: skip
print(f"final loss {model.evaluate(x, y, verbose=0):.4f}")
