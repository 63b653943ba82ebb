#!/usr/bin/env bash
# Second command: install what the tests need (Chromium and CJK fonts from Debian), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need[@]}"
fi
source scripts/setup.sh test
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
