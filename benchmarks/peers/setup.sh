#!/usr/bin/env sh
# Create benchmarks/peers/.venv (git-ignored) holding the peer scanners, apart from the project's
# own venv so their dependencies never leak into it.
#
#   sh benchmarks/peers/setup.sh            # idempotent; re-run to upgrade
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
VENV="$HERE/.venv"
export PROMPTFOO_DISABLE_TELEMETRY=1 NO_ANALYTICS=1
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
pip_quiet() {  # hide only this machine's pip mirror warnings
  "$VENV/bin/python" -m pip "$@" 2>&1 | grep -v "is ignored: it is neither" || true
}
pip_quiet install --quiet --upgrade pip
pip_quiet install --quiet -r "$HERE/requirements.txt"
"$VENV/bin/python" -c "import picklescan, modelscan, fickling, modelaudit" || exit 1
"$VENV/bin/python" -m pip freeze | grep -i -E '^(picklescan|modelscan|fickling|modelaudit|numpy|torch)==' || true
