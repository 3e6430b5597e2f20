#!/usr/bin/env bash
# Every test: installs what is missing (Debian packages, the Python environment),
# then runs the Swift suite (release build: the engine's tests train real models)
# and the Python package's tests, which compare it with the rnntop just built.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
venv=$(Scripts/python-env.sh)
swift test -c release -Xswiftc -enable-testing
RNNTOP="$(swift build -c release -Xswiftc -enable-testing --show-bin-path)/rnntop" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
