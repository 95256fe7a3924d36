#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# One worker per core, each taking whole test files (their module fixtures build once per worker):
# most of a test's time is a build or a browser waiting on a subprocess. `-n 0` runs in one process.
exec .venv/bin/python -m pytest -n auto --dist loadfile "$@"
