#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets of the fuzz preset (build/fuzz) for SECONDS each, on a scratch copy of
# each seed corpus, and prints one table row per target: seconds, execs, exec/s, corpus files and
# the result (ok, or CRASH/TIMEOUT/OOM with the saved input). Exits 1 if any target failed.
#
#   scripts/fuzz.sh [options] [SECONDS] [TARGET_REGEX]     SECONDS defaults to 60, REGEX to all
#   scripts/fuzz.sh --totals [TARGET_REGEX]                per-target totals of the results file
#   scripts/fuzz.sh --merge-only [TARGET_REGEX]            see --merge
# Options:
#   -j, --jobs N    targets fuzzed at the same time (default 1; FUZZ_JOBS)
#   --fresh         start each scratch corpus from the seeds only (drops what earlier runs found)
#   --corpus DIR    scratch corpora in DIR/<target>/ (default build/fuzz/corpus; FUZZ_CORPUS)
#   --merge         afterwards, add to fuzz/corpus/<target>/ a small set of scratch inputs that
#                   covers the edges the seeds miss (set-cover merge, hit counts ignored), unless
#                   the seed corpus would then exceed 200 files or 1 MiB (then nothing is added)
#   --merge-only    the same merge from the existing scratch corpora, without fuzzing
#   --no-record     do not append to the results file
# Environment: FUZZ_RSS_MB (-rss_limit_mb, default 2048), FUZZ_NICE (nice level, default 19),
# FUZZ_TIMEOUT (seconds one input may take before it counts as a hang, default 60),
# FUZZ_RESULTS (results file, default build/fuzz/campaign.tsv: one line per run, so totals
# survive across runs). Logs and failing inputs go to build/fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."

bin=build/fuzz
jobs="${FUZZ_JOBS:-1}"
scratch="${FUZZ_CORPUS:-$bin/corpus}"
results="${FUZZ_RESULTS:-$bin/campaign.tsv}"
rss="${FUZZ_RSS_MB:-2048}"
niceness="${FUZZ_NICE:-19}"
unit_timeout="${FUZZ_TIMEOUT:-60}"
fresh=0 merge=0 record=1 totals=0 fuzz=1
max_seed_files=200 max_seed_kib=1024
positional=()
while [ $# -gt 0 ]; do
  case "$1" in
    -j|--jobs) jobs="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --corpus) scratch="$2"; shift 2 ;;
    --merge) merge=1; shift ;;
    --merge-only) merge=1; fuzz=0; shift ;;
    --no-record) record=0; shift ;;
    --totals) totals=1; shift ;;
    -h|--help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
if [ "$totals" -eq 1 ] || [ "$fuzz" -eq 0 ]; then
  secs=0 filter="${positional[0]:-.}" # --totals [REGEX], --merge-only [REGEX]
else
  secs="${positional[0]:-60}" filter="${positional[1]:-.}"
fi

# Totals over every recorded run: seconds and execs add up, corpus is the latest run's count,
# failures count the runs that did not end "ok".
if [ "$totals" -eq 1 ]; then
  [ -f "$results" ] || { echo "fuzz: no results in $results yet" >&2; exit 1; }
  awk -F'\t' -v filter="$filter" '
    $2 !~ filter { next }
    { if (!($2 in secs)) order[n++] = $2
      runs[$2]++; secs[$2] += $3; execs[$2] += $4; corpus[$2] = $6
      if ($7 != "ok") fail[$2]++ }
    END {
      printf "| target | runs | seconds | execs | exec/s | corpus files | failed runs |\n"
      printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
      for (i = 0; i < n; i++) { t = order[i]
        printf "| `%s` | %d | %d | %d | %d | %d | %d |\n", t, runs[t], secs[t], execs[t],
               (secs[t] > 0 ? execs[t] / secs[t] : 0), corpus[t], fail[t] + 0 }
    }' "$results" | { read -r h; read -r s; echo "$h"; echo "$s"; sort; }
  exit 0
fi

if [ "$fuzz" -eq 1 ] && ! { [[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ]; }; then
  echo "fuzz: SECONDS must be a positive integer" >&2
  exit 2
fi
[[ "$jobs" =~ ^[0-9]+$ ]] && [ "$jobs" -gt 0 ] || { echo "fuzz: --jobs must be a positive integer" >&2; exit 2; }
[ -d "$bin/fuzz" ] || { echo "fuzz: build the fuzz preset first (make fuzz-build)" >&2; exit 1; }
arts="$bin/artifacts"
mkdir -p "$scratch" "$arts"
[ "$record" -eq 0 ] || mkdir -p "$(dirname "$results")"

targets=()
for exe in "$bin"/fuzz/fuzz_*; do
  [ -x "$exe" ] && [ -f "$exe" ] || continue
  name=$(basename "$exe"); name=${name#fuzz_}
  [[ "$name" =~ $filter ]] && targets+=("$name")
done
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz: no built target matches '$filter'" >&2; exit 1; }

files_in() { find "$1" -type f 2>/dev/null | wc -l; }

# run_one NAME: fuzz one target; writes its table row (tab-separated) to $arts/NAME.row.
run_one() {
  local name="$1" exe="$bin/fuzz/fuzz_$1" work="$scratch/$1" log="$arts/$1.log"
  [ "$fresh" -eq 0 ] || rm -rf "$work"
  mkdir -p "$work"
  [ -d "fuzz/corpus/$name" ] && cp -n "fuzz/corpus/$name"/* "$work"/ 2>/dev/null
  local marker; marker=$(mktemp "$arts/.start-$name.XXXXXX")
  local t0 t1 r
  t0=$(date +%s.%N)
  # The outer timeout only catches a fuzzer that ignores -max_total_time (a wedged process);
  # loading a large scratch corpus can legitimately take a while.
  timeout -k 10 $((secs + 300)) nice -n "$niceness" "$exe" -max_total_time="$secs" -timeout="$unit_timeout" \
    -rss_limit_mb="$rss" -print_final_stats=1 -artifact_prefix="$arts/$name-" "$work" >"$log" 2>&1
  r=$?
  t1=$(date +%s.%N)
  local elapsed execs rate files result artifact=""
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", b - a + 0.5 }')
  execs=$(awk '/stat::number_of_executed_units/ { v = $2 } END { print v + 0 }' "$log")
  # Without final stats (the process died), take the last progress line's count.
  if [ "$execs" -eq 0 ]; then
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    execs=${execs:-0}
  fi
  rate=$(awk -v e="$execs" -v s="$elapsed" 'BEGIN { printf "%d", (s > 0 ? e / s : 0) }')
  files=$(files_in "$work")
  artifact=$(find "$arts" -maxdepth 1 -type f -name "$name-*" -newer "$marker" 2>/dev/null | head -1)
  rm -f "$marker"
  if [ "$r" -eq 0 ]; then
    result=ok
  elif [ "$r" -eq 124 ] || [ "$r" -eq 137 ]; then
    result="WEDGED (killed after $((secs + 300)) s)"
  elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
    result=TIMEOUT
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
    result=OOM
  else
    result="CRASH (exit $r)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$elapsed" "$execs" "$rate" "$files" "$result" "${artifact:-$log}" \
    >"$arts/$name.row"
  # One line per run, appended as soon as it ends (O_APPEND keeps parallel lines whole).
  if [ "$record" -eq 1 ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" "$elapsed" "$execs" "$rate" \
      "$files" "$result" >>"$results"
  fi
}

# fuzz_targets: every target, at most $jobs at a time, then the table; sets rc=1 on any failure.
fuzz_targets() {
  local running=0 name row n elapsed execs rate files result where
  for name in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
      wait -n
      running=$((running - 1))
    fi
    run_one "$name" &
    running=$((running + 1))
  done
  wait

  printf '%-24s %8s %12s %9s %8s  %s\n' target seconds execs exec/s corpus result
  for name in "${targets[@]}"; do
    row="$arts/$name.row"
    if [ ! -f "$row" ]; then
      printf '%-24s %8s %12s %9s %8s  %s\n' "$name" - - - - "NO RESULT"
      rc=1
      continue
    fi
    IFS=$'\t' read -r n elapsed execs rate files result where <"$row"
    rm -f "$row"
    if [ "$result" = ok ]; then
      printf '%-24s %8s %12s %9s %8s  %s\n' "$n" "$elapsed" "$execs" "$rate" "$files" ok
    else
      rc=1
      printf '%-24s %8s %12s %9s %8s  %s: %s\n' "$n" "$elapsed" "$execs" "$rate" "$files" "$result" "$where"
    fi
  done
}

rc=0
[ "$fuzz" -eq 0 ] || fuzz_targets

# Merge back: only inputs that add coverage to the seeds, and only while the seed corpus stays small.
if [ "$merge" -eq 1 ]; then
  for name in "${targets[@]}"; do
    seeds="fuzz/corpus/$name"
    [ -d "$seeds" ] || continue
    [ -d "$scratch/$name" ] || { echo "fuzz: no scratch corpus for $name"; continue; }
    before=$(mktemp); after=$(mktemp)
    (cd "$seeds" && ls -1) | sort >"$before"
    # Edges only (-use_counters=0) and a greedy set cover: a few dozen inputs, not every one that
    # reached a new hit count. Files already in the seed corpus are kept.
    timeout 900 nice -n "$niceness" "$bin/fuzz/fuzz_$name" -set_cover_merge=1 -use_counters=0 -rss_limit_mb="$rss" \
      -timeout="$unit_timeout" "$seeds" "$scratch/$name" >"$arts/$name.merge.log" 2>&1 ||
      echo "fuzz: merge of $name failed (see $arts/$name.merge.log)"
    (cd "$seeds" && ls -1) | sort >"$after"
    added=$(comm -13 "$before" "$after")
    count=$(files_in "$seeds"); kib=$(du -sk --apparent-size "$seeds" | cut -f1)
    if [ "$count" -gt "$max_seed_files" ] || [ "$kib" -gt "$max_seed_kib" ]; then
      for f in $added; do rm -f "$seeds/$f"; done
      echo "fuzz: merge of $name skipped: $count files / $kib KiB would exceed $max_seed_files files / $max_seed_kib KiB"
    else
      echo "fuzz: merged $(grep -c . <<<"$added") new inputs into $seeds ($count files, $kib KiB)"
    fi
    rm -f "$before" "$after"
  done
fi
exit $rc
