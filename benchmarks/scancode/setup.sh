#!/usr/bin/env sh
# Create benchmarks/scancode/.venv (git-ignored) holding scancode-toolkit-mini, apart from the
# project's own venv so its dependencies never leak into it. scancode needs pluggy<1.6.
#
#   sh benchmarks/scancode/setup.sh            # idempotent
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
VENV="$HERE/.venv"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "scancode-toolkit-mini" "pluggy<1.6"
"$VENV/bin/python" -m pip freeze | grep -i -E '^(scancode-toolkit-mini|pluggy)==' || true
