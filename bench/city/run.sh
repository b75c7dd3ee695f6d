#!/usr/bin/env bash
# The city-scale benchmark of issue 6 (not in CI): `zhengtong seed-demo` on a fresh SQLite
# database — departments, accounts, the six resources ingested through the real ingest path, and
# the person and entity registries merged from the change feeds — printing what seed-demo
# reports (rows/s per resource, merge changes/s), the wall time and the peak RSS, against the
# goal: the whole city in under 20 minutes with peak RSS under 2 GB.
#   bench/city/run.sh [--people 10000000] [--seed 1] [--city 330300] [--build-dir DIR]
# Without --build-dir it builds the release preset (build/release). Needs GNU time
# (/usr/bin/time, Debian package `time`) and the divisions (scripts/setup.sh fetches them into
# data/divisions). The database goes to a temporary directory ($TMPDIR), removed at the end.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
people=10000000
seed=1
city=330300
build_dir=""
die() { echo "bench/city: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --people) people="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --city) city="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
[[ "$people" =~ ^[0-9]+$ ]] || die "--people must be a number"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
[ -f "$repo_root/data/divisions/areas.csv" ] || die "no divisions in data/divisions (run scripts/setup.sh)"

cd "$repo_root"
if [ -z "$build_dir" ]; then
  cmake --preset release >/dev/null
  build_dir="$repo_root/build/release"
fi
cmake --build "$build_dir" --target zhengtong >&2
bin="$build_dir/src/app/zhengtong"
[ -x "$bin" ] || bin="$build_dir/zhengtong"
[ -x "$bin" ] || die "no zhengtong binary in $build_dir"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/zt-bench-city.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export ZT_DATABASE_URL="sqlite:$tmp/zhengtong.db"
echo "bench/city: $people people, city $city, seed $seed; database $tmp; load $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
"$bin" registry import-divisions --from "$repo_root/data/divisions" | tail -n 1
start=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time.txt" "$bin" seed-demo --city "$city" --people "$people" \
  --seed "$seed" --accounts-out "$tmp/accounts.json" 2>&1 | tr '\r' '\n' | grep -v ' ETA ' \
  | grep -E 'seed-demo|rows|registry|Demo city|peak' || true
end=$(date +%s.%N)
status=$(awk -F': ' '/Exit status/ {print $2}' "$tmp/time.txt")
[ "$status" = 0 ] || die "seed-demo exited with $status"
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time.txt")
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
db_mib=$(du -sm "$tmp" | cut -f1)
echo
echo "bench/city: wall ${seconds} s ($(awk -v s="$seconds" 'BEGIN { printf "%.1f", s / 60 }') min), peak RSS $((rss_kib / 1024)) MiB, database ${db_mib} MiB"
awk -v s="$seconds" -v r="$rss_kib" 'BEGIN {
  printf "bench/city: goal < 20 min: %s; goal peak RSS < 2 GiB: %s\n",
    (s < 1200 ? "PASS" : "FAIL"), (r < 2 * 1024 * 1024 ? "PASS" : "FAIL") }'
