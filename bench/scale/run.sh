#!/usr/bin/env bash
# The scale sweep of issue 16 (not in CI: too slow). For each city size it seeds a fresh
# database with `zhengtong seed-demo`, makes real requests as the demo accounts, grows the audit
# log to --audit-records with copies of those records (bench/scale/audit_grow, through the audit
# module's own append_batch), checks the chain with `zhengtong audit verify`, serves the city and
# times every GET operation of the API document the server serves (bench/scale/routes.txt says
# how each is asked; one it cannot fill is listed "skipped: why"), sequentially over one
# keep-alive connection (curl): warm-up, then --runs runs; median and p99. Then one table: small
# and large median, large p99, growth factor, flags (">3×", ">100 ms"), and the ratio of the
# registry person read to the hub key read at the large size.
#   bench/scale/run.sh [--sizes 20000,1000000] [--audit-records 10000000]
#                      [--small-audit-records N] [--runs 31]
#                      [--warmup 3] [--days 60] [--sample-keys 20000] [--pg URL] [--keep]
#                      [--build-dir DIR] [--out FILE.md] [--port 18190] [--work DIR]
#                      [--slow-ms 2000]
# The large city's log is grown by --audit-records, the small one's by --small-audit-records
# (default: in proportion to the people, 200 000 for the defaults), so the growth factors show
# what a route does when the city and its log grow together.
# A request slower than --slow-ms at its first call is timed 3 times only (said in the table).
# --pg URL: also run each size on PostgreSQL (URL of a database the user may CREATE DATABASE
# from; one database zt_scale_<size> each, dropped at the end unless --keep). Without
# --build-dir it builds the bench preset (build/bench: zhengtong and audit_grow). The databases
# go to --work (default a new directory in $TMPDIR), removed at the end unless --keep; the table
# goes to stdout and, as markdown, to --out (default bench/out/scale-<time>.md).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sizes="20000,1000000" audit_records=10000000 runs=31 warmup=3 days=60 sample_keys=20000
pg_url="" keep=0 build_dir="" out="" port=18190 work="" slow_ms=2000 small_audit=""
die() { echo "bench/scale: error: $*" >&2; exit 1; }
say() { echo "bench/scale: [$(date -u +%H:%M:%S)] $*"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --audit-records) audit_records="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --sample-keys) sample_keys="$2"; shift 2 ;;
    --pg) pg_url="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --slow-ms) slow_ms="$2"; shift 2 ;;
    --small-audit-records) small_audit="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
done
IFS=, read -r -a size_list <<<"$sizes"
[ "${#size_list[@]}" -eq 2 ] || die "--sizes takes two sizes, small,large"
[ -n "$small_audit" ] || small_audit=$(( audit_records * size_list[0] / size_list[1] ))
for n in "${size_list[@]}" "$audit_records" "$runs" "$warmup" "$sample_keys" "$slow_ms" "$small_audit"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "not a number: $n"
done
for tool in jq curl openssl base32 awk; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
if [ -n "$pg_url" ]; then command -v psql >/dev/null || die "--pg needs psql"; fi

cd "$repo_root"
if [ -z "$build_dir" ]; then
  cmake --preset bench >/dev/null
  build_dir="$repo_root/build/bench"
  cmake --build "$build_dir" --target zhengtong audit_grow >&2
fi
bin="$build_dir/zhengtong"
grow="$build_dir/bench/audit_grow"
[ -x "$bin" ] || die "no zhengtong binary in $build_dir"
[ -x "$grow" ] || die "no bench/audit_grow in $build_dir (cmake --build $build_dir --target audit_grow)"
divisions="$repo_root/data/divisions"
[ -f "$divisions/areas.csv" ] || divisions="$repo_root/tests/data/divisions-330300"
routes_file="$repo_root/bench/scale/routes.txt"
[ -n "$out" ] || { mkdir -p "$repo_root/bench/out"; out="$repo_root/bench/out/scale-$(date -u +%Y%m%dT%H%M%S).md"; }

[ -n "$work" ] || work="$(mktemp -d "${TMPDIR:-/tmp}/zt-scale.XXXXXX")"
mkdir -p "$work"
server=""
pg_databases=()
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ "$keep" = 0 ]; then
    for d in "${pg_databases[@]}"; do psql "$pg_url" -qc "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
    rm -rf "$work"
  else
    echo "bench/scale: kept $work ${pg_databases[*]}" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
results="$work/results.tsv"
: >"$results"
base="http://127.0.0.1:$port"
say "sizes ${size_list[*]} people, $small_audit and $audit_records audit records over $days days, $runs runs ($warmup warm-up); work $work; load $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"

# --- the server ----------------------------------------------------------------------------
start_server() {  # start_server DIR
  "$bin" -c "$1/zt.toml" serve >"$1/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 1200); do
    curl -sf "$base/api/v1/version" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { tail -n 20 "$1/serve.log" >&2; die "the server exited"; }
    sleep 0.5
  done
  die "the server did not answer in 10 minutes"
}
stop_server() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

# --- signing in ----------------------------------------------------------------------------
declare -A token pass totp_key
# post and get print the body and leave the status in $work/.status (they run in $(…)).
last_status() { cat "$work/.status"; }
post() {  # post PATH TOKEN JSON -> body
  local res
  res="$(curl -s -w '\n%{http_code}' "$base$1" -H 'Content-Type: application/json' -H 'X-Purpose: 办件审核' \
    ${2:+-H "Authorization: Bearer $2"} -d "$3")"
  printf '%s' "${res##*$'\n'}" >"$work/.status"
  printf '%s' "${res%$'\n'*}"
}
totp_now() {  # totp_now HEXKEY: RFC 6238 (SHA-1, 30 s, 6 digits)
  local counter mac offset value
  counter="$(printf '%016x' $(( $(date +%s) / 30 )))"
  mac="$(printf '%s' "$counter" | xxd -r -p | openssl dgst -sha1 -mac HMAC -macopt "hexkey:$1" | awk '{print $NF}')"
  offset=$(( 16#${mac:39:1} * 2 ))
  value=$(( (16#${mac:offset:8} & 0x7fffffff) % 1000000 ))
  printf '%06d' "$value"
}
login() {  # login USER PASSWORD [TOTP] -> token
  local body
  body="$(post /api/v1/auth/login "" "$(jq -nc --arg u "$1" --arg p "$2" --arg t "${3:-}" \
    '{username: $u, password: $p} + (if $t == "" then {} else {totp: $t} end)')")"
  [ "$(last_status)" = 200 ] || die "sign-in of $1: $(last_status) $body"
  jq -r .token <<<"$body"
}
# The three administrators: the first sign-in changes the one-time password and enrols TOTP.
ready_admin() {  # ready_admin USER ONE_TIME_PASSWORD
  local t secret body
  t="$(login "$1" "$2")"
  pass[$1]="Zt-Scale-$(openssl rand -hex 6)-9a"
  post /api/v1/auth/password "$t" "$(jq -nc --arg c "$2" --arg n "${pass[$1]}" \
    '{current_password: $c, new_password: $n}')" >/dev/null
  [ "$(last_status)" = 204 ] || die "password change of $1: $(last_status)"
  body="$(post /api/v1/auth/totp/setup "$t" '{}')"
  [ "$(last_status)" = 200 ] || die "TOTP setup of $1: $(last_status) $body"
  secret="$(jq -r .secret <<<"$body")"
  totp_key[$1]="$(printf '%s' "$secret" | base32 -d 2>/dev/null | xxd -p | tr -d '\n')"
  post /api/v1/auth/totp/confirm "$t" "$(jq -nc --arg c "$(totp_now "${totp_key[$1]}")" '{code: $c}')" >/dev/null
  [ "$(last_status)" = 204 ] || die "TOTP confirm of $1: $(last_status)"
  token[$1]="$t"
}
# An administrator's sign-in with the current TOTP code; a code already used (the same 30 s
# step) is refused, so it waits for the next step once.
login_admin() {  # login_admin USER -> token
  local body attempt
  for attempt in 1 2; do
    body="$(post /api/v1/auth/login "" "$(jq -nc --arg u "$1" --arg p "${pass[$1]}" \
      --arg t "$(totp_now "${totp_key[$1]}")" '{username: $u, password: $p, totp: $t}')")"
    [ "$(last_status)" = 200 ] && { jq -r .token <<<"$body"; return 0; }
    sleep $(( 31 - $(date +%s) % 30 ))
  done
  die "sign-in of $1: $(last_status) $body"
}
sign_in_all() {  # sign_in_all DIR [relogin]: a token per role of routes.txt
  local dir="$1" acc="$1/accounts.json"
  if [ -n "${2:-}" ]; then
    for a in sysadmin secadmin auditadmin; do token[$a]="$(login_admin "$a")"; done
  fi
  token[sys]="${token[sysadmin]}" token[sec]="${token[secadmin]}" token[audit]="${token[auditadmin]}"
  for role in data:data_admin police:police_officer hrss:hrss_officer market:market_officer civil:civil_officer; do
    token[${role%%:*}]="$(login "${role#*:}" "$(account_password "$acc" "${role#*:}")")"
  done
  token[citizen_many]="$(login "${fix[citizen_many]}" "$(account_password "$acc" "${fix[citizen_many]}")")"
  token[citizen_few]="$(login "${fix[citizen_few]}" "$(account_password "$acc" "${fix[citizen_few]}")")"
  token[enterprise]="$(login "${fix[enterprise_key]}" "$(account_password "$acc" "${fix[enterprise_key]}")")"
  token[anon]=""
}
account_password() { jq -r --arg u "$2" '.[] | select(.username == $u) | .password' "$1"; }

get() {  # get ROLE TARGET -> body
  local res
  res="$(curl -s -w '\n%{http_code}' ${token[$1]:+-H "Authorization: Bearer ${token[$1]}"} \
    -H 'X-Purpose: 办件审核' -H 'X-Case-Id: ZW33030020261207001' "$base$2")"
  printf '%s' "${res##*$'\n'}" >"$work/.status"
  printf '%s' "${res%$'\n'*}"
}

# --- one size ------------------------------------------------------------------------------
declare -A fix
run_size() {  # run_size LABEL PEOPLE DATABASE_URL AUDIT_RECORDS
  local label="$1" people="$2" url="$3" audit_records="$4" dir="$work/$1" t0 t1
  mkdir -p "$dir"
  cat >"$dir/zt.toml" <<EOF
[server]
listen = "127.0.0.1:$port"
[log]
access = false
level = "warn"
[database]
url = "$url"
[security]
data_key_file = "$dir/zhengtong.key"
audit_key_file = "$dir/zhengtong-audit.key"
audit_signing_key_file = "$dir/zhengtong-audit-signing.pem"
[audit]
checkpoint_file = "$dir/audit-checkpoints.ndjson"
EOF
  local z=("$bin" -c "$dir/zt.toml")
  say "$label: seeding $people people ($url)"
  t0=$(date +%s)
  "${z[@]}" registry import-divisions --from "$divisions" | tail -n 1
  "${z[@]}" admin init 2>"$dir/admins.txt" >/dev/null
  "${z[@]}" seed-demo --people "$people" --accounts-out "$dir/accounts.json" 2>&1 | tr '\r' '\n' \
    | grep -E 'registry merged|Demo city|rows ingested' || true
  [ -s "$dir/accounts.json" ] || die "seed-demo wrote no accounts"
  t1=$(date +%s); say "$label: seeded in $((t1 - t0)) s"; phase["$label seed"]=$((t1 - t0))

  start_server "$dir"
  while read -r user role one_time; do
    case "$role" in sys_admin|sec_admin|audit_admin) ready_admin "$user" "$one_time" ;; esac
  done < <(grep -E '^ +[a-z]+ +(sys|sec|audit)_admin ' "$dir/admins.txt")
  [ -n "${totp_key[sysadmin]:-}" ] && [ -n "${totp_key[auditadmin]:-}" ] || die "no administrator passwords from admin init"
  local acc="$dir/accounts.json"
  fix=()
  fix[citizen_many]="$(jq -r '[.[] | select(.kind == "citizen")][0].username' "$acc")"
  fix[citizen_few]="$(jq -r '[.[] | select(.kind == "citizen")][1].username' "$acc")"
  fix[enterprise_key]="$(jq -r '[.[] | select(.kind == "enterprise")][0].username' "$acc")"
  fix[person]="$(jq -r '[.[] | select(.kind == "citizen")][2].username' "$acc")"
  sign_in_all "$dir"

  # Real requests: the templates audit_grow copies, and the plan's keys. Every officer reads a
  # key of every resource (a 200 is a read template, a 403 a denied one) and pages it once.
  say "$label: real requests and key samples"
  t0=$(date +%s)
  local catalog codes=() readers=(police hrss market data) code keyfield type
  catalog="$(get data '/api/v1/catalog/resources?limit=100')"
  mapfile -t codes < <(jq -r '.items[] | select(.status == "published" or .status == null) | .code' <<<"$catalog")
  local plan_types="{}" plan_subjects="[]"
  for code in "${codes[@]}"; do
    keyfield="$(jq -r --arg c "$code" '.items[] | select(.code == $c) | [.fields[] | select(.key)][0].name' <<<"$catalog")"
    type="$(jq -r --arg c "$code" '.items[] | select(.code == $c) | [.fields[] | select(.key)][0].type' <<<"$catalog")"
    [ "$keyfield" != null ] || continue
    case "$type" in id_number|uscc) plan_types="$(jq -c --arg c "$code" --arg t "$type" '. + {($c): $t}' <<<"$plan_types")" ;; esac
    local keys_file="$dir/keys-$code.txt" sampler="" cursor="" page
    : >"$keys_file"
    for r in "${readers[@]}"; do
      page="$(get "$r" "/api/v1/resources/$code/records?limit=20")"
      [ "$(last_status)" = 200 ] || continue
      local k
      k="$(jq -r --arg f "$keyfield" '.items[0][$f] // empty' <<<"$page")"
      [ -n "$k" ] || continue
      # The sampler: the first who reads the keys unmasked.
      [ -n "$sampler" ] || [[ "$k" == *'*'* ]] || sampler="$r"
      get "$r" "/api/v1/resources/$code/records/$k" >/dev/null
    done
    for r in "${readers[@]}"; do  # reads of grantless officers: denied
      [ "$r" = "$sampler" ] || get "$r" "/api/v1/resources/$code/records/${fix[person]}" >/dev/null
    done
    [ -n "$sampler" ] || continue
    while [ "$(wc -l <"$keys_file")" -lt "$sample_keys" ]; do
      page="$(get "$sampler" "/api/v1/resources/$code/records?limit=1000&fields=$keyfield${cursor:+&cursor=$cursor}")"
      [ "$(last_status)" = 200 ] || break
      jq -r --arg f "$keyfield" '.items[][$f]' <<<"$page" | grep -v '\*' >>"$keys_file" || true
      cursor="$(jq -r '.next_cursor // empty' <<<"$page")"
      [ -n "$cursor" ] || break
    done
    [ "$code" = GA-0001 ] && fix[ga_cursor]="$(jq -r '.next_cursor // empty' \
      <<<"$(get police '/api/v1/resources/GA-0001/records?limit=100')")"
    jq -R -s --arg c "$code" '{($c): (split("\n") | map(select(. != "")))}' "$keys_file" >"$dir/keys-$code.json"
    echo "bench/scale: $label: $code ($type key $keyfield): $(wc -l <"$keys_file") keys sampled by ${sampler:-nobody}"
  done
  # Planned subjects: the first citizen read often (one read in 2 000 records), the second a few
  # times, the enterprise one in 8 000; on the resources that hold them.
  local subject reads resources
  for subject in "${fix[citizen_many]}:$((audit_records / 2000 + 1))" "${fix[citizen_few]}:5" \
                 "${fix[enterprise_key]}:$((audit_records / 8000 + 1))"; do
    resources="[]"
    for code in "${codes[@]}"; do
      get data "/api/v1/resources/$code/records/${subject%%:*}" >/dev/null
      if [ "$(last_status)" != 200 ]; then get police "/api/v1/resources/$code/records/${subject%%:*}" >/dev/null; fi
      [ "$(last_status)" = 200 ] && resources="$(jq -c --arg c "$code" '. + [$c]' <<<"$resources")"
    done
    plan_subjects="$(jq -c --arg k "${subject%%:*}" --argjson r "$resources" --argjson n "${subject#*:}" \
      '. + [{key: $k, resources: $r, reads: $n}]' <<<"$plan_subjects")"
  done
  # Filtered queries, a failed sign-in.
  get police '/api/v1/resources/GA-0001/records?division_code__prefix=330302&limit=20' >/dev/null
  get hrss '/api/v1/resources/RS-0001/records?insurance_status=insured&limit=20' >/dev/null
  get market '/api/v1/resources/SJ-0001/records?limit=20' >/dev/null
  post /api/v1/auth/login "" '{"username":"tax_officer","password":"wrong-password-1"}' >/dev/null
  # A subscription and a correction request, so their routes have something to read.
  post /api/v1/subscriptions "${token[police]}" \
    '{"resource":"GA-0001","url":"http://hooks.example.gov.cn/zhengtong/ga-0001"}' >/dev/null
  local mz_key
  mz_key="$(head -n 1 "$dir/keys-MZ-0001.txt" 2>/dev/null || true)"
  [ -z "$mz_key" ] || post "/api/v1/resources/MZ-0001/records/$mz_key/corrections" "${token[data]}" \
    '{"reason":"参保人户籍地址与户籍登记不一致，请核实"}' >/dev/null
  jq -s 'add' "$dir"/keys-*.json >"$dir/keys.json"
  jq -n --argjson t "$plan_types" --slurpfile k "$dir/keys.json" --argjson s "$plan_subjects" \
    '{subject_types: $t, keys: ($k[0] | with_entries(select(.value | length > 0))), subjects: $s}' >"$dir/plan.json"

  # Fixtures for the path parameters.
  fix[police_user]="$(get sys '/api/v1/users?limit=200' | jq -r '[(.items // [])[] | select(.username == "police_officer")][0].id // empty')"
  fix[police_dept]="$(get sys '/api/v1/users?limit=200' | jq -r '[(.items // [])[] | select(.username == "police_officer")][0].department_id // empty')"
  fix[ga_batch]="$(get police '/api/v1/resources/GA-0001/batches?limit=1' | jq -r '(.items // [])[0].batch_id // empty')"
  fix[rs_batch]="$(get hrss '/api/v1/resources/RS-0001/batches?limit=1' | jq -r '(.items // [])[0].batch_id // empty')"
  fix[grant_id]="$(get data '/api/v1/sharing/grants?limit=1' | jq -r '(.items // [])[0].id // empty')"
  fix[request_id]="$(get data '/api/v1/sharing/requests?limit=1' | jq -r '(.items // [])[0].id // empty')"
  fix[subscription_id]="$(get police '/api/v1/subscriptions?limit=1' | jq -r '(.items // [])[0].id // empty')"
  fix[correction_id]="$(get data '/api/v1/corrections?limit=1' | jq -r '(.items // [])[0].id // empty')"
  fix[rk_changes_after]="$(get data '/api/v1/resources/DSJ-RK01/changes?limit=1' | jq -r '(.last_seq // empty) | if . > 100 then . - 100 else 0 end')"
  fix[object_person]="DSJ-RK01/${fix[citizen_many]}"
  t1=$(date +%s); phase["$label requests"]=$((t1 - t0))
  stop_server

  say "$label: growing the audit log by $audit_records records"
  t0=$(date +%s)
  "$grow" -c "$dir/zt.toml" --plan "$dir/plan.json" --records "$audit_records" --days "$days" \
    | tee "$dir/grow.log"
  t1=$(date +%s); phase["$label grow"]=$((t1 - t0))
  phase["$label grow records/s"]="$(awk '/appended .* records in/ { print $(NF - 1) }' "$dir/grow.log")"
  say "$label: audit verify"
  t0=$(date +%s)
  "${z[@]}" audit verify | tail -n 1 | tee "$dir/verify.json"
  jq -e '.ok == true or .valid == true or .status == "ok"' "$dir/verify.json" >/dev/null \
    || die "$label: audit verify failed: $(cat "$dir/verify.json")"
  t1=$(date +%s); phase["$label verify"]=$((t1 - t0))
  if [[ "$url" == sqlite:* ]]; then
    phase["$label database MiB"]="$(du -sm "$dir" | cut -f1)"
    say "$label: database ${phase["$label database MiB"]} MiB"
  fi

  start_server "$dir"
  sign_in_all "$dir" relogin
  local now_s
  now_s=$(date +%s)
  fix[day_from]="$(date -d "@$((now_s - 86400 * 3))" +%Y-%m-%dT%H:%M:%S%:z)"
  fix[day_to]="$(date -d "@$((now_s - 86400 * 2))" +%Y-%m-%dT%H:%M:%S%:z)"
  fix[log_from]="$(date -d "@$((now_s - 86400 * (days + 1)))" +%Y-%m-%dT%H:%M:%S%:z)"
  fix[log_to]="$(date -d "@$((now_s + 3600))" +%Y-%m-%dT%H:%M:%S%:z)"
  for k in day_from day_to log_from log_to; do fix[$k]="${fix[$k]//+/%2B}"; done
  say "$label: timing the GET operations"
  t0=$(date +%s)
  time_all "$label"
  t1=$(date +%s); phase["$label timing"]=$((t1 - t0))
  stop_server
}

# --- timing --------------------------------------------------------------------------------
# time_one ROLE TARGET N W -> "status median_ms p99_ms bytes": W+N requests on one keep-alive
# connection, the first W unmeasured; p99 by nearest rank (with 31 runs: the slowest).
time_one() {
  local urls=() i raw
  for ((i = 0; i < $3 + $4; i++)); do urls+=(-o /dev/null "$base$2"); done
  raw="$(curl -s ${token[$1]:+-H "Authorization: Bearer ${token[$1]}"} -H 'X-Purpose: 办件审核' \
    -H 'X-Case-Id: ZW33030020261207001' -w '%{http_code} %{time_total} %{size_download}\n' \
    "${urls[@]}" | awk -v w="$4" 'NR > w')" || true
  [ -n "$raw" ] || { echo "000 0 0 0"; return; }
  local st bytes
  st="$(awk '$1 !~ /^2/ { print $1; exit }' <<<"$raw")"
  [ -n "$st" ] || st="$(tail -n 1 <<<"$raw" | cut -d' ' -f1)"
  bytes="$(tail -n 1 <<<"$raw" | cut -d' ' -f3)"
  awk '{ print $2 * 1000 }' <<<"$raw" | sort -n | awk -v st="$st" -v bytes="$bytes" '
    { t[NR] = $1 }
    END {
      r = int(NR * 0.99); if (r < NR * 0.99) r++
      printf "%s %.3f %.3f %d\n", st, t[int((NR + 1) / 2)], t[r], bytes }'
}
time_all() {  # time_all LABEL: every GET operation of the served API document
  local label="$1" doc ops=() op
  doc="$(curl -s "$base/api/openapi.json")"
  mapfile -t ops < <(jq -r '.paths | to_entries[] | select(.value.get) | .key' <<<"$doc")
  for op in "${ops[@]}"; do
    local lines=() line
    mapfile -t lines < <(grep -v '^#' "$routes_file" | awk -F' [|] ' -v op="$op" '$1 == op')
    if [ "${#lines[@]}" -eq 0 ]; then
      if jq -e --arg p "$op" '.paths[$p].get | ((.parameters // []) | any(.in == "path" or .required == true))' <<<"$doc" >/dev/null; then
        printf '%s\t%s\t%s\t\tskipped: no request in bench/scale/routes.txt\t\t\t\t\n' "$label" "$op" "" >>"$results"
        echo "bench/scale: $label: $op skipped: no request in bench/scale/routes.txt"
        continue
      fi
      lines=("$op | (as is) | sys | $op |")
    fi
    for line in "${lines[@]}"; do
      local variant role target flags missing="" n="$runs" w="$warmup" name
      IFS='|' read -r _ variant role target flags <<<"$line"
      variant="${variant#"${variant%%[! ]*}"}" variant="${variant%"${variant##*[! ]}"}"
      role="${role// /}" target="${target// /}" flags="${flags// /}"
      while [[ "$target" =~ \{([a-z_]+)\} ]]; do
        name="${BASH_REMATCH[1]}"
        if [ -z "${fix[$name]:-}" ]; then missing="$name"; break; fi
        target="${target//\{$name\}/${fix[$name]}}"
      done
      if [ -n "$missing" ]; then
        printf '%s\t%s\t%s\t\tskipped: no %s in the seeded city\t\t\t\t%s\n' "$label" "$op" "$variant" "$missing" "$flags" >>"$results"
        echo "bench/scale: $label: $op $variant skipped: no $missing in the seeded city"
        continue
      fi
      if [[ "$flags" =~ runs=([0-9]+) ]]; then n="${BASH_REMATCH[1]}"; [ "$n" -lt "$runs" ] || n="$runs"; w=1; fi
      # One request first (a warm-up too): one slower than --slow-ms gets 3 runs, no more
      # warm-up, so a route that grows with the log cannot hold the sweep for hours.
      local st med p99 bytes probe
      read -r _ probe _ _ < <(time_one "$role" "$target" 1 0)
      if awk -v p="$probe" -v s="$slow_ms" 'BEGIN { exit !(p > s) }'; then
        [ "$n" -le 3 ] || n=3
        w=0
      fi
      [ "$n" -ge "$runs" ] || flags="${flags:+$flags,}ran=$n"
      read -r st med p99 bytes < <(time_one "$role" "$target" "$n" "$w")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$op" "$variant" "$target" "$st" "$med" "$p99" "$bytes" "$flags" >>"$results"
      printf 'bench/scale: %s: %-42s %-28s %s %9.2f ms  p99 %9.2f ms  %s B (%s runs)\n' \
        "$label" "$op" "$variant" "$st" "$med" "$p99" "$bytes" "$n"
    done
  done
}

# --- the sweep -----------------------------------------------------------------------------
declare -A phase
backends=(sqlite)
[ -n "$pg_url" ] && backends+=(pg)
for backend in "${backends[@]}"; do
  for size in "${size_list[@]}"; do
    label="$backend-$size"
    if [ "$backend" = sqlite ]; then
      db_url="sqlite:$work/$label/zhengtong.db"
    else
      dbname="zt_scale_$size"
      psql "$pg_url" -qc "DROP DATABASE IF EXISTS $dbname" >/dev/null
      psql "$pg_url" -qc "CREATE DATABASE $dbname" >/dev/null
      pg_databases+=("$dbname")
      db_url="$(sed -E "s#/[^/?]*(\?|\$)#/$dbname\1#" <<<"$pg_url")"
    fi
    grow_by="$audit_records"
    [ "$size" = "${size_list[0]}" ] && grow_by="$small_audit"
    run_size "$label" "$size" "$db_url" "$grow_by"
  done
done

# --- the table -----------------------------------------------------------------------------
{
  echo "## Scale sweep $(date -u +%Y-%m-%d) — ${size_list[0]} people with $small_audit audit records grown, ${size_list[1]} with $audit_records"
  echo
  echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$repo_root" describe --always --dirty 2>/dev/null || echo unknown); $runs runs after $warmup warm-up (fewer where the flags say runs=N), one keep-alive connection, p99 by nearest rank (with 31 runs: the slowest run)."
  echo
  echo "Phases (s unless said): $(for k in "${!phase[@]}"; do echo "$k ${phase[$k]};"; done | sort | tr '\n' ' ')"
  for backend in "${backends[@]}"; do
    small="$backend-${size_list[0]}" large="$backend-${size_list[1]}"
    echo
    echo "### $backend"
    echo
    echo "| route | variant | ${size_list[0]}: median ms | ${size_list[1]}: median ms | p99 ms | growth | flag |"
    echo "|---|---|---:|---:|---:|---:|---|"
    awk -F'\t' -v s="$small" -v l="$large" '
      function fmt(x) { return x == "" ? "—" : (x + 0 >= 100 ? sprintf("%.0f", x) : sprintf("%.2f", x)) }
      $1 == s || $1 == l {
        k = $2 "\t" $3
        if (!(k in seen)) { seen[k] = 1; order[++n] = k }
        st[$1, k] = $5; med[$1, k] = $6; p99[$1, k] = $7; fl[k] = $9 }
      END {
        for (i = 1; i <= n; i++) {
          k = order[i]; split(k, a, "\t")
          ss = st[s, k]; ls = st[l, k]
          if (ss ~ /^skipped/ || ls ~ /^skipped/) {
            printf "| `%s` | %s | %s | | | | |\n", a[1], a[2], (ls != "" ? ls : ss); continue }
          g = (med[s, k] > 0 ? med[l, k] / med[s, k] : 0)
          flag = ""
          if (ss !~ /^2/ || ls !~ /^2/) flag = flag "HTTP " ss "/" ls " "
          if (g > 3) flag = flag (fl[k] ~ /grows/ ? "(>3×, ∝ data) " : (med[l, k] < 1 ? "**>3×** (< 1 ms) " : "**>3×** "))
          if (p99[l, k] > 100) flag = flag (fl[k] ~ /grows/ ? "(>100 ms, ∝ data) " : "**>100 ms** ")
          if (fl[k] ~ /required/) flag = flag "[p99 < 100 ms required] "
          if (match(fl[k], /ran=[0-9]+/)) flag = flag "(" substr(fl[k], RSTART + 4, RLENGTH - 4) " runs) "
          printf "| `%s` | %s | %s | %s | %s | %.2f× | %s|\n", a[1], (a[2] == "" ? "—" : a[2]),
            fmt(med[s, k]), fmt(med[l, k]), fmt(p99[l, k]), g, flag } }' "$results"
    awk -F'\t' -v l="$large" '
      $1 == l && $3 == "hub key read" { hub = $6 }
      $1 == l && $3 == "registry person read" { reg = $6 }
      END { if (hub > 0) printf "\nRegistry person read / hub key read at %s: %.2f× (median %.3f / %.3f ms; goal ≤ 2×).\n", l, reg / hub, reg, hub }' "$results"
  done
  echo
  echo "Legend: growth = large median / small median. ∝ data: the route returns proportionally more"
  echo "data at the larger size (flag \`grows\` in routes.txt: the export of 人口基础库, the audit"
  echo "export of a day, the audit verification of the whole chain), so it is not held to 3×."
  echo "**>3×** / **>100 ms**: a route over the limits; (< 1 ms): both medians under a millisecond,"
  echo "where a shared machine's noise alone can make 3×. [p99 < 100 ms required]: the issue's list."
} >"$out"
echo
cat "$out"
say "table written to $out"
