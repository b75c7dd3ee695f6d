#!/usr/bin/env bash
# Builds the web front end (web/ → web/dist/) when dist is missing or older than its sources:
# `npm ci` (from package-lock.json) then `npm run build` (vue-tsc type check, then vite build).
# Needs nodejs and npm (Debian's packages; scripts/setup.sh installs them).
#   scripts/build_web.sh           build if needed
#   scripts/build_web.sh --force   build anyway
set -euo pipefail
cd "$(dirname "$0")/../web"

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) echo "build_web.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

sources=(src public index.html package.json package-lock.json vite.config.ts tsconfig.json)
if [ "$force" -eq 0 ] && [ -f dist/index.html ]; then
  newer=$(find "${sources[@]}" -newer dist/index.html -print -quit)
  if [ -z "$newer" ]; then
    echo "web: dist is up to date"
    exit 0
  fi
fi

if ! command -v npm >/dev/null; then
  echo "web: npm is missing; run scripts/setup.sh" >&2
  exit 1
fi
echo "web: building the front end (npm ci, vue-tsc, vite build) …"
# node_modules is reused when it matches the lock file; npm ci starts from it otherwise.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
# vite keeps file times; make dist newer than the sources so the next run skips the build.
touch dist/index.html
echo "web: built into web/dist"
