#!/usr/bin/env bash
# Runs the browser tests: builds the web front end if needed, installs playwright-core (npm, no
# browser download: it drives Debian's chromium), then tests/e2e/run.mjs against a fresh server.
#   tests/e2e/run.sh [ZHENGTONG_BINARY]      (default: build/release/zhengtong, else build/test/zhengtong)
# Screenshots go to $ZT_E2E_SHOTS, or a new folder under the temp dir; the summary names it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -gt 0 ]; then export ZT_BINARY=$1; fi
scripts/build_web.sh
cd tests/e2e
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
exec node run.mjs
