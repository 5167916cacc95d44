#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh machine:
#   bash tests/run.sh [pytest args]
# Installs Chromium, a CJK font and npm with apt-get when missing (browser tests), axe-core
# from npm (the accessibility checks of the page walker; injected from disk, no CDN),
# creates .venv with the package and its test extras, then runs pytest.
# With TEST_DATABASE_URL set, every database test also runs on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
  fi
fi

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq npm >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq npm >/dev/null
  fi
fi
if [ ! -f tests/browser/axe/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/browser/axe --no-audit --no-fund --silent
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

# A crashed worker fails the run at once rather than leaving xdist waiting. Tests are handed
# out one at a time, slow ones first (tests/conftest.py), so that both workers finish together.
exec .venv/bin/python -m pytest -n 2 --maxschedchunk 1 --max-worker-restart=0 "$@"
