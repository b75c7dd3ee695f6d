#!/usr/bin/env bash
# Runs every libFuzzer target: first over its seed corpus (tests/fuzz/corpus/<name>/, which holds
# the regression inputs of crashes found before), then for --seconds of new inputs. A crash
# leaves its input in build/fuzz/tests/fuzz/; copy it into the corpus as a regression-… file and
# add a unit test for it.
#   scripts/fuzz.sh [--seconds N] [--no-build] [target…]     (default: 300 s, all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=300
build=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_identifiers fuzz_http fuzz_ingest)

if [ "$build" = 1 ]; then
  scripts/setup.sh --tests
  cmake --preset fuzz >/dev/null
  cmake --build build/fuzz
fi

root=$(pwd)
out=$root/build/fuzz/tests/fuzz
status=0
for target in "${targets[@]}"; do
  seeds=$root/tests/fuzz/corpus/${target#fuzz_}
  work=$out/${target}_corpus
  mkdir -p "$work"
  rm -f "$out/$target"-crash-* "$out/$target"-leak-* "$out/$target"-timeout-* "$out/$target"-oom-*
  echo "fuzz: $target for ${seconds}s over $(ls "$seeds" | wc -l) seeds"
  set +e
  "$out/$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/$target-" \
    "$work" "$seeds" >"$out/$target.log" 2>&1
  code=$?
  set -e
  grep -E '^(stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|Done)' \
    "$out/$target.log" || true
  if [ $code -ne 0 ]; then
    echo "fuzz: $target failed (exit $code); the end of its log:" >&2
    tail -n 40 "$out/$target.log" >&2
    ls "$out/$target"-* 2>/dev/null >&2 || true
    status=1
  fi
done
exit $status
