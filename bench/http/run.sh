#!/usr/bin/env bash
# HTTP benchmark: zhengtong (1 and 2 I/O threads) against nginx answering the same bytes.
#   bench/http/run.sh [--binary build/release/zhengtong] [--duration 10] [--connections 64] [--runs 3]
#                     [--out bench/out/http.json]
# Needs wrk, nginx and curl (scripts/setup.sh --bench). See bench/http/README.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$repo_root/build/release/zhengtong"
duration=10
connections=64
runs=3
out="$repo_root/bench/out/http.json"
warmup=1 # seconds of unmeasured load per target before the measured runs
path="/api/v1/version"

usage() { sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "bench/http: error: $*" >&2; exit 1; }
log() { echo "bench/http: $*" >&2; }

# A relative path given on the command line is taken from the caller's directory.
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s/%s\n' "$PWD" "$1" ;; esac; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || die "--binary needs a value"; binary="$(abspath "$2")"; shift 2 ;;
    --duration) [ $# -ge 2 ] || die "--duration needs a value"; duration="$2"; shift 2 ;;
    --connections) [ $# -ge 2 ] || die "--connections needs a value"; connections="$2"; shift 2 ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a value"; runs="$2"; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; out="$(abspath "$2")"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
is_uint "$duration" || die "--duration must be a positive integer (seconds), got '$duration'"
is_uint "$connections" || die "--connections must be a positive integer, got '$connections'"
is_uint "$runs" || die "--runs must be a positive integer, got '$runs'"

for tool in wrk nginx curl awk; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (scripts/setup.sh --bench installs wrk and nginx)"
done
[ -x "$binary" ] || die "zhengtong binary not found or not executable: $binary (build it first)"
nginx_bin="$(command -v nginx)"

# ---------------------------------------------------------------- cleanup ----
tmp="$(mktemp -d "${TMPDIR:-/tmp}/zt-bench-http.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    # Give each process up to 5 s to exit, then kill it.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'trap - INT; cleanup; kill -INT $$' INT
trap 'exit 143' TERM HUP

# ------------------------------------------------------------------ ports ----
used_ports=" "
pick_port() {
  # A port in 20000..59999 on which nothing on 127.0.0.1 answers and that this script has not handed out.
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+="$p "
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

wait_ready() { # name pid url logfile: wait up to 15 s for url to answer 200 while pid lives
  local name="$1" pid="$2" url="$3" logf="$4" code=""
  for _ in $(seq 150); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start-up; last lines of $logf:"
      tail -n 20 "$logf" >&2 || true
      die "$name failed to start"
    fi
    code="$(http_code "$url")"
    [ "$code" = 200 ] && return 0
    sleep 0.1
  done
  log "$name did not answer 200 on $url within 15 s (last status '$code'); last lines of $logf:"
  tail -n 20 "$logf" >&2 || true
  die "$name failed to start"
}

# -------------------------------------------------------------- zhengtong ----
declare -A port pidof logfile
start_zt() { # target threads
  local t="$1" threads="$2"
  port[$t]="$(pick_port)"
  logfile[$t]="$tmp/$t.log"
  ZT_LISTEN="127.0.0.1:${port[$t]}" ZT_THREADS="$threads" ZT_DATABASE_URL="sqlite:$tmp/$t.db" \
    ZT_LOG_LEVEL=info "$binary" serve >"${logfile[$t]}" 2>&1 </dev/null &
  pidof[$t]=$!
  pids+=("${pidof[$t]}")
  wait_ready "zhengtong ($threads thread(s))" "${pidof[$t]}" "http://127.0.0.1:${port[$t]}/healthz" "${logfile[$t]}"
  log "zhengtong with $threads I/O thread(s) up on port ${port[$t]} (pid ${pidof[$t]})"
}

start_zt zt1 1
start_zt zt2 2

# The bytes nginx must answer: zhengtong's body, exactly, and its Content-Type.
body_file="$tmp/zt-body"
code="$(curl -s --max-time 5 -o "$body_file" -w '%{http_code}' "http://127.0.0.1:${port[zt1]}$path" || true)"
[ "$code" = 200 ] || die "zhengtong answered '$code' to GET $path, expected 200"
content_type="$(curl -s --max-time 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:${port[zt1]}$path")"
[ -n "$content_type" ] || content_type="application/json"
[ -s "$body_file" ] || die "zhengtong answered an empty body to GET $path"
if LC_ALL=C grep -q $'\r' "$body_file" || [ "$(LC_ALL=C tr -d '\000' <"$body_file" | wc -c)" != "$(wc -c <"$body_file")" ]; then
  die "zhengtong's body contains CR or NUL bytes, which this script cannot put into an nginx config"
fi
log "zhengtong's GET $path: $(wc -c <"$body_file") bytes, Content-Type: $content_type"

# ------------------------------------------------------------------ nginx ----
# Quote for an nginx single-quoted string: \ and ' are escaped with a backslash; '$' would start a
# variable and has no escape, so it becomes ${zt_dollar}, a geo variable whose value is a literal '$'.
nginx_quote() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\'/\\\'}"
  s="${s//\$/\$\{zt_dollar\}}"
  printf "'%s'" "$s"
}
body="$(cat "$body_file"; echo x)" # the x keeps trailing newlines
body="${body%x}"

port[nginx]="$(pick_port)"
logfile[nginx]="$tmp/nginx-error.log"
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx-error.log warn;
events {
    worker_connections 4096;
}
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
    geo \$zt_dollar {
        default "\$";
    }
    server {
        listen 127.0.0.1:${port[nginx]};
        location = $path {
            default_type $(nginx_quote "$content_type");
            return 200 $(nginx_quote "$body");
        }
        location = /healthz {
            return 200;
        }
        location / {
            return 404;
        }
    }
}
EOF
"$nginx_bin" -q -t -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx/" -e "$tmp/nginx-error.log" \
  >"$tmp/nginx-test.log" 2>&1 || { cat "$tmp/nginx-test.log" >&2; die "nginx rejected its config ($tmp/nginx/nginx.conf)"; }
"$nginx_bin" -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx/" -e "$tmp/nginx-error.log" \
  >"$tmp/nginx-stdout.log" 2>&1 </dev/null &
pidof[nginx]=$!
pids+=("${pidof[nginx]}")
wait_ready nginx "${pidof[nginx]}" "http://127.0.0.1:${port[nginx]}/healthz" "$tmp/nginx-error.log"
log "nginx up on port ${port[nginx]} (pid ${pidof[nginx]})"

curl -s --max-time 5 -o "$tmp/nginx-body" "http://127.0.0.1:${port[nginx]}$path" || die "nginx did not answer GET $path"
cmp -s "$body_file" "$tmp/nginx-body" || die "nginx's body differs from zhengtong's (see $tmp/nginx/nginx.conf)"
nginx_ct="$(curl -s --max-time 5 -o /dev/null -w '%{content_type}' "http://127.0.0.1:${port[nginx]}$path")"
[ "$nginx_ct" = "$content_type" ] || die "nginx's Content-Type '$nginx_ct' differs from zhengtong's '$content_type'"
log "nginx answers the same body and Content-Type"

# -------------------------------------------------------------------- wrk ----
to_ms() { # wrk time such as 812.00us, 1.20ms, 2.01s, 1.50m -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") f = 0.001; else if (u == "ms") f = 1; else if (u == "s") f = 1000
    else if (u == "m") f = 60000; else if (u == "h") f = 3600000; else { print "NaN"; exit 1 }
    printf "%.3f\n", n * f }'
}
median() { # numbers as arguments
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) { print "NaN"; exit }
    if (NR % 2) printf "%.3f\n", a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
log_lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
settled_log_lines() { # line count once it stops growing (asynchronous loggers), at most ~3 s
  local prev now
  prev="$(log_lines "$1")"
  for _ in $(seq 15); do
    sleep 0.2
    now="$(log_lines "$1")"
    [ "$now" = "$prev" ] && break
    prev="$now"
  done
  echo "$prev"
}

targets=(nginx zt1 zt2)
declare -A label=([nginx]="nginx" [zt1]="zhengtong (1 thread)" [zt2]="zhengtong (2 threads)")
declare -A rps_list p50_list p99_list reqs_total log_total errors non2xx
for t in "${targets[@]}"; do
  rps_list[$t]="" p50_list[$t]="" p99_list[$t]="" reqs_total[$t]=0 log_total[$t]=0 errors[$t]=0 non2xx[$t]=0
done

for t in "${targets[@]}"; do
  log "warm-up ${warmup}s: ${label[$t]}"
  wrk -t1 -c"$connections" -d"${warmup}s" "http://127.0.0.1:${port[$t]}$path" >/dev/null 2>&1 \
    || die "wrk failed against ${label[$t]}"
done

for run in $(seq "$runs"); do
  for t in "${targets[@]}"; do
    kill -0 "${pidof[$t]}" 2>/dev/null || die "${label[$t]} died (log: ${logfile[$t]})"
    before=0
    [ "$t" = nginx ] || before="$(settled_log_lines "${logfile[$t]}")"
    wrk_out="$tmp/wrk-$t-$run.txt"
    log "run $run/$runs: ${label[$t]}: wrk -t1 -c$connections -d${duration}s --latency"
    wrk -t1 -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:${port[$t]}$path" >"$wrk_out" 2>&1 \
      || { cat "$wrk_out" >&2; die "wrk failed against ${label[$t]}"; }
    rps="$(awk '/^Requests\/sec:/ { print $2 }' "$wrk_out")"
    p50="$(awk '/Latency Distribution/ { d = 1 } d && $1 == "50%" { print $2; exit }' "$wrk_out")"
    p99="$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$wrk_out")"
    reqs="$(awk '/ requests in / { print $1; exit }' "$wrk_out")"
    if [ -z "$rps" ] || [ -z "$p50" ] || [ -z "$p99" ] || [ -z "$reqs" ]; then
      cat "$wrk_out" >&2
      die "cannot parse wrk's output for ${label[$t]}"
    fi
    p50="$(to_ms "$p50")" p99="$(to_ms "$p99")"
    errs="$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$wrk_out")"
    bad="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$wrk_out")"
    errors[$t]=$((errors[$t] + ${errs:-0}))
    non2xx[$t]=$((non2xx[$t] + ${bad:-0}))
    rps_list[$t]+=" $rps" p50_list[$t]+=" $p50" p99_list[$t]+=" $p99"
    reqs_total[$t]=$((reqs_total[$t] + reqs))
    line="$rps req/s, p50 $p50 ms, p99 $p99 ms, $reqs requests"
    if [ "$t" != nginx ]; then
      after="$(settled_log_lines "${logfile[$t]}")"
      lines=$((after - before))
      log_total[$t]=$((log_total[$t] + lines))
      line+=", $lines access-log lines"
    fi
    log "  $line"
    [ "${errs:-0}" = 0 ] || log "  WARNING: $errs socket errors"
    [ "${bad:-0}" = 0 ] || log "  WARNING: $bad non-2xx/3xx responses"
  done
done

# ---------------------------------------------------------------- results ----
declare -A med_rps med_p50 med_p99
for t in "${targets[@]}"; do
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  med_rps[$t]="$(median ${rps_list[$t]})" med_p50[$t]="$(median ${p50_list[$t]})" med_p99[$t]="$(median ${p99_list[$t]})"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f\n", a / b; else print "NaN" }'; }
ratio1="$(ratio "${med_rps[zt1]}" "${med_rps[nginx]}")"
ratio2="$(ratio "${med_rps[zt2]}" "${med_rps[nginx]}")"
goal=0.80

echo
echo "GET $path, wrk -t1 -c$connections -d${duration}s --latency, median of $runs interleaved run(s)"
printf '%-24s %12s %10s %10s\n' target "req/s" "p50 ms" "p99 ms"
for t in "${targets[@]}"; do
  printf '%-24s %12.0f %10.3f %10.3f\n' "${label[$t]}" "${med_rps[$t]}" "${med_p50[$t]}" "${med_p99[$t]}"
done
echo
printf 'ratio zhengtong(1 thread)/nginx:  %s\n' "$ratio1"
printf 'ratio zhengtong(2 threads)/nginx: %s\n' "$ratio2"
echo "goal: ratio >= $goal"
goal_met="$(awk -v r="$ratio1" -v g="$goal" 'BEGIN { ok = (r + 0 >= g + 0); print ok ? "true" : "false" }')"
if [ "$goal_met" = true ]; then echo "goal met by zhengtong (1 thread)"; else echo "goal NOT met by zhengtong (1 thread)"; fi

declare -A log_ok
echo
for t in zt1 zt2; do
  pct="$(awk -v l="${log_total[$t]}" -v r="${reqs_total[$t]}" 'BEGIN { printf "%.1f", (r > 0) ? 100 * l / r : 0 }')"
  log_ok[$t]="$(awk -v l="${log_total[$t]}" -v r="${reqs_total[$t]}" 'BEGIN { ok = (r > 0 && l >= 0.9 * r); print ok ? "true" : "false" }')"
  echo "access log ${label[$t]}: ${log_total[$t]} lines for ${reqs_total[$t]} requests ($pct%)"
  [ "${log_ok[$t]}" = true ] || echo "WARNING: ${label[$t]} logged far fewer lines than requests: is the access log on?"
done
for t in "${targets[@]}"; do
  if [ "${errors[$t]}" != 0 ] || [ "${non2xx[$t]}" != 0 ]; then
    echo "WARNING: ${label[$t]}: ${errors[$t]} socket errors, ${non2xx[$t]} non-2xx/3xx responses"
  fi
done

json_str() { # JSON string literal
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//$'\n'/\\n}"; s="${s//$'\t'/\\t}"
  printf '"%s"' "$s"
}
json_list() { # space-separated numbers -> JSON array
  local a
  read -r -a a <<<"$1"
  local IFS=,
  printf '[%s]' "${a[*]}"
}
mkdir -p "$(dirname "$out")"
{
  printf '{\n'
  printf '  "path": "%s",\n' "$path"
  printf '  "wrk": {"threads": 1, "connections": %d, "duration_s": %d, "runs": %d},\n' "$connections" "$duration" "$runs"
  printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '  "host": {"cpus": %d},\n' "$(nproc 2>/dev/null || echo 0)"
  printf '  "binary": %s,\n' "$(json_str "$binary")"
  printf '  "body_bytes": %d,\n' "$(wc -c <"$body_file")"
  printf '  "content_type": %s,\n' "$(json_str "$content_type")"
  printf '  "targets": {\n'
  sep=""
  for t in "${targets[@]}"; do
    printf '%s    "%s": {"label": %s, "rps": %s, "p50_ms": %s, "p99_ms": %s, ' "$sep" "$t" "$(json_str "${label[$t]}")" \
      "${med_rps[$t]}" "${med_p50[$t]}" "${med_p99[$t]}"
    printf '"runs": {"rps": %s, "p50_ms": %s, "p99_ms": %s}, ' "$(json_list "${rps_list[$t]# }")" \
      "$(json_list "${p50_list[$t]# }")" "$(json_list "${p99_list[$t]# }")"
    printf '"requests": %d, "socket_errors": %d, "non_2xx": %d' "${reqs_total[$t]}" "${errors[$t]}" "${non2xx[$t]}"
    if [ "$t" != nginx ]; then
      printf ', "access_log_lines": %d, "access_log_ok": %s' "${log_total[$t]}" "${log_ok[$t]}"
    fi
    printf '}'
    sep=$',\n'
  done
  printf '\n  },\n'
  printf '  "ratio_zt1_nginx": %s,\n' "$ratio1"
  printf '  "ratio_zt2_nginx": %s,\n' "$ratio2"
  printf '  "goal_ratio": %s,\n' "$goal"
  printf '  "goal_met": %s\n' "$goal_met"
  printf '}\n'
} >"$out.tmp"
mv "$out.tmp" "$out"
echo
echo "wrote ${out#"$repo_root/"}"
