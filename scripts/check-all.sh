#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make check-all` (after `make test`): the checks too slow or too narrow for every CI run —
#   * the release-epoll build (no io_uring macros) and its unit + integration tests,
#   * the TSan build (clang 14) of the engine, transport and host tests,
#   * every libFuzzer target for FUZZ_SECONDS (default 60) each.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
export PCP_STAGE_LOG
PCP_STAGE_LOG=$(mktemp)
trap 'rm -f "$PCP_STAGE_LOG"' EXIT
stage() { scripts/stage.sh "$@"; }
rc=0

stage "configure release-epoll" cmake --preset release-epoll >/dev/null || exit 1
stage "build release-epoll" cmake --build --preset release-epoll -j "$jobs" || exit 1
stage "ctest release-epoll (unit, integration)" ctest --test-dir build/release-epoll --output-on-failure -j "$jobs" \
  -L 'unit|integration' --timeout 600 || rc=1

stage "configure tsan" cmake --preset tsan >/dev/null || exit 1
stage "build tsan" cmake --build --preset tsan -j "$jobs" --target engine_tests transport_tests host_integration_tests kad_integration_tests || exit 1
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
for t in engine_tests transport_tests host_integration_tests kad_integration_tests; do
  stage "tsan $t" timeout 600 "build/tsan/tests/$t" || rc=1
done
unset TSAN_OPTIONS

stage "fuzz (${FUZZ_SECONDS:-60} s per target)" bash -c "cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j $jobs && scripts/fuzz.sh ${FUZZ_SECONDS:-60}" || rc=1

echo
echo "stage times (seconds):"
awk -F'\t' '{ printf "  %-48s %8s  %s\n", $1, $2, ($3 == 0 ? "ok" : "FAILED") }' "$PCP_STAGE_LOG"
exit $rc
