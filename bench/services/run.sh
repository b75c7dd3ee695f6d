#!/usr/bin/env bash
# Services benchmark (issue 17): builds services_bench and zhengtong, then runs the benchmark on
# SQLite (submissions and transitions over HTTP at 64 connections, the ingest rate in the same
# run, the worklists with 1 M cases in the database).
#   bench/services/run.sh [--build-dir DIR] [services_bench options: --cases N --connections C
#                         --seed-cases N --ingest-rows N --worklist-runs N --io-threads T
#                         --workers W --no-access-log …]
# Without --build-dir it uses the bench preset (build/bench); with it, a Release build with
# ZT_BENCH=ON in DIR. See bench/services/README.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir=""
args=()

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench/services: error: $*" >&2; exit 1; }
log() { echo "bench/services: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a value"; build_dir="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

cd "$repo_root"
if [ -z "$build_dir" ]; then
  build_dir="$repo_root/build/bench"
  cmake --preset bench >/dev/null
else
  case "$build_dir" in /*) ;; *) build_dir="$PWD/$build_dir" ;; esac
  cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZT_TESTS=OFF \
    -DZT_BENCH=ON >/dev/null
fi
log "building services_bench and zhengtong in $build_dir"
cmake --build "$build_dir" --target services_bench zhengtong

exec "$build_dir/bench/services_bench" "${args[@]}"
