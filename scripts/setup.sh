#!/usr/bin/env bash
# Create .venv (if needed) and install the project with its pinned dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c requirements-dev.lock -e '.[dev]'
# Bytecode now, not at each start (where PYTHONDONTWRITEBYTECODE is set, every start compiles).
.venv/bin/python -m compileall -q bot web handlers scheduler reports chat db domain bench fakes > /dev/null
