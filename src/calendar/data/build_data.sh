#!/usr/bin/env bash
# Installs the pinned npm package chinese-days (package-lock.json, integrity checked by npm ci)
# into OUT_DIR/npm and converts its holidays and make-up working days into OUT_DIR/holidays.json
# (Zhengtong's schedule file) and OUT_DIR/package_data.cpp (the same text, compiled into the
# calendar module, which imports it into the database at start). Run by the build
# (src/calendar/CMakeLists.txt); needs node and npm (scripts/setup.sh installs them) and, the
# first time, the npm registry. Installs again only when the lock file is newer.
#   src/calendar/data/build_data.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
export NO_UPDATE_NOTIFIER=1
mkdir -p "$out/npm"
cp -p "$here/package.json" "$here/package-lock.json" "$out/npm/"
cd "$out/npm"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi
node "$here/convert.mjs" node_modules/chinese-days "$out"
