#!/usr/bin/env bash
# The reads of issue 16 (points 1 and 5) on a seeded demo city: the registry person read against
# the hub key read it wraps, and the filtered record pages, each timed sequentially over one
# keep-alive connection (curl), printing the median and the 90th percentile in ms. Not a test,
# and not the scale sweep (bench/scale): a quick before/after of one city.
#   bench/city/reads.sh --db FILE|URL --accounts FILE [--binary zhengtong] [--runs 31] [--port 18090]
# --db: a SQLite file or a postgresql:// URL holding a city made by `zhengtong seed-demo
# --accounts-out FILE` (see README.md). The server migrates it at start (a database of an
# earlier version gets today's indexes then).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$repo_root/build/release/zhengtong"
db="" accounts="" runs=31 port=18090
die() { echo "bench/city/reads: error: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="$2"; shift 2 ;;
    --accounts) accounts="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
case "$db" in
  postgresql://*|postgres://*) url="$db" ;;
  *) [ -f "$db" ] || die "--db: no database file"; url="sqlite:$db" ;;
esac
[ -f "$accounts" ] || die "--accounts: no accounts file"
[ -x "$binary" ] || die "no zhengtong binary at $binary (--binary)"
command -v jq >/dev/null || die "needs jq"

base="http://127.0.0.1:$port"
log="$(mktemp "${TMPDIR:-/tmp}/zt-reads.XXXXXX")"
ZT_DATABASE_URL="$url" ZT_LISTEN="127.0.0.1:$port" "$binary" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 600); do
  curl -sf "$base/api/v1/version" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; die "the server exited"; }
  sleep 0.5
done
start_log="$(grep -E 'record indexes|migrat' "$log" | tail -n 3 || true)"
[ -n "$start_log" ] && echo "$start_log"

token() {
  local user="$1" password
  password="$(jq -r --arg u "$user" '.[] | select(.username == $u) | .password' "$accounts")"
  curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg u "$user" --arg p "$password" '{username: $u, password: $p}')" | jq -r .token
}
police="$(token police_officer)" hrss="$(token hrss_officer)" data="$(token data_admin)"
person="$(jq -r '[.[] | select(.kind == "citizen")][0].username' "$accounts")"

# time NAME TOKEN PATH: $runs requests on one connection after one unmeasured; ms median, p90.
time_route() {
  local name="$1" tok="$2" path="$3" urls=() status
  status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" \
    -H 'X-Purpose: bench' "$base$path")"
  for _ in $(seq "$runs"); do urls+=(-o /dev/null "$base$path"); done
  curl -s -w '%{time_total}\n' -H "Authorization: Bearer $tok" \
    -H 'X-Purpose: bench' "${urls[@]}" | sort -n | awk -v name="$name" -v st="$status" '
      { t[NR] = $1 * 1000 }
      END { printf "%-58s %3s  median %8.2f ms  p90 %8.2f ms  (%.0f/s)\n", name, st,
            t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], 1000 / t[int((NR + 1) / 2)] }'
}

echo "bench/city/reads: ${url%%:*}, $runs runs each; load $(cut -d' ' -f1-3 /proc/loadavg)"
time_route "hub key read DSJ-RK01/records/{id}" "$data" "/api/v1/resources/DSJ-RK01/records/$person"
time_route "registry person read registry/persons/{id}" "$data" "/api/v1/registry/persons/$person"
time_route "GA-0001/records?division_code__prefix=3303&limit=100" "$police" \
  "/api/v1/resources/GA-0001/records?division_code__prefix=3303&limit=100"
time_route "GA-0001/records?division_code__prefix=330302&limit=100" "$police" \
  "/api/v1/resources/GA-0001/records?division_code__prefix=330302&limit=100"
time_route "RS-0001/records?insurance_status=insured" "$hrss" \
  "/api/v1/resources/RS-0001/records?insurance_status=insured"
time_route "registry/persons?division=330302" "$data" "/api/v1/registry/persons?division=330302"
time_route "DSJ-RK01/records?name=王俊 (percent-encoded)" "$data" \
  "/api/v1/resources/DSJ-RK01/records?name=%E7%8E%8B%E4%BF%8A"
