#!/usr/bin/env bash
# Set up (if needed) and build the publication: build/site and build/pdf.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/hkai-publish build "$@"
