#!/usr/bin/env bash
# Lint and test everything: ruff check, then the whole pytest suite (browser tests too).
# Makes .venv on first use and installs the pinned test dependencies
# (requirements-test.lock); installs Debian's chromium when it is missing and we are root.
# Artefacts (screenshots, junit.xml) go to test-output/. Extra arguments go to pytest.
# The suite is self-contained (no ../shared needed; .ci/run adds that check on top).
# Env: NEWSBRIEF_CHROMIUM = the browser the tests drive (default /usr/bin/chromium);
#      NEWSBRIEF_NO_SKIP=1 = a skipped test fails the run (CI sets it: "all" means all).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh

ensure_venv requirements-test.lock

browser="${NEWSBRIEF_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$browser" ]]; then
    if [[ "$browser" == /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "==> $browser missing: installing Debian's chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q chromium fonts-liberation </dev/null
    else
        echo "error: no browser at $browser; install Debian's chromium (apt-get install chromium)" \
             "or set NEWSBRIEF_CHROMIUM to a Chromium/Chrome binary" >&2
        exit 1
    fi
fi
export NEWSBRIEF_CHROMIUM="$browser"

# axe-core, injected into pages by the accessibility tests (tests/browser/test_a11y.py):
# the exact version package-lock.json pins, from npm.
if [[ ! -f node_modules/axe-core/axe.min.js ]]; then
    echo "==> npm ci (axe-core for the accessibility tests)"
    npm ci --no-audit --no-fund
fi

rm -rf test-output
mkdir -p test-output

# Both always run, so one CI log shows lint and test results; either failing fails the run.
echo "==> ruff check ."
lint=0
ruff check . || lint=$?

echo "==> pytest $*"
status=0
python -m pytest -rs --junitxml=test-output/junit.xml "$@" || status=$?
if [[ $status == 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
if [[ -n "${NEWSBRIEF_NO_SKIP:-}" && -f test-output/junit.xml ]]; then
    skipped="$(python - test-output/junit.xml <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
print(sum(int(s.get("skipped", 0)) for s in root.iter("testsuite")))
EOF
)"
    if [[ "$skipped" != 0 ]]; then
        echo "error: $skipped tests skipped (NEWSBRIEF_NO_SKIP is set; see the SKIPPED lines above)" >&2
        [[ $status != 0 ]] || status=1
    fi
fi
if [[ $lint != 0 ]]; then
    echo "error: ruff check found problems (see above)" >&2
    [[ $status != 0 ]] || status=$lint
fi
exit "$status"
