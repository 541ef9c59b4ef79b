#!/usr/bin/env bash
# Build the site: seeds/*.txt -> docs/posts/ -> site/ (mkdocs build --strict).
# Makes .venv on first use and installs the pinned dependencies (requirements.lock).
# Extra arguments go to `newsbrief build`, e.g. scripts/build.sh --site-url https://example.org/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh

ensure_venv requirements.lock
echo "==> newsbrief build $*"
newsbrief build "$@"
echo "==> site built in $PWD/site/"
