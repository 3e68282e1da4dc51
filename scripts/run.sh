#!/usr/bin/env bash
# Command 1: set up (idempotent), train if anything changed, then start the action server (5055), the Rasa
# server (5005: REST + socket.io) and the demo page with the chat widget (8080). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m tooling.stack
