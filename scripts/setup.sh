#!/usr/bin/env bash
# Installs what Zhengtong needs from Debian's packages, and only what is missing.
#   scripts/setup.sh            build and run the product
#   scripts/setup.sh --tests    also the test tools: PostgreSQL server, clang/libFuzzer, sanitizer runtimes,
#                               jq and oathtool (the integrator's guide runs as a test)
#   scripts/setup.sh --bench    also wrk and nginx for bench/
# Idempotent: a second run with nothing missing touches nothing and needs no network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libssl-dev libargon2-dev
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(libgtest-dev libgmock-dev libbenchmark-dev postgresql-15 clang-14 libclang-rt-14-dev clang-format-14 jq oathtool) ;;
    --bench) packages+=(libbenchmark-dev wrk nginx-light) ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
# Installing nginx must not leave a system nginx running on port 80: benchmarks start their own.
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
