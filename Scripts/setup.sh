#!/usr/bin/env bash
# Installs the Debian packages rnntop needs, those that are missing only:
#   libncursesw5-dev  the terminal (ncursesw) for the dashboard
#   libopenblas-dev   OpenBLAS's CBLAS for the engine's large matrix products
#   tmux              the dashboard tests drive the real program in tmux
#   python3-venv      the Python package's tests and the PyTorch comparisons run in
#                     a virtual environment (see Scripts/python-env.sh)
# Works as root (no sudo needed) and as a user with sudo. Does nothing when all are there.
set -euo pipefail

packages=(libncursesw5-dev libopenblas-dev tmux python3-venv)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup: ${missing[*]} must be installed, which needs root: run this as root or install sudo" >&2
  exit 2
fi
echo "setup: installing ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
