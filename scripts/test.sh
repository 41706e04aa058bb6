#!/usr/bin/env bash
# Set up a development environment in ./.venv and run the checks and the tests.
#   bash scripts/test.sh                 lint, type check, the whole suite on SQLite
#   BACKCARE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/backcare bash scripts/test.sh
#                                        the same suite on PostgreSQL
# Arguments go to pytest, e.g. -k player or -x. Browser tests need Debian's
# chromium (apt-get install chromium); with CI=true a missing browser fails.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/pytest ] || [ pyproject.toml -nt .venv/.installed-dev ]; then
  echo "Setting up the development environment in .venv…"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch .venv/.installed-dev
fi

if [ "${BACKCARE_SKIP_LINT:-}" != "1" ]; then
  echo "ruff…" && .venv/bin/ruff check . && .venv/bin/ruff format --check .
  echo "mypy…" && .venv/bin/mypy
  echo "migrations up to date…"
  BACKCARE_DATA_DIR=$(mktemp -d) .venv/bin/backcare manage makemigrations --check --dry-run >/dev/null
fi

echo "pytest on ${BACKCARE_DATABASE_URL:-SQLite}…"
exec .venv/bin/pytest "$@"
