#!/usr/bin/env bash
# Runs the browser tests: builds the web front end if needed, installs playwright-core (npm, no
# browser download: it drives Debian's chromium), then tests/e2e/run.mjs against a fresh server.
#   tests/e2e/run.sh [ZHENGTONG_BINARY]      (default: build/release/zhengtong, else build/test/zhengtong)
# Screenshots go to $ZT_E2E_SHOTS, or a new folder under the temp dir; the summary names it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -gt 0 ]; then export ZT_BINARY=$1; fi
# Paths are taken from the repository root; run.mjs runs from tests/e2e.
if [ -n "${ZT_BINARY:-}" ]; then ZT_BINARY=$(realpath -m "$ZT_BINARY"); export ZT_BINARY; fi
if [ -n "${ZT_WEB_ROOT:-}" ]; then ZT_WEB_ROOT=$(realpath -m "$ZT_WEB_ROOT"); export ZT_WEB_ROOT; fi
if [ -n "${ZT_E2E_SHOTS:-}" ]; then ZT_E2E_SHOTS=$(realpath -m "$ZT_E2E_SHOTS"); export ZT_E2E_SHOTS; fi
scripts/build_web.sh
cd tests/e2e
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
exec node run.mjs
