#!/usr/bin/env bash
# Second command: install what the tests need (Chromium, CJK fonts and npm from Debian), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v npm >/dev/null || need+=(npm)  # installs the pinned axe-core for the accessibility tests
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
source scripts/setup.sh test
# axe-core for the accessibility tests: the version pinned in tests/axe/package.json, from the npm
# registry into a cache folder git ignores. The tests inject it into pages from there (never fetched by a page).
axe_want=$(python3 -c 'import json; print(json.load(open("tests/axe/package.json"))["dependencies"]["axe-core"])')
axe_have=$(python3 -c 'import json; print(json.load(open(".test-cache/npm/node_modules/axe-core/package.json"))["version"])' 2>/dev/null || true)
if [ "$axe_have" != "$axe_want" ]; then
  if command -v npm >/dev/null; then
    mkdir -p .test-cache/npm
    cp tests/axe/package.json .test-cache/npm/package.json
    npm install --prefix .test-cache/npm --no-audit --no-fund --no-package-lock --loglevel=error
  else
    echo "npm is missing: the accessibility tests need axe-core $axe_want (install Debian's nodejs and npm)" >&2
  fi
fi
# Gates on the code itself: lint, format and types (configuration in pyproject.toml).
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest's 5 means "no tests collected": that is a failure of this script, not a pass.
[ $status -eq 0 ] || exit $status
# Reliability and security checks with bounded counts: crash, fuzz, access, dependency audit.
.venv/bin/python -m checks --quick
