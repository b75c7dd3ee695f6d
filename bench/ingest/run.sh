#!/usr/bin/env bash
# Ingest benchmark: builds ingest_bench and zhengtong, starts a throwaway PostgreSQL
# (scripts/pg_temp.sh) unless --db sqlite, runs the benchmark, and stops PostgreSQL afterwards.
#   bench/ingest/run.sh [--build-dir DIR] [--rows N] [--db sqlite|postgresql|both] [--repeat R]
#                       [--rss-upload-gb G] [--io-threads T] [--workers W]
# Without --build-dir it uses the bench preset (build/bench); with it, a Release build with
# ZT_BENCH=ON in DIR. Every other option goes to ingest_bench. See bench/ingest/README.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir=""
db=both
args=()

usage() { sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench/ingest: error: $*" >&2; exit 1; }
log() { echo "bench/ingest: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a value"; build_dir="$2"; shift 2 ;;
    --db) [ $# -ge 2 ] || die "--db needs a value"; db="$2"; args+=("$1" "$2"); shift 2 ;;
    --db=*) db="${1#--db=}"; args+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$db" in sqlite|postgresql|both) ;; *) die "--db must be sqlite, postgresql or both" ;; esac

cd "$repo_root"
if [ -z "$build_dir" ]; then
  build_dir="$repo_root/build/bench"
  cmake --preset bench >/dev/null
else
  case "$build_dir" in /*) ;; *) build_dir="$PWD/$build_dir" ;; esac
  cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZT_TESTS=OFF \
    -DZT_BENCH=ON >/dev/null
fi
log "building ingest_bench and zhengtong in $build_dir"
cmake --build "$build_dir" --target ingest_bench zhengtong

pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    "$repo_root/scripts/pg_temp.sh" stop "$pg_dir" || true
    pg_dir=""
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ "$db" != sqlite ]; then
  pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/zt-bench-ingest-pg.XXXXXX")"
  pg_url="$("$repo_root/scripts/pg_temp.sh" start "$pg_dir")" || die "cannot start PostgreSQL"
  log "PostgreSQL at $pg_url"
  export ZT_BENCH_PG_URL="$pg_url"
fi

"$build_dir/bench/ingest_bench" "${args[@]}"
