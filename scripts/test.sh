#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: installs what is missing (PostgreSQL
# server included), checks formatting, starts a throwaway PostgreSQL cluster on a free loopback
# port, runs the unit tests under ASan+UBSan, runs each fuzz target briefly over its corpus (the
# regression inputs included), then builds Release and runs every unit and integration test on
# SQLite and on PostgreSQL, and finally the browser tests of the web front end (chromium against a
# real server; tests/e2e/run.sh), which print their own summary.
#
#   ZT_FUZZ_SECONDS   seconds per fuzz target (default 20; scripts/fuzz.sh runs longer)
#   ZT_JOBS           parallel build and test jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${ZT_JOBS:-$(nproc)}
fuzz_seconds=${ZT_FUZZ_SECONDS:-20}
started=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

step "set-up"
scripts/setup.sh --tests

step "format check (clang-format-14)"
git ls-files -- 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' \
  | xargs -r clang-format-14 --dry-run -Werror

step "throwaway PostgreSQL cluster"
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/zt-pg.XXXXXX")
cleanup() { scripts/pg_temp.sh stop "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
ZT_TEST_PG_URL=$(scripts/pg_temp.sh start "$pgdir")
export ZT_TEST_PG_URL
echo "PostgreSQL at $ZT_TEST_PG_URL"

step "unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan >/dev/null
cmake --build build/asan --target unit_tests -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan -L unit --output-on-failure -j "$jobs"

step "fuzz targets (${fuzz_seconds}s each)"
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$jobs"
scripts/fuzz.sh --no-build --seconds "$fuzz_seconds"

step "build and run all tests (Release; SQLite and PostgreSQL)"
unset ASAN_OPTIONS UBSAN_OPTIONS
cmake --preset test >/dev/null
cmake --build build/test -j "$jobs"
ctest --test-dir build/test --output-on-failure -j "$jobs"

step "browser tests of the web front end (chromium, tests/e2e)"
tests/e2e/run.sh build/test/zhengtong
