#!/usr/bin/env bash
# Runs Zhengtong on this machine: installs what is missing, builds the Release binary, migrates
# the embedded SQLite database under ./data/ and serves on http://127.0.0.1:8080 (or ZT_LISTEN).
# Extra arguments go to `zhengtong migrate` and `zhengtong serve` (e.g. --config zhengtong.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "run: building (Release) …"
cmake --preset release >/dev/null
cmake --build build/release --target zhengtong

mkdir -p data
export ZT_DATABASE_URL=${ZT_DATABASE_URL:-sqlite:./data/zhengtong.db}
export ZT_LISTEN=${ZT_LISTEN:-127.0.0.1:8080}
build/release/zhengtong migrate "$@"
exec build/release/zhengtong serve "$@"
