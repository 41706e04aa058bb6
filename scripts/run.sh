#!/usr/bin/env bash
# Set up backcare in ./.venv (first time only) and run it on SQLite.
# Extra arguments go to `backcare serve`, e.g. --port 8001 or --no-browser.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/backcare ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "Setting up backcare in .venv (first run takes a minute)…"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
  touch .venv/.installed
fi
exec .venv/bin/backcare serve "$@"
