#!/usr/bin/env bash
# Read benchmarks of issue 5 on SQLite: key lookups over HTTP (token, grant, masking, audit) with
# wrk against nginx `return 200` and pgbench point selects, and the CSV export against sqlite3 -csv.
#   bench/read/run.sh [--build-dir DIR] [--rows 1000000] [--duration 15] [--connections 64]
#                     [--threads 2] [--io-threads 2] [--workers 2]
# Without --build-dir it uses the bench preset (build/bench); with it, a Release build with
# ZT_BENCH=ON in DIR. Needs wrk, nginx (scripts/setup.sh --bench), sqlite3, curl and PostgreSQL 15
# with pgbench. See bench/read/README.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir=""
rows=1000000
duration=15
connections=64
threads=2
io_threads=2
workers=2
warmup=2 # seconds of unmeasured load before each measured wrk or pgbench run
code="330300-GA-0001"
purpose="婚姻登记核验"

usage() { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench/read: error: $*" >&2; exit 1; }
log() { echo "bench/read: $*" >&2; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a value"; build_dir="$2"; shift 2 ;;
    --rows) [ $# -ge 2 ] || die "--rows needs a value"; rows="$2"; shift 2 ;;
    --duration) [ $# -ge 2 ] || die "--duration needs a value"; duration="$2"; shift 2 ;;
    --connections) [ $# -ge 2 ] || die "--connections needs a value"; connections="$2"; shift 2 ;;
    --threads) [ $# -ge 2 ] || die "--threads needs a value"; threads="$2"; shift 2 ;;
    --io-threads) [ $# -ge 2 ] || die "--io-threads needs a value"; io_threads="$2"; shift 2 ;;
    --workers) [ $# -ge 2 ] || die "--workers needs a value"; workers="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
for v in rows duration connections threads io_threads workers; do
  is_uint "${!v}" || die "--${v//_/-} must be a positive integer, got '${!v}'"
done

pgbench_bin="$(command -v pgbench || true)"
[ -n "$pgbench_bin" ] || pgbench_bin=/usr/lib/postgresql/15/bin/pgbench
[ -x "$pgbench_bin" ] || die "pgbench not found (apt-get install postgresql-15)"
psql_bin="$(command -v psql || true)"
[ -n "$psql_bin" ] || psql_bin=/usr/lib/postgresql/15/bin/psql
[ -x "$psql_bin" ] || die "psql not found (apt-get install postgresql-client-15)"
for tool in wrk nginx curl sqlite3 awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/setup.sh --bench installs wrk and nginx; apt-get install -y sqlite3)"
done
nginx_bin="$(command -v nginx)"

cd "$repo_root"
if [ -z "$build_dir" ]; then
  build_dir="$repo_root/build/bench"
  cmake --preset bench >/dev/null
else
  case "$build_dir" in /*) ;; *) build_dir="$PWD/$build_dir" ;; esac
  cmake -S "$repo_root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DZT_TESTS=OFF \
    -DZT_BENCH=ON >/dev/null
fi
log "building read_setup and zhengtong in $build_dir"
cmake --build "$build_dir" --target read_setup zhengtong >&2

# ---------------------------------------------------------------- cleanup ----
tmp="$(mktemp -d "${TMPDIR:-/tmp}/zt-bench-read.XXXXXX")"
chmod 755 "$tmp" # pg_temp's server user reads nothing here, but keep the tree traversable
pids=()
pg_dir=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Give each process up to 15 s to exit (read_setup stops its server first), then kill it.
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ -n "$pg_dir" ]; then "$repo_root/scripts/pg_temp.sh" stop "$pg_dir" || true; pg_dir=""; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'trap - INT; cleanup; kill -INT $$' INT
trap 'exit 143' TERM HUP

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "NaN" }'; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
to_ms() { # wrk time such as 812.00us, 1.20ms, 2.01s -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000
    else if (u == "m") f = 60000; else { print "NaN"; exit 1 }
    printf "%.3f\n", n * f }'
}

log "load average at start: $(load_average) ($(nproc) CPUs)"

# --------------------------------------------------------------- zhengtong ----
# read_setup starts the server, makes the city, ingests, grants, writes info.env and keeps serving
# until it gets SIGTERM (from cleanup).
log "read_setup: $rows rows (server: $io_threads I/O threads, $workers workers)"
"$build_dir/bench/read_setup" --out-dir "$tmp/setup" --rows "$rows" --io-threads "$io_threads" \
  --workers "$workers" >"$tmp/read_setup.log" 2>&1 </dev/null &
setup_pid=$!
pids+=("$setup_pid")
until [ -f "$tmp/setup/info.env" ]; do
  if ! kill -0 "$setup_pid" 2>/dev/null; then
    tail -n 40 "$tmp/read_setup.log" >&2 || true
    die "read_setup failed"
  fi
  sleep 0.5
done
info() { sed -n "s/^$1=//p" "$tmp/setup/info.env"; }
port="$(info port)" server_pid="$(info pid)" token="$(info token)" db="$(info db)"
table="$(info table)" keys="$(info keys)"
ingest_seconds="$(info ingest_seconds)"
log "zhengtong on port $port (pid $server_pid), $rows rows ingested in ${ingest_seconds}s, db $db"
[ "$(wc -l <"$keys")" = "$rows" ] || die "$keys does not hold $rows keys"

url="http://127.0.0.1:$port/api/v1/resources/$code/records"
# The pre-run: one key, 200, only the granted fields, id_number and name masked, phone not.
sample_key="$(sed -n '1p' "$keys")"
sample_code="$(curl -s --max-time 5 -o "$tmp/sample.json" -w '%{http_code}' \
  -H "Authorization: Bearer $token" -H "X-Purpose: $purpose" "$url/$sample_key" || true)"
[ "$sample_code" = 200 ] || { cat "$tmp/sample.json" >&2; die "GET $url/$sample_key answered '$sample_code'"; }
sample="$(cat "$tmp/sample.json")"
log "sample lookup: $sample"
[[ "$sample" =~ \"id_number\":\"[0-9]{6}\*+[0-9X]{4}\" ]] || die "id_number is not masked: $sample"
[[ "$sample" =~ \"name\":\"[^\"*]+\*+\" ]] || die "name is not masked: $sample"
[[ "$sample" =~ \"phone\":\"1[0-9]{10}\" ]] || die "phone is not unmasked as granted: $sample"
[[ "$sample" != *'"gender"'* && "$sample" != *'"income"'* ]] || die "fields outside the grant: $sample"
log "pre-run: 200, granted fields only, id_number and name masked, phone unmasked: OK"

# The wrk script: a random key of the key file per request, the consumer's token and a purpose.
cat >"$tmp/lookup.lua" <<'EOF'
local keys = {}
for line in io.lines(os.getenv("ZT_KEYS")) do keys[#keys + 1] = line end
local prefix = os.getenv("ZT_PREFIX")
local headers = { ["Authorization"] = "Bearer " .. os.getenv("ZT_TOKEN"),
                  ["X-Purpose"] = os.getenv("ZT_PURPOSE") }
function init(args)
  local seed = tonumber(tostring({}):match("0x(%x+)"), 16) or os.time()
  math.randomseed(seed)
end
function request()
  return wrk.format("GET", prefix .. keys[math.random(#keys)], headers)
end
EOF
export ZT_KEYS="$keys" ZT_TOKEN="$token" ZT_PURPOSE="$purpose"
export ZT_PREFIX="/api/v1/resources/$code/records/"

# ------------------------------------------------------------------ nginx ----
used_ports=" $port "
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then used_ports+="$p "; echo "$p"; return 0; fi
  done
  die "no free port found"
}
# nginx answers every path with the sample record's bytes (the same Content-Type), so the same wrk
# script runs against it. The body must not hold ', \ or $ (it does not: digits, CJK, * and JSON).
case "$sample" in *"'"*|*"\\"*|*'$'*) die "the sample body holds ', \\ or \$: $sample" ;; esac
start_nginx() { # on $nginx_port; 1 when it does not come up (a port taken meanwhile, most likely)
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    server_tokens off;
    keepalive_timeout 65s;
    keepalive_requests 100000000;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        location / {
            default_type 'application/json';
            return 200 '$sample';
        }
    }
}
EOF
  "$nginx_bin" -q -t -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx/" -e "$tmp/nginx-error.log" \
    >"$tmp/nginx-test.log" 2>&1 || { cat "$tmp/nginx-test.log" >&2; die "nginx rejected its config"; }
  "$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx/" -e "$tmp/nginx-error.log" \
    >"$tmp/nginx-stdout.log" 2>&1 </dev/null &
  nginx_pid=$!
  pids+=("$nginx_pid")
  for _ in $(seq 150); do
    kill -0 "$nginx_pid" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$nginx_port/" || true)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
nginx_pid=""
for attempt in 1 2 3 4 5; do
  nginx_port="$(pick_port)"
  start_nginx && break
  log "nginx did not start on port $nginx_port (attempt $attempt): $(tail -n 1 "$tmp/nginx-error.log" 2>/dev/null)"
  kill -TERM "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  [ "$attempt" -lt 5 ] || die "nginx failed to start"
done
log "nginx up on port $nginx_port (pid $nginx_pid), worker_processes 1"

# -------------------------------------------------------------------- wrk ----
declare -A rps p50 p99 reqs errs non2xx
run_wrk() { # name port
  local name="$1" p="$2" out="$tmp/wrk-$1.txt"
  log "warm-up ${warmup}s: $name"
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$tmp/lookup.lua" "http://127.0.0.1:$p/" \
    >/dev/null 2>&1 || die "wrk failed against $name"
  log "$name: wrk -t$threads -c$connections -d${duration}s --latency (random keys of $rows)"
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$tmp/lookup.lua" \
    "http://127.0.0.1:$p/" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $name"; }
  rps[$name]="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
  p50[$name]="$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "50%" { print $2; exit }' "$out")")"
  p99[$name]="$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$out")")"
  reqs[$name]="$(awk '/ requests in / { print $1; exit }' "$out")"
  errs[$name]="$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")"
  non2xx[$name]="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")"
  [ -n "${rps[$name]}" ] || { cat "$out" >&2; die "cannot parse wrk's output for $name"; }
  log "  ${rps[$name]} req/s, p50 ${p50[$name]} ms, p99 ${p99[$name]} ms, ${reqs[$name]} requests, socket errors ${errs[$name]:-0}, non-2xx ${non2xx[$name]:-0} (load $(load_average))"
}
run_wrk nginx "$nginx_port"
run_wrk zhengtong "$port"
[ "${non2xx[zhengtong]:-0}" = 0 ] || log "WARNING: zhengtong answered ${non2xx[zhengtong]} non-2xx responses"
kill -TERM "$nginx_pid" 2>/dev/null || true

# ---------------------------------------------------------------- pgbench ----
pg_dir="$(mktemp -d /tmp/zt-bench-read-pg.XXXXXX)"
pg_url="$("$repo_root/scripts/pg_temp.sh" start "$pg_dir")" || die "cannot start PostgreSQL"
log "PostgreSQL at $pg_url"
"$psql_bin" -q -v ON_ERROR_STOP=1 "$pg_url" >/dev/null <<'EOF'
CREATE TABLE people (n integer PRIMARY KEY, id_number text NOT NULL UNIQUE, name text,
  gender text, birth_date date, address text, division_code text, phone text,
  registered_at timestamptz, household_size bigint, income numeric);
EOF
columns="f_id_number, f_name, f_gender, f_birth_date, f_address, f_division_code, f_phone, f_registered_at, f_household_size, f_income"
t0="$(now)"
sqlite3 -csv "file:$db?mode=ro" "SELECT row_number() OVER (), $columns FROM $table" |
  "$psql_bin" -q -v ON_ERROR_STOP=1 "$pg_url" -c "\\copy people FROM STDIN WITH (FORMAT csv)" >/dev/null
"$psql_bin" -q -v ON_ERROR_STOP=1 "$pg_url" -c "VACUUM ANALYZE people" -c "CHECKPOINT" >/dev/null
pg_rows="$("$psql_bin" -At "$pg_url" -c "SELECT count(*) FROM people")"
[ "$pg_rows" = "$rows" ] || die "PostgreSQL holds $pg_rows rows, expected $rows"
log "loaded $pg_rows rows into PostgreSQL in $(elapsed "$t0" "$(now)") s"
cat >"$tmp/select.sql" <<EOF
\\set i random(1, $rows)
SELECT id_number, name, address, phone FROM people WHERE n = :i;
EOF
"$pgbench_bin" -n -M prepared -c "$connections" -j "$threads" -T "$warmup" -f "$tmp/select.sql" "$pg_url" \
  >/dev/null 2>&1 || die "pgbench warm-up failed"
log "pgbench -n -M prepared -c $connections -j $threads -T $duration (point select by row number)"
"$pgbench_bin" -n -M prepared -c "$connections" -j "$threads" -T "$duration" -f "$tmp/select.sql" \
  "$pg_url" >"$tmp/pgbench.txt" 2>&1 || { cat "$tmp/pgbench.txt" >&2; die "pgbench failed"; }
tps="$(awk '/^tps = / { print $3; exit }' "$tmp/pgbench.txt")"
pg_latency="$(awk '/^latency average = / { print $4; exit }' "$tmp/pgbench.txt")"
[ -n "$tps" ] || { cat "$tmp/pgbench.txt" >&2; die "cannot parse pgbench's output"; }
log "  $tps TPS, latency average $pg_latency ms (load $(load_average))"
"$repo_root/scripts/pg_temp.sh" stop "$pg_dir" || true
pg_dir=""

# ----------------------------------------------------------------- export ----
# Reset the server's peak RSS (VmHWM) to its current RSS, so the figure after the export is the
# export's peak and not the ingest's (Linux >= 4.0; without it the growth reads 0 whatever happens).
hwm_reset=no
if echo 5 2>/dev/null >"/proc/$server_pid/clear_refs"; then hwm_reset=yes; fi
hwm_before="$(status_kib "$server_pid" VmHWM)" rss_before="$(status_kib "$server_pid" VmRSS)"
log "export: GET /api/v1/resources/$code/export?format=csv as the consumer"
t0="$(now)"
export_code="$(curl -s --max-time 3600 -o "$tmp/export.csv" -w '%{http_code}' \
  -H "Authorization: Bearer $token" -H "X-Purpose: $purpose" \
  "http://127.0.0.1:$port/api/v1/resources/$code/export?format=csv" || true)"
export_seconds="$(elapsed "$t0" "$(now)")"
hwm_after="$(status_kib "$server_pid" VmHWM)" rss_after="$(status_kib "$server_pid" VmRSS)"
[ "$export_code" = 200 ] || { head -c 2000 "$tmp/export.csv" >&2; die "export answered '$export_code'"; }
export_rows=$(($(wc -l <"$tmp/export.csv") - 1))
[ "$export_rows" = "$rows" ] || log "WARNING: the export holds $export_rows rows, expected $rows"
header="$(head -n 1 "$tmp/export.csv" | tr -d '\r')"
export_bytes="$(wc -c <"$tmp/export.csv")"
log "  $export_rows rows, $export_bytes bytes in ${export_seconds}s; header $header; VmHWM (reset: $hwm_reset) $hwm_before -> $hwm_after KiB, VmRSS $rss_before -> $rss_after KiB"
rm -f "$tmp/export.csv"
# sqlite3 -csv of the same columns, in the export's order, from the same file (read-only).
select_list="$(awk -F, '{ for (i = 1; i <= NF; i++) printf "%sf_%s", (i > 1 ? ", " : ""), $i }' <<<"$header")"
log "sqlite3 -csv -header: SELECT $select_list FROM $table"
t0="$(now)"
sqlite3 -csv -header "file:$db?mode=ro" "SELECT $select_list FROM $table" >"$tmp/sqlite.csv"
sqlite_seconds="$(elapsed "$t0" "$(now)")"
sqlite_rows=$(($(wc -l <"$tmp/sqlite.csv") - 1))
log "  $sqlite_rows rows, $(wc -c <"$tmp/sqlite.csv") bytes in ${sqlite_seconds}s"
rm -f "$tmp/sqlite.csv"

# ---------------------------------------------------------------- results ----
export_rps="$(awk -v r="$export_rows" -v s="$export_seconds" 'BEGIN { printf "%.0f\n", r / s }')"
sqlite_rps="$(awk -v r="$sqlite_rows" -v s="$sqlite_seconds" 'BEGIN { printf "%.0f\n", r / s }')"
growth_mb="$(awk -v a="$hwm_before" -v b="$hwm_after" 'BEGIN { printf "%.1f\n", (b - a) / 1024 }')"
r_nginx="$(ratio "${rps[zhengtong]}" "${rps[nginx]}")"
r_pg="$(ratio "${rps[zhengtong]}" "$tps")"
r_export="$(ratio "$export_rps" "$sqlite_rps")"
verdict() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? (v + 0 >= g + 0) : (v + 0 < g + 0); print ok ? "PASS" : "FAIL" }'; }

echo
echo "Read benchmarks, SQLite, $rows rows, $(nproc) CPUs, load average $(load_average) at the end"
echo "wrk -t$threads -c$connections -d${duration}s --latency, random keys; server: $io_threads I/O threads, $workers workers"
printf '%-30s %14s %-22s %14s %8s %8s %-6s %8s\n' measure value reference "ref value" ratio goal result "p99 ms"
printf '%-30s %14.0f %-22s %14.0f %8s %8s %-6s %8.3f\n' "lookup req/s" "${rps[zhengtong]}" "nginx return 200" \
  "${rps[nginx]}" "$r_nginx" ">= 0.4" "$(verdict "$r_nginx" 0.4 '>=')" "${p99[zhengtong]}"
printf '%-30s %14.0f %-22s %14.0f %8s %8s %-6s %8s\n' "lookup req/s" "${rps[zhengtong]}" "pgbench -M prepared" \
  "$tps" "$r_pg" ">= 1.0" "$(verdict "$r_pg" 1.0 '>=')" "-"
printf '%-30s %14.3f %-22s %14s %8s %8s %-6s %8s\n' "lookup p99 ms" "${p99[zhengtong]}" "-" "-" "-" "< 5" \
  "$(verdict "${p99[zhengtong]}" 5 '<')" "${p99[zhengtong]}"
printf '%-30s %14.0f %-22s %14.0f %8s %8s %-6s %8s\n' "export CSV rows/s" "$export_rps" "sqlite3 -csv" \
  "$sqlite_rps" "$r_export" ">= 0.5" "$(verdict "$r_export" 0.5 '>=')" "-"
printf '%-30s %14s %-22s %14s %8s %8s %-6s %8s\n' "export VmHWM growth MB" "$growth_mb" "-" "-" "-" "< 32" \
  "$(verdict "$growth_mb" 32 '<')" "-"
echo
echo "lookup p50: zhengtong ${p50[zhengtong]} ms, nginx ${p50[nginx]} ms (p99 ${p99[nginx]} ms); pgbench latency average $pg_latency ms"
echo "zhengtong: ${reqs[zhengtong]} requests, ${non2xx[zhengtong]:-0} non-2xx, ${errs[zhengtong]:-0} socket errors"
echo "export: $export_rows rows, $export_bytes bytes in ${export_seconds}s; server VmHWM (reset before: $hwm_reset) $((hwm_before / 1024)) -> $((hwm_after / 1024)) MB, VmRSS $((rss_before / 1024)) -> $((rss_after / 1024)) MB"
echo "sqlite3 -csv: $sqlite_rows rows in ${sqlite_seconds}s; ingest (set-up): $rows rows in ${ingest_seconds}s"
