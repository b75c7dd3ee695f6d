#!/usr/bin/env bash
# Lints the API document a real server serves: starts `zhengtong serve` on a fresh SQLite database
# on a free loopback port, fetches /api/openapi.json and runs Spectral (ruleset spectral:oas,
# .spectral.yaml) and Redocly (recommended rules, redocly.yaml) on it. Prints every error and
# warning of either, and fails on any. Installs the pinned linters (package-lock.json) with
# `npm ci` when node_modules is missing or older than the lock file.
#   tests/openapi/lint.sh path/to/zhengtong
# ZT_KEEP_LINT_DIR=1 keeps the work
# folder (the document as openapi.json, both linters' JSON reports, the server's log).
set -euo pipefail
binary=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
# No telemetry or update checks from the linters (Scarf is a dependency of spectral-cli).
export SCARF_ANALYTICS=false REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export NO_UPDATE_NOTIFIER=1

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d /tmp/zt-openapi-lint-XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${ZT_KEEP_LINT_DIR:-}" = "" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

cat > "$work/zhengtong.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[database]
url = "sqlite:$work/zt.db"
[security]
data_key_file = "$work/data.key"
[log]
level = "warn"
TOML
(cd "$work" && exec env -u ZT_DATABASE_URL -u ZT_LISTEN "$binary" --config zhengtong.toml serve \
  > server.out 2> server.err) &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q 'is serving on http://' "$work/server.err" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o "http://[0-9.:]*" "$work/server.err" | head -1 || true)
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/server.err"; exit 1; }
# Pretty-printed, so that the linters' line numbers point somewhere readable.
curl -sf "$url/api/openapi.json" | jq . > "$work/openapi.json"
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""
echo "linting the API document of $(basename "$binary") ($(jq '[.paths[] | keys[]] | length' "$work/openapi.json") operations)"

# Each finding as "linter rule location<TAB>severity<TAB>message", the location a JSON path with
# dots ("paths./api/v1/users.get.responses.200"), the same for both linters.
dotted='map(tostring) | join(".")'
echo "== spectral lint (spectral:oas, .spectral.yaml)"
npx --no-install spectral lint --ruleset .spectral.yaml --format=json --quiet \
  "$work/openapi.json" > "$work/spectral.json" 2> "$work/spectral.err" || true
if ! jq -e 'type == "array"' "$work/spectral.json" > /dev/null 2>&1; then
  echo "spectral gave no report:"; cat "$work/spectral.err" "$work/spectral.json"; exit 1
fi
# Severities: 0 error, 1 warning, 2 information, 3 hint. Errors and warnings count.
jq -r ".[] | select(.severity <= 1)
  | \"spectral \(.code) \(.path | $dotted)\t\(if .severity == 0 then \"error\" else \"warning\" end)\t\(.message)\"" \
  "$work/spectral.json" > "$work/findings"

echo "== redocly lint (recommended, redocly.yaml)"
npx --no-install redocly lint --config redocly.yaml --format=json --max-problems 100000 \
  "$work/openapi.json" > "$work/redocly.json" 2> "$work/redocly.err" || true
if ! jq -e .totals "$work/redocly.json" > /dev/null 2>&1; then
  echo "redocly gave no report:"; cat "$work/redocly.err" "$work/redocly.json"; exit 1
fi
jq -r ".problems[] | select(.severity == \"error\" or .severity == \"warn\")
  | \"redocly \(.ruleId) \(.location[0].pointer // \"#\" | ltrimstr(\"#/\") | split(\"/\")
      | map(gsub(\"~1\"; \"/\") | gsub(\"~0\"; \"~\")) | $dotted)\t\(if .severity == \"error\" then \"error\" else \"warning\" end)\t\(.message)\"" \
  "$work/redocly.json" >> "$work/findings"

while IFS=$'\t' read -r key severity message; do
  printf '%-7s %s\n    %s\n' "$severity" "$key" "$message"
done < "$work/findings"
for linter in spectral redocly; do
  printf '%s: %s errors, %s warnings\n' "$linter" \
    "$(grep -c "^$linter .*"$'\t'"error"$'\t' "$work/findings" || true)" \
    "$(grep -c "^$linter .*"$'\t'"warning"$'\t' "$work/findings" || true)"
done
if [ -s "$work/findings" ]; then
  echo "FAILED: the API document has lint findings (errors or warnings)"
  exit 1
fi
echo "PASSED: no lint error or warning in the API document"
