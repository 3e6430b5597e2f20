"""A Keras model's weights in the safetensors layout rnntop and PyTorch use, both ways.

rnntop's weight files (``--save-weights``, ``--init-from``) hold a model with an ``rnn``
(``nn.RNN``, ``nn.LSTM`` or ``nn.GRU``) and a ``head`` (``nn.Linear``) by PyTorch's names.
A Keras model of the same shape, recurrent layers then an optional ``Dropout`` and a
``Dense``, maps onto it layer for layer:

=========================  =====================================  ===================================
Keras                      PyTorch                                conversion
=========================  =====================================  ===================================
``kernel`` [in, G·H]       ``rnn.weight_ih_lK`` [G·H, in]         transposed
``recurrent_kernel``       ``rnn.weight_hh_lK`` [G·H, H]          transposed
LSTM ``bias`` [4H]         ``rnn.bias_ih_lK``, ``rnn.bias_hh_lK`` one bias: ``bias_ih``, ``bias_hh`` 0;
                                                                  back: their sum
GRU ``bias`` [2, 3H]       ``rnn.bias_ih_lK``, ``rnn.bias_hh_lK`` rows 0 and 1
SimpleRNN ``bias`` [H]     ``rnn.bias_ih_lK``, ``rnn.bias_hh_lK`` as the LSTM's
Dense ``kernel``, ``bias``  ``head.weight``, ``head.bias``         transposed, as is
=========================  =====================================  ===================================

Gate blocks: Keras's LSTM i, f, c, o are PyTorch's i, f, g, o (the same order); Keras's
GRU z, r, h become PyTorch's r, z, n. Only a GRU with ``reset_after=True`` (Keras 3's
default) computes PyTorch's GRU. The file's metadata says the activation (``relu`` for the
seed's LSTM), which rnntop checks against its model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._keras_layers import activation_name, recurrent_kind

__all__ = ["load_weights", "save_weights"]


def _layers(model: Any) -> tuple[list[Any], Any, str]:
    """The model's recurrent layers, its Dense head, and their kind ("LSTM", "GRU",
    "SimpleRNN"), or a ValueError that says which layer does not fit."""
    import keras

    recurrent, head = [], None
    for layer in model.layers:
        kind = recurrent_kind(layer)
        if kind is not None and head is None:
            recurrent.append((kind, layer))
        elif isinstance(layer, keras.layers.Dense) and head is None and recurrent:
            head = layer
        elif not isinstance(layer, (keras.layers.Dropout, keras.layers.InputLayer)):
            raise ValueError(
                f"layer {layer.name} ({type(layer).__name__}) does not fit rnntop's model: recurrent layers (LSTM, GRU or "
                "SimpleRNN, all of one kind), then optionally Dropout, then one Dense"
            )
    if not recurrent or head is None:
        raise ValueError("rnntop's model is recurrent layers (LSTM, GRU or SimpleRNN) then a Dense: this model has "
                         + ("no recurrent layer" if not recurrent else "no Dense after them"))  # fmt: skip
    kind = recurrent[0][0]
    for other, layer in recurrent:
        if other != kind:
            raise ValueError(f"layer {layer.name} is a {other} after a {kind}: rnntop's layers are all of one kind")
        if other == "GRU" and not layer.cell.reset_after:
            raise ValueError(f"layer {layer.name} (GRU) has reset_after=False: PyTorch's GRU (and rnntop's) is reset_after=True")
    return [layer for _, layer in recurrent], head, kind


def _gru_to_torch(blocks: np.ndarray, axis: int) -> np.ndarray:
    z, r, h = np.split(blocks, 3, axis=axis)
    return np.concatenate((r, z, h), axis=axis)


def _gru_to_keras(blocks: np.ndarray, axis: int) -> np.ndarray:
    r, z, n = np.split(blocks, 3, axis=axis)
    return np.concatenate((z, r, n), axis=axis)


def save_weights(model: Any, path: str) -> None:
    """Writes the Keras model's weights as an rnntop (and PyTorch) weight file, for
    ``rnntop --init-from PATH``.

    Raises:
        ValueError: a model that is not recurrent layers then a Dense (the message names
            the layer).
        ModuleNotFoundError: the ``safetensors`` package is not installed.
    """
    from safetensors.numpy import save_file

    layers, head, kind = _layers(model)
    tensors: dict[str, np.ndarray] = {}
    for index, layer in enumerate(layers):
        kernel, recurrent = (np.asarray(v.numpy(), dtype=np.float32) for v in (layer.cell.kernel, layer.cell.recurrent_kernel))
        units = layer.cell.units
        bias = np.asarray(layer.cell.bias.numpy(), dtype=np.float32) if layer.cell.use_bias else None
        if kind == "GRU":
            kernel, recurrent = _gru_to_torch(kernel, 1), _gru_to_torch(recurrent, 1)
            bias_ih, bias_hh = (_gru_to_torch(row, 0) for row in bias) if bias is not None else (np.zeros(3 * units, np.float32),) * 2
        else:
            bias_ih = bias if bias is not None else np.zeros(kernel.shape[1], np.float32)
            bias_hh = np.zeros_like(bias_ih)
        tensors[f"rnn.weight_ih_l{index}"] = np.ascontiguousarray(kernel.T)
        tensors[f"rnn.weight_hh_l{index}"] = np.ascontiguousarray(recurrent.T)
        tensors[f"rnn.bias_ih_l{index}"] = np.ascontiguousarray(bias_ih)
        tensors[f"rnn.bias_hh_l{index}"] = np.ascontiguousarray(bias_hh)
    tensors["head.weight"] = np.ascontiguousarray(np.asarray(head.kernel.numpy(), dtype=np.float32).T)
    tensors["head.bias"] = np.asarray(head.bias.numpy(), dtype=np.float32) if head.use_bias else np.zeros(head.units, np.float32)
    activation = activation_name(layers[0].cell.activation)
    save_file(tensors, path, metadata={"activation": activation} if activation in ("tanh", "relu") else None)


def load_weights(model: Any, path: str) -> None:
    """Sets the Keras model's weights from an rnntop (or PyTorch) weight file, such as
    ``rnntop --save-weights`` writes.

    Raises:
        ValueError: a model that does not fit the file: a missing tensor, or a shape that
            differs (the message names the layer and the tensor).
    """
    from safetensors.numpy import load_file

    tensors = load_file(path)
    layers, head, kind = _layers(model)

    def tensor(name: str, layer: Any, shape: tuple[int, ...]) -> np.ndarray:
        if name not in tensors:
            raise ValueError(f"{path}: tensor {name!r} (for layer {layer.name}) is missing")
        value = tensors[name]
        if tuple(value.shape) != shape:
            raise ValueError(f"{path}: tensor {name!r} has shape {tuple(value.shape)}, but layer {layer.name} needs {shape}")
        return value

    for index, layer in enumerate(layers):
        kernel_shape, recurrent_shape = tuple(layer.cell.kernel.shape), tuple(layer.cell.recurrent_kernel.shape)
        kernel = tensor(f"rnn.weight_ih_l{index}", layer, kernel_shape[::-1]).T
        recurrent = tensor(f"rnn.weight_hh_l{index}", layer, recurrent_shape[::-1]).T
        rows = kernel_shape[1]
        bias_ih, bias_hh = (tensor(f"rnn.bias_{side}_l{index}", layer, (rows,)) for side in ("ih", "hh"))
        if kind == "GRU":
            kernel, recurrent = _gru_to_keras(kernel, 1), _gru_to_keras(recurrent, 1)
            bias = np.stack((_gru_to_keras(bias_ih, 0), _gru_to_keras(bias_hh, 0)))
        else:
            bias = bias_ih + bias_hh
        layer.cell.kernel.assign(kernel)
        layer.cell.recurrent_kernel.assign(recurrent)
        if layer.cell.use_bias:
            layer.cell.bias.assign(bias)
        elif np.any(bias):
            raise ValueError(f"{path}: layer {layer.name} has no bias (use_bias=False) but the file's biases are not zero")
    head.kernel.assign(tensor("head.weight", head, tuple(head.kernel.shape)[::-1]).T)
    if head.use_bias:
        head.bias.assign(tensor("head.bias", head, tuple(head.bias.shape)))

