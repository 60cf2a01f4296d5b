#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make test`: build release (g++ 12), asan (clang 14, ASan+UBSan) and the libFuzzer targets (clang
# 14), run the whole suite in the release build (unit, integration, e2e, interop, fuzz-corpus
# replay), the unit, integration and replay tests in the asan build, and every fuzz target for
# FUZZ_TEST_SECONDS (default 10) from its seeds; then print the time of every stage. Fails on the
# first failure of a build, and after all test runs if any failed (a fuzzer crash is a failure).
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export PCP_STAGE_LOG
PCP_STAGE_LOG=$(mktemp)
trap 'rm -f "$PCP_STAGE_LOG"' EXIT
# In CI a missing capability is a failure, not a skip (DESIGN §7).
if [ "${CI:-}" = "true" ]; then
  export PCP_REQUIRE_NETNS=1 PCP_REQUIRE_INTEROP=1
fi
stage() { scripts/stage.sh "$@"; }
# Let ccache (when present) share objects between clones of the repo in different folders.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

echo "pcp make test on $(uname -sr), $(nproc) cores, $(g++-12 --version | head -1), $(clang++-14 --version | head -1)"
stage "configure release" cmake --preset release >/dev/null || exit 1
stage "build release" cmake --build --preset release -j "$jobs" || exit 1
stage "configure asan" cmake --preset asan >/dev/null || exit 1
stage "build asan" cmake --build --preset asan -j "$jobs" || exit 1
stage "configure fuzz" cmake --preset fuzz >/dev/null || exit 1
stage "build fuzz (libFuzzer targets)" cmake --build --preset fuzz -j "$jobs" --target fuzzers || exit 1

rc=0
logs=$(mktemp -d)
trap 'rm -rf "$PCP_STAGE_LOG" "$logs"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stage "ctest asan (unit, integration, sim, fuzz replay)" bash -c "set -o pipefail; ctest --test-dir build/asan \
  --output-on-failure -j $jobs -L 'unit|integration|sim|fuzz' --timeout 900 | tee $logs/asan.log" || rc=1
unset ASAN_OPTIONS UBSAN_OPTIONS
stage "ctest release (all)" bash -c "set -o pipefail; ctest --test-dir build/release --output-on-failure \
  -j $jobs --timeout 600 | tee $logs/release.log" || rc=1
# Short fuzzing: every target from its seeds only (a scratch corpus of its own, so the time does not
# depend on earlier runs), not added to the campaign results of scripts/fuzz.sh.
fuzz_secs="${FUZZ_TEST_SECONDS:-10}"
stage "fuzz (${fuzz_secs} s per target)" bash -c "set -o pipefail; scripts/fuzz.sh --fresh --no-record \
  --corpus build/fuzz/test-corpus -j $jobs $fuzz_secs | tee $logs/fuzz.log" || rc=1

echo
echo "stage times (seconds):"
awk -F'\t' '{ printf "  %-48s %8s  %s\n", $1, $2, ($3 == 0 ? "ok" : "FAILED") }' "$PCP_STAGE_LOG"
# One closing line over both ctest runs (each printed its own summary above).
total=0; failed=0; skipped=0
for f in "$logs"/asan.log "$logs"/release.log; do
  [ -f "$f" ] || continue
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$f" | tail -1)
  t=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line"); fl=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  sk=$(grep -cE '\(Skipped\)$' "$f" || true)
  total=$((total + ${t:-0})); failed=$((failed + ${fl:-0})); skipped=$((skipped + sk))
done
if [ "$total" -eq 0 ]; then
  echo "make test: no test ran" >&2
  exit 1
fi
echo
echo "tests: $((total - failed - skipped)) passed, ${failed} failed, ${skipped} skipped"
if [ -f "$logs/fuzz.log" ]; then
  fuzzed=$(awk 'NR > 1 && NF >= 6' "$logs/fuzz.log" | wc -l)
  fuzz_bad=$(awk 'NR > 1 && NF >= 6 && $6 != "ok"' "$logs/fuzz.log" | wc -l)
  echo "fuzz: ${fuzzed} targets for ${fuzz_secs} s each, $((fuzzed - fuzz_bad)) ok, ${fuzz_bad} failed"
fi
exit $rc
