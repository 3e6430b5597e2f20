#!/usr/bin/env bash
# Creates, or reuses, the Python virtual environment with PyTorch that the Python
# package's tests and the side-by-side benchmarks run in, and prints its folder.
# It lives outside the checkout, so every clone shares it:
#   $RNNTOP_VENV, else ${XDG_CACHE_HOME:-~/.cache}/rnntop/venv
# The first install downloads torch from PyPI (about 5 GB with its CUDA libraries,
# a few minutes) and Keras 3 and JAX (a few hundred MB: the Keras callback's tests run
# on Keras's torch backend, and one on JAX's); later runs only check that they import.
set -euo pipefail

venv=${RNNTOP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rnntop/venv}
requirements=(torch safetensors numpy pytest jsonschema keras jax)

if ! "$venv/bin/python" -c "import torch, safetensors, numpy, pytest, jsonschema, keras, jax" 2>/dev/null; then
  echo "python-env: installing ${requirements[*]} into $venv (the first time takes a few minutes)" >&2
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}" >&2
fi
echo "$venv"
