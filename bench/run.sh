#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`: runs the Google Benchmark targets and the reference tools in the same run, inside a
# network namespace of its own (only lo), and prints a Markdown report with ratios (pcp / reference)
# to stdout and to build/bench/report.md. Paste the report into docs/benchmarks.md.
# Then the end-to-end transfer harness (bench/transfer/run.sh: pcp against iperf3, scp, rsync in
# namespaces it builds; report in build/bench/transfer-report.md). PCP_BENCH_QUICK=1 runs it with
# small sizes and 3 rounds; PCP_BENCH_TRANSFER=0 leaves it out. It needs root and is skipped without.
#   bench/run.sh [BUILD_DIR]      (default build/release)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
out="$build/bench"
mkdir -p "$out"

if [ "${PCP_BENCH_INNER:-}" != "1" ]; then
  flags=(-n)
  [ "$(id -u)" -eq 0 ] || flags=(-r -n)
  unshare "${flags[@]}" env PCP_BENCH_INNER=1 bash "$0" "$@"
  [ "${PCP_BENCH_TRANSFER:-1}" = 1 ] || exit 0
  quick=()
  [ "${PCP_BENCH_QUICK:-0}" = 1 ] && quick=(--quick)
  rc=0
  bash bench/transfer/run.sh "${quick[@]}" "$build/pcp" || rc=$?
  [ "$rc" -eq 77 ] && { echo "bench/transfer/run.sh skipped (reason above)"; rc=0; }
  exit "$rc"
fi
ip link set lo up

if [ "${PCP_BENCH_QUICK:-0}" = 1 ]; then min_time="${PCP_BENCH_MIN_TIME:-0.1}" runs="${PCP_BENCH_RUNS:-3}"
else min_time="${PCP_BENCH_MIN_TIME:-0.5}" runs="${PCP_BENCH_RUNS:-5}"; fi

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# iperf3 one stream on loopback, interleaved with the engine's loopback stream benchmark.
iperf_gbs=()
engine_gbs=()
stack_gbs=()
iperf3 -s -1 -D -B 127.0.0.1 -p 5299 --pidfile "$out/iperf3.pid" >/dev/null 2>&1 || true
for i in $(seq 1 "$runs"); do
  iperf3 -s -1 -D -B 127.0.0.1 -p 5299 >/dev/null 2>&1 || true
  sleep 0.2
  bps=$(iperf3 -c 127.0.0.1 -p 5299 -t 3 -J 2>/dev/null | jq '.end.sum_received.bits_per_second')
  iperf_gbs+=("$(awk -v b="$bps" 'BEGIN { printf "%.3f", b / 8 / 1e9 }')")
  e=$("$build/bench/bench_engine" --benchmark_filter='bm_loopback_tcp_stream/262144' \
      --benchmark_min_time="$min_time" --benchmark_format=json 2>/dev/null |
      jq '[.benchmarks[] | select(.run_type == "iteration")][0].bytes_per_second')
  engine_gbs+=("$(awk -v b="$e" 'BEGIN { printf "%.3f", b / 1e9 }')")
  st=$("$build/bench/bench_p2p" --benchmark_filter='bm_noise_yamux_loopback/262144' \
      --benchmark_min_time="$min_time" --benchmark_format=json 2>/dev/null |
      jq '[.benchmarks[] | select(.run_type == "iteration")][0].bytes_per_second')
  stack_gbs+=("$(awk -v b="$st" 'BEGIN { printf "%.3f", b / 1e9 }')")
done
[ -f "$out/iperf3.pid" ] && kill "$(cat "$out/iperf3.pid")" 2>/dev/null || true

iperf_med=$(printf '%s\n' "${iperf_gbs[@]}" | median)
engine_med=$(printf '%s\n' "${engine_gbs[@]}" | median)
stack_med=$(printf '%s\n' "${stack_gbs[@]}" | median)
ratio=$(awk -v a="$engine_med" -v b="$iperf_med" 'BEGIN { printf "%.2f", a / b }')
stack_iperf=$(awk -v a="$stack_med" -v b="$iperf_med" 'BEGIN { printf "%.2f", a / b }')

# OpenSSL's ChaCha20-Poly1305 on one core, 16 KiB blocks (the ceiling for every encrypted path).
ossl=$(openssl speed -evp chacha20-poly1305 -bytes 16384 -seconds 2 2>/dev/null | awk '/^ChaCha20-Poly1305|^chacha20-poly1305/ { v = $NF } END { sub("k", "", v); printf "%.3f", v * 1000 / 1e9 }')

stack_ossl=$(awk -v a="$stack_med" -v b="$ossl" 'BEGIN { printf "%.2f", a / b }')
"$build/bench/bench_engine" --benchmark_min_time="$min_time" --benchmark_format=console > "$out/engine.txt" 2>&1
"$build/bench/bench_p2p" --benchmark_min_time="$min_time" --benchmark_filter='seal_open|yamux_frames|file_check|manifest_codec' \
  --benchmark_format=console >> "$out/engine.txt" 2>&1

{
  echo "### Run of $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)."
  echo "Command: \`make bench\` (bench/run.sh), ${runs} interleaved runs, medians; namespace with only lo."
  echo
  echo "| what | median GB/s | runs (GB/s) |"
  echo "| --- | --- | --- |"
  echo "| iperf3, one stream, 127.0.0.1 | ${iperf_med} | ${iperf_gbs[*]} |"
  echo "| pcp engine TCP stream (256 KiB writes, 2 cores) | ${engine_med} | ${engine_gbs[*]} |"
  echo "| pcp Noise + yamux, one stream, 256 KiB writes (2 cores) | ${stack_med} | ${stack_gbs[*]} |"
  echo "| OpenSSL ChaCha20-Poly1305, one core, 16 KiB | ${ossl} | |"
  echo
  echo "Ratios: engine / iperf3 **${ratio}**; Noise+yamux / iperf3 **${stack_iperf}**; Noise+yamux / OpenSSL ChaCha20-Poly1305 **${stack_ossl}**"
  echo
  echo '```'
  cat "$out/engine.txt" | grep -E '^(bm_|Benchmark|-)'
  echo '```'
} | tee "$out/report.md"
