#!/usr/bin/env bash
# Rasa story tests (tests/test_*.yml) against the current model; any prediction error fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/test-reports/stories
rm -rf "$out"
.venv/bin/rasa test core --model "$(.venv/bin/python -c 'from tooling.train import newest_model; print(newest_model())')" \
  --stories tests/ --out "$out" --fail-on-prediction-errors --no-plot --quiet
