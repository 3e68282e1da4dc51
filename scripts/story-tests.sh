#!/usr/bin/env bash
# Rasa story tests (tests/test_*.yml) against the current model; any prediction error fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/test-reports/stories
rm -rf "$out"
.venv/bin/rasa test core --model "$(.venv/bin/python -c 'from tooling.stack import newest_model; from pathlib import Path; print(newest_model(Path("models")))')" \
  --stories tests/ --out "$out" --fail-on-prediction-errors --no-plot --quiet
