#!/usr/bin/env bash
# Set up everything the assistant needs, idempotently:
#   1. find Python 3.10, 2. create .venv and install the locked dependencies (only when the lock changed),
#   3. build the German spaCy pipeline (only when missing), 4. install the chat widget from npm (only when
#   its lock changed), 5. train the model (only when data, domain or config changed).
# Usage: scripts/setup.sh [--no-train]
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false PIP_DISABLE_PIP_VERSION_CHECK=1 TF_CPP_MIN_LOG_LEVEL=2
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

find_python() {
  local c v
  # pyenv reads .python-version ("3.10") and its shim resolves python3.10; uv and plain PATHs work too.
  for c in "${PYTHON310:-}" python3.10 "$(command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.10 2>/dev/null)/bin/python3.10" \
           /usr/bin/python3.10 /usr/local/bin/python3.10 python3 python; do
    [ -n "$c" ] || continue
    v=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    if [ "$v" = "3.10" ]; then command -v "$c" 2>/dev/null || echo "$c"; return 0; fi
  done
  return 1
}

if [ -x .venv/bin/python ] && [ "$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "3.10" ]; then
  :
else
  step "Creating the virtual environment (.venv) with Python 3.10"
  PY=$(find_python) || {
    echo "ERROR: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10) but none was found." >&2
    echo "       Install it (e.g. 'pyenv install 3.10' - the repository's .python-version selects it -," >&2
    echo "       'uv python install 3.10' or your distribution's python3.10 package), or set PYTHON310=/path/to/python3.10." >&2
    exit 1
  }
  echo "using $PY"
  rm -rf .venv
  "$PY" -m venv .venv
fi

lock_hash=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat .venv/.lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  step "Installing the locked Python dependencies (first time: about 2 minutes)"
  .venv/bin/python -m pip install --progress-bar off --no-deps -r requirements.lock
  .venv/bin/python -m pip install --progress-bar off --no-deps --no-build-isolation -e . >/dev/null
  .venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; exit 1; }
  echo "$lock_hash" > .venv/.lock-hash
else
  echo "dependencies: up to date"
fi

step "German spaCy pipeline"
.venv/bin/python -m tooling.nlp build

if [ -f web/package-lock.json ]; then
  web_hash=$(sha256sum web/package-lock.json | cut -d' ' -f1)
  if [ "$(cat web/node_modules/.lock-hash 2>/dev/null)" != "$web_hash" ]; then
    step "Installing the chat widget (npm ci)"
    command -v npm >/dev/null || { echo "ERROR: Node.js with npm is required for the chat widget assets." >&2; exit 1; }
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$web_hash" > web/node_modules/.lock-hash
  else
    echo "chat widget: up to date"
  fi
fi

if [ "${1:-}" != "--no-train" ]; then
  step "Model"
  .venv/bin/python -m tooling.train
fi
