#!/usr/bin/env bash
# Runs Zhengtong on this machine: installs what is missing, builds the Release binary and the web
# front end (web/dist, when missing or older than its sources), migrates
# the embedded SQLite database under ./data/, imports the divisions, seeds the demo city on the
# first start, and serves on http://127.0.0.1:8080 (or ZT_LISTEN).
# Extra arguments go to `zhengtong migrate` and `zhengtong serve` (e.g. --config zhengtong.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "run: building (Release) …"
cmake --preset release >/dev/null
cmake --build build/release --target zhengtong
scripts/build_web.sh

mkdir -p data
export ZT_DATABASE_URL=${ZT_DATABASE_URL:-sqlite:./data/zhengtong.db}
export ZT_LISTEN=${ZT_LISTEN:-127.0.0.1:8080}
build/release/zhengtong migrate "$@"
# The divisions (GB/T 2260, fetched by setup.sh; re-importing changes nothing), and on the first
# start, while the database holds no department, a demo city of ZT_DEMO_PEOPLE people (100 000;
# 0 for none): its accounts and demo passwords are printed and kept in data/demo-accounts.json.
build/release/zhengtong "$@" registry import-divisions --from data/divisions
if [ "${ZT_DEMO_PEOPLE:-100000}" != 0 ]; then
  build/release/zhengtong "$@" seed-demo --if-empty --city "${ZT_DEMO_CITY:-330300}" \
    --people "${ZT_DEMO_PEOPLE:-100000}" --seed "${ZT_DEMO_SEED:-1}" \
    --accounts-out data/demo-accounts.json
fi
exec build/release/zhengtong serve "$@"
