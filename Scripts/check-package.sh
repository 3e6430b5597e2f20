#!/usr/bin/env bash
# Tries what Scripts/package.sh built as a user without Swift would: the wheel installed
# into a fresh virtual environment, then, with the Swift toolchain out of reach (a mount
# namespace that hides its folder where the system allows one; always a PATH without it
# and no LD_LIBRARY_PATH):
#   - rnntop --version, and a bad path's exit status, through the package's command
#   - what it ships beside the binary: rnntop verify's cases pass, and chapter 7 finds
#     its text
#   - a PyTorch run logged by the installed package (torch borrowed from the tests'
#     environment through a .pth file: installing it again would take minutes)
#   - rnntop replay --follow of that log in tmux while it is written: the dashboard
#     follows it (and found the terminal's description)
set -euo pipefail
cd "$(dirname "$0")/.."

wheels=(dist/rnntop-*-manylinux_*_x86_64.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then
  echo "check-package: dist/ should hold one wheel, from Scripts/package.sh: ${wheels[*]}" >&2
  exit 1
fi
wheel=${wheels[0]}
work=$(mktemp -d)
trap 'tmux -L rnntop-package kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

torch_env=$(Scripts/python-env.sh)
"$torch_env/bin/python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index --disable-pip-version-check "$wheel"
"$torch_env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
  >"$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/borrowed-torch.pth"
cp python/examples/adding.py "$work/"

toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
version=$(python3 -c 'import tomllib; print(tomllib.load(open("python/pyproject.toml", "rb"))["project"]["version"])')
cat >"$work/try.sh" <<EOF
set -euo pipefail
export PATH="$work/venv/bin:/usr/bin:/bin"
unset LD_LIBRARY_PATH
cd "$work"
if command -v swift >/dev/null; then echo "check-package: swift is still on PATH" >&2; exit 1; fi
if [ "\${HIDDEN:-0}" = 1 ] && [ -n "\$(ls -A "$toolchain")" ]; then echo "check-package: $toolchain is not hidden" >&2; exit 1; fi
[ "\$(rnntop --version)" = "$version" ] || { echo "check-package: rnntop --version is not $version" >&2; exit 1; }
status=0; rnntop replay missing.jsonl 2>/dev/null || status=\$?
[ \$status -eq 2 ] || { echo "check-package: a missing log gave exit status \$status, not 2" >&2; exit 1; }
rnntop verify --quiet >verify.txt || { echo "check-package: rnntop verify failed:" >&2; cat verify.txt >&2; exit 1; }
status=0; timeout -s INT 5 rnntop lesson 7 --headless >lesson.txt 2>&1 || status=\$?
grep -q "^chapter 7: " lesson.txt || { echo "check-package: chapter 7 did not start (status \$status):" >&2; cat lesson.txt >&2; exit 1; }
python adding.py --log run.jsonl --steps 1000000 --hidden 16 --eval-every 100 >/dev/null &
trainer=\$!
trap 'kill \$trainer 2>/dev/null || true' EXIT
tmux -L rnntop-package new-session -d -s replay -x 100 -y 30 "rnntop replay --follow run.jsonl"
for _ in \$(seq 1 150); do
  screen=\$(tmux -L rnntop-package capture-pane -t replay -p)
  grep -q "following" <<<"\$screen" && grep -q "┌ loss" <<<"\$screen" && break
  sleep 0.2
done
grep -q "following" <<<"\$screen" && grep -q "┌ loss" <<<"\$screen" || {
  echo "check-package: rnntop replay --follow drew no loss chart of the run as it trains:" >&2; echo "\$screen" >&2; exit 1
}
tmux -L rnntop-package kill-server
EOF

if unshare --mount mount -t tmpfs none "$toolchain" 2>/dev/null; then
  unshare --mount bash -c "mount -t tmpfs none '$toolchain' && HIDDEN=1 bash '$work/try.sh'"
  echo "check-package: $wheel works with $toolchain hidden" >&2
else
  bash "$work/try.sh"
  echo "check-package: $wheel works with the toolchain off PATH (no mount namespace here to hide it)" >&2
fi
