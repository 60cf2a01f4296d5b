#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target of the fuzz preset for SECONDS each, on a scratch copy of its seed
# corpus (new inputs land in build/fuzz/corpus/<target>/; crashes in build/fuzz/artifacts/).
#   scripts/fuzz.sh [SECONDS] [TARGET_REGEX]
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
filter="${2:-.}"
bin=build/fuzz
[ -d "$bin" ] || { echo "fuzz: build the fuzz preset first (make fuzz-build)" >&2; exit 1; }
mkdir -p "$bin/corpus" "$bin/artifacts"
rc=0
summary=()
for exe in "$bin"/fuzz/fuzz_* "$bin"/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe"); name=${name#fuzz_}
  [[ "$name" =~ $filter ]] || continue
  work="$bin/corpus/$name"
  mkdir -p "$work"
  cp -n fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  log="$bin/artifacts/$name.log"
  "$exe" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$bin/artifacts/$name-" "$work" >"$log" 2>&1
  r=$?
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  if [ "$r" -ne 0 ]; then
    rc=1
    summary+=("$name: CRASH (exit $r) after ${execs:-?} execs — see $log")
  else
    summary+=("$name: ok, ${execs:-?} execs in ${secs} s")
  fi
done
printf '%s\n' "${summary[@]}"
[ "${#summary[@]}" -gt 0 ] || { echo "fuzz: no targets built" >&2; exit 1; }
exit $rc
