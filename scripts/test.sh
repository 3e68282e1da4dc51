#!/usr/bin/env bash
# Command 2: set up (idempotent), train if anything changed, then run every test:
#   lint, rasa data validate, pytest (unit, actions, data, storage with PostgreSQL, integration with the real
#   servers, channels, browser, benchmark smoke), rasa story tests, held-out NLU evaluation.
# Exits non-zero on any failure; the last line is the summary of all stages.
set -uo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1 REQUIRE_POSTGRES=1
scripts/setup.sh || { echo "set-up failed"; exit 1; }
scripts/system-deps.sh || { echo "system dependencies missing"; exit 1; }
scripts/k8s-tools.sh || { echo "kubernetes tools (kubectl, kubernetes-validate) could not be installed"; exit 1; }

mkdir -p var/test-reports
passed=0; failed=0; failed_stages=()
stage() {  # stage NAME COMMAND...
  local name=$1; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  if "$@"; then passed=$((passed+1)); else failed=$((failed+1)); failed_stages+=("$name"); fi
}

stage "lint (ruff)" .venv/bin/ruff check .
stage "rasa data validate" .venv/bin/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings --quiet
stage "pytest" .venv/bin/python -m pytest -q -p no:cacheprovider --junitxml=var/test-reports/pytest.xml
stage "story tests (rasa test)" scripts/story-tests.sh
stage "held-out NLU evaluation" .venv/bin/python -m tooling.eval_nlu --min-macro-f1 "${NLU_MIN_MACRO_F1:-0.90}" --report var/test-reports/nlu.json
# typed answers written apart from the code (tests/understanding/README.md): floors against regression, below
# the targets of the understanding issue (per field >= 0.97, silent wrong <= 0.5 %), which are not reached yet
stage "held-out understanding evaluation" .venv/bin/python -m tooling.eval_understanding \
  --min-field-accuracy "${UNDERSTANDING_MIN_FIELD_ACCURACY:-0.60}" --max-silent-wrong "${UNDERSTANDING_MAX_SILENT_WRONG:-0.15}" \
  --report var/test-reports/understanding.json

echo
[ ${#failed_stages[@]} -gt 0 ] && echo "failed stages: ${failed_stages[*]}"
# Summary: pytest's counts plus one per other stage; the last line is what CI reads.
.venv/bin/python - "$passed" "$failed" <<'PY'
import sys, xml.etree.ElementTree as ET
stages_passed, stages_failed = int(sys.argv[1]), int(sys.argv[2])
try:
    suite = ET.parse("var/test-reports/pytest.xml").getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, failures, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
except Exception:
    total = failures = errors = skipped = 0
py_passed = total - failures - errors - skipped
print(f"pytest: {py_passed} passed, {failures + errors} failed, {skipped} skipped")
# the pytest stage is counted by its tests, the other stages (lint, validate, stories, NLU) one each
others_passed = stages_passed - (1 if failures + errors == 0 and total else 0)
others_failed = stages_failed - (1 if failures + errors else 0)
print(f"summary: {py_passed + max(others_passed, 0)} passed, {failures + errors + max(others_failed, 0)} failed")
PY
[ "$failed" -eq 0 ]
