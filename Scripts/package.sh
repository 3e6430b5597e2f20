#!/usr/bin/env bash
# Builds rnntop for machines without Swift, into dist/:
#   dist/rnntop   one self-contained binary: the Swift runtime, Foundation (with ICU's
#                 data), ncursesw and OpenBLAS linked in; it needs only glibc, libm,
#                 libstdc++ and libgcc_s, which every Debian, Ubuntu and RHEL has
#   dist/share/rnntop/
#                 what it ships beside it, found there by the binary: lessons/ (the
#                 chapters and chapter 7's text) and golden/ (rnntop verify's cases);
#                 the themes and the chapters are also built into the binary
#   dist/rnntop-VERSION-py3-none-manylinux_2_X_x86_64.whl
#                 the Python package with that binary inside: `pip install` gives the
#                 logger (`from rnntop import RunLog`) and the `rnntop` command
# Then checks that the binary depends on nothing under the Swift toolchain.
# The first build takes a few minutes (its own build folder, .build-static).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh
scratch=.build-static
mkdir -p "$scratch/static-libs" dist

# The module maps ask for -lncursesw and -lopenblas. Searched first, this folder answers
# with linker scripts that name the static archives (and ncursesw's terminfo library
# after it, which the shared library would have pulled in itself).
lib=/usr/lib/x86_64-linux-gnu
echo "INPUT($lib/libncursesw.a $lib/libtinfo.a)" >"$scratch/static-libs/libncursesw.so"
echo "INPUT($(readlink -f "$lib/libopenblas.a"))" >"$scratch/static-libs/libopenblas.so"

# The link prints one warning from Foundation's own archive (its use of mktemp).
swift build -c release --product rnntop --static-swift-stdlib --scratch-path "$scratch" \
  -Xlinker -L"$PWD/$scratch/static-libs"
strip -o dist/rnntop "$scratch/release/rnntop"

# Nothing from the toolchain: no library it ships, and no run path into it (the
# linker's $ORIGIN, the binary's own folder, stays: it holds no library).
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if ldd dist/rnntop | grep -q "$toolchain" || readelf -d dist/rnntop | grep -E "R(UN)?PATH" | grep -q "$toolchain"; then
  echo "package: dist/rnntop still needs the toolchain:" >&2
  ldd dist/rnntop >&2
  exit 1
fi
unexpected=$(ldd dist/rnntop | grep -vE "linux-vdso|ld-linux-x86-64|lib(c|m|stdc\+\+|gcc_s)\.so" || true)
if [ -n "$unexpected" ]; then
  echo "package: dist/rnntop needs more than glibc, libstdc++ and libgcc_s:" >&2
  echo "$unexpected" >&2
  exit 1
fi

rm -rf dist/share && mkdir -p dist/share/rnntop/lessons dist/share/rnntop/golden
cp lessons/*.toml lessons/*.txt lessons/README.md dist/share/rnntop/lessons/
cp Tests/Fixtures/golden/*.json Tests/Fixtures/golden/README.md dist/share/rnntop/golden/

rm -f dist/rnntop-*.whl
python3 Scripts/wheel.py dist/rnntop python dist/share dist
ls -l dist/rnntop dist/*.whl | awk '{ printf "package: %s, %.1f MB\n", $NF, $5 / 1e6 }' >&2
