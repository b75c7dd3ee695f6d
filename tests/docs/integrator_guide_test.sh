#!/usr/bin/env bash
# Runs the `sh` blocks of docs/integrator-guide.md, in order, in one shell with `set -euo
# pipefail`, against a fresh `zhengtong serve` on SQLite — so the guide's curl examples work as
# written. The accounts the guide assumes (a dept_admin and a dept_officer of 温州市公安局) are made
# here through the API, the administrators' second factor with oathtool.
#   tests/docs/integrator_guide_test.sh path/to/zhengtong docs/integrator-guide.md
set -euo pipefail
binary=$(realpath "$1")
guide=$(realpath "$2")
work=$(mktemp -d /tmp/zt-guide-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${ZT_KEEP_GUIDE_DIR:-}" = "" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
cd "$work"

cat > zhengtong.toml <<TOML
[server]
listen = "127.0.0.1:0"
[database]
url = "sqlite:$work/zt.db"
[security]
data_key_file = "$work/data.key"
[log]
level = "warn"
[exchange]
webhook_allowed_networks = ["127.0.0.0/8"]
TOML
env -u ZT_DATABASE_URL -u ZT_LISTEN "$binary" --config zhengtong.toml serve > server.out 2> server.err &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q 'is serving on http://' server.err && break
  sleep 0.1
done
ZT=$(grep -o "http://[0-9.:]*" server.err | head -1 || true)
[ -n "$ZT" ] || { echo "the server did not start:"; cat server.err; exit 1; }
export ZT

json() { curl -sf "$@" -H 'Content-Type: application/json'; }
# An administrator made ready: one-time password changed, TOTP enrolled.
ready_admin() {
  local user=$1 one_time
  one_time=$(awk -v u="$user" '$1 == u && NF == 3 { print $3 }' server.err)
  local token
  token=$(json "$ZT/api/v1/auth/login" -d "{\"username\":\"$user\",\"password\":\"$one_time\"}" | jq -r .token)
  json "$ZT/api/v1/auth/password" -H "Authorization: Bearer $token" \
    -d "{\"current_password\":\"$one_time\",\"new_password\":\"Guide-${one_time:0:8}-9a\"}" > /dev/null
  local secret
  secret=$(curl -sf -X POST "$ZT/api/v1/auth/totp/setup" -H "Authorization: Bearer $token" | jq -r .secret)
  json "$ZT/api/v1/auth/totp/confirm" -H "Authorization: Bearer $token" \
    -d "{\"code\":\"$(oathtool --totp -b "$secret")\"}" > /dev/null
  echo "$token"
}
sys=$(ready_admin sysadmin)
sec=$(ready_admin secadmin)
dept=$(json "$ZT/api/v1/departments" -H "Authorization: Bearer $sys" \
  -d '{"code":"330300-GA","name":"温州市公安局","division_code":"330300"}' | jq .id)
# A staff user with a role and a changed password; prints nothing.
staff() {
  local user=$1 role=$2 password=$3 created id initial token
  created=$(json "$ZT/api/v1/users" -H "Authorization: Bearer $sys" \
    -d "{\"kind\":\"staff\",\"username\":\"$user\",\"display_name\":\"$user\",\"department_id\":$dept}")
  id=$(echo "$created" | jq .user.id)
  initial=$(echo "$created" | jq -r .initial_password)
  json -X PUT "$ZT/api/v1/users/$id/roles" -H "Authorization: Bearer $sec" -d "{\"roles\":[\"$role\"]}" > /dev/null
  token=$(json "$ZT/api/v1/auth/login" -d "{\"username\":\"$user\",\"password\":\"$initial\"}" | jq -r .token)
  json "$ZT/api/v1/auth/password" -H "Authorization: Bearer $token" \
    -d "{\"current_password\":\"$initial\",\"new_password\":\"$password\"}" > /dev/null
}
export ZT_ADMIN_USER=ga_admin ZT_ADMIN_PASSWORD='Wz-Hukou-2026!a'
export ZT_OFFICER_USER=ga_officer ZT_OFFICER_PASSWORD='Wz-Sync-2026!b'
staff "$ZT_ADMIN_USER" dept_admin "$ZT_ADMIN_PASSWORD"
staff "$ZT_OFFICER_USER" dept_officer "$ZT_OFFICER_PASSWORD"
# A consumer department: 民政局's officer.
dept=$(json "$ZT/api/v1/departments" -H "Authorization: Bearer $sys" \
  -d '{"code":"330300-MZ","name":"温州市民政局","division_code":"330300"}' | jq .id)
export ZT_CONSUMER_USER=mz_officer ZT_CONSUMER_PASSWORD='Wz-Hunyin-2026!c'
staff "$ZT_CONSUMER_USER" dept_officer "$ZT_CONSUMER_PASSWORD"

# The guide's sh blocks, in order, as one script.
awk '/^```sh$/ { inside = 1; next } /^```$/ { inside = 0; next } inside { print }' "$guide" > guide.sh
blocks=$(grep -c '^```sh$' "$guide")
echo "running $blocks sh blocks of $(basename "$guide") against $ZT"
if ! bash -euo pipefail guide.sh > guide.out 2>&1; then
  echo "FAILED: a block of the guide failed; its output:"
  cat guide.out
  echo "--- server log ---"
  tail -50 server.out
  exit 1
fi
cat guide.out
echo "PASSED: all $blocks blocks of the guide ran"
