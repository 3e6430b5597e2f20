#!/usr/bin/env bash
# Every test: installs what is missing (Debian packages, the Python environment),
# then runs the Swift suite (release build: the engine's tests train real models)
# and the Python package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
swift test -c release -Xswiftc -enable-testing
