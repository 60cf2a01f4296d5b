#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load test of `pcp node` (issue 7): N concurrent libp2p connections from pcp_loadgen, each with
# its own identity, inside a fresh lo-only network namespace (tests/netns/netns.sh unshare).
#   1. node idle: RSS (VmRSS), peak (VmHWM), CPU seconds;
#   2. N connections (Noise + yamux) established, then pinged for PCP_LOAD_DURATION seconds; RSS
#      and CPU sampled with all N live; a fresh `pcp ping` must succeed meanwhile;
#   3. after the clients closed: RSS again (no leak: back near idle);
#   4. over the limit: max_connections + 50 clients (`pcp node --max-connections`, default 1024):
#      exactly max_connections may be admitted, the rest must be refused at once (reset),
#      not by a timeout; the node keeps serving and stays alive.
# Prints a Markdown report; writes the numbers as JSON to $PCP_LOAD_SUMMARY when set.
#   bench/load/node_load.sh [PCP_BINARY] [LOADGEN_BINARY] [N]
#   env: PCP_LOAD_DURATION (s, default 5), PCP_LOAD_OVER_LIMIT=0 skips step 4,
#        PCP_LOAD_MAX_CONNECTIONS (default 1024, the node's default; passed as --max-connections)
# Exit: 0 ran (the caller judges the numbers; tests/load/node_load_test.sh does), 1 a step could not
# run (node did not start, loadgen crashed), 77 no namespace / not enough file descriptors.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "${PCP_LOAD_INNER:-}" != "1" ]; then
  pcp=$(realpath "${1:-$repo/build/release/pcp}")
  loadgen=$(realpath "${2:-$repo/build/release/bench/pcp_loadgen}")
  [ -x "$pcp" ] || { echo "node_load: no pcp binary at $pcp" >&2; exit 1; }
  [ -x "$loadgen" ] || { echo "node_load: no pcp_loadgen binary at $loadgen" >&2; exit 1; }
  command -v jq >/dev/null 2>&1 || {
    [ "${PCP_REQUIRE_NETNS:-0}" = 1 ] && { echo "node_load: FAIL: jq not found" >&2; exit 1; }
    echo "node_load: SKIP: jq not found (needed to read pcp_loadgen's JSON)" >&2; exit 77; }
  exec env PCP_LOAD_INNER=1 bash "$repo/tests/netns/netns.sh" unshare -- bash "$0" "$pcp" "$loadgen" "${3:-1000}"
fi

# ---- inside the namespace (only lo) -------------------------------------------------------------
pcp="$1"
loadgen="$2"
n="$3"
duration="${PCP_LOAD_DURATION:-5}"
max_conn="${PCP_LOAD_MAX_CONNECTIONS:-1024}"
over_limit="${PCP_LOAD_OVER_LIMIT:-1}"
n_over=$((max_conn + 50))

# Both processes in here hold one socket per connection plus a few; leave generous room.
need=$(( (n > n_over ? n : n_over) + 1024 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
  if ! ulimit -n "$need" 2>/dev/null; then
    [ "${PCP_REQUIRE_NETNS:-0}" = 1 ] && { echo "node_load: FAIL: cannot raise ulimit -n to $need (hard limit $(ulimit -Hn))" >&2; exit 1; }
    echo "node_load: SKIP: cannot raise ulimit -n to $need (hard limit $(ulimit -Hn))" >&2
    exit 77
  fi
fi

work=$(mktemp -d /tmp/pcp-load.XXXXXX)
node_pid=""
load_pid=""
cleanup() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null
  [ -n "$node_pid" ] && wait "$node_pid" 2>/dev/null
  if [ "${PCP_LOAD_KEEP:-0}" = 1 ]; then
    echo "node_load: logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "node_load: $*" >&2; for f in "$work"/*.err; do [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

kib() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null; }  # PID FIELD → KiB
# Open sockets of PID (its other fds, e.g. one io_uring per core, appear as cores get work).
sockets() { find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | wc -l; }
ticks=$(getconf CLK_TCK)
cpu_s() { awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null; }  # utime+stime

# Wait (bounded) until FILE has a line matching REGEX; give up early when a process in PIDS died.
wait_line() {  # FILE REGEX SECONDS PIDS...
  local file="$1" re="$2" secs="$3" i p
  shift 3
  for i in $(seq 1 $((secs * 20))); do
    grep -q -- "$re" "$file" 2>/dev/null && return 0
    for p in "$@"; do kill -0 "$p" 2>/dev/null || return 1; done
    sleep 0.05
  done
  return 1
}

# Settle: give the node 1.5 s to tear the connections down and return memory (the host releases
# freed heap 500 ms after a wave of closes), then sample RSS until it stops falling (bounded, 3 s).
settled_rss() {
  local prev cur i
  sleep 1.5
  prev=$(kib "$node_pid" VmRSS)
  for i in $(seq 1 6); do
    sleep 0.5
    cur=$(kib "$node_pid" VmRSS)
    [ "$cur" -ge "$prev" ] && break
    prev=$cur
  done
  kib "$node_pid" VmRSS
}

node_flags=()
"$pcp" node --help 2>/dev/null | grep -q -- '--private-dht' && node_flags=(--private-dht)
"$pcp" node --help 2>/dev/null | grep -q -- '--max-connections' && node_flags+=(--max-connections "$max_conn")
"$pcp" node --no-mdns "${node_flags[@]}" --listen /ip4/127.0.0.1/tcp/4001 >"$work/node.out" 2>"$work/node.err" &
node_pid=$!
wait_line "$work/node.out" '/p2p/' 10 "$node_pid" || die "pcp node did not start"
addr=$(grep -m1 -o '/ip4/127\.0\.0\.1/tcp/[0-9]*/p2p/[A-Za-z0-9]*' "$work/node.out")
[ -n "$addr" ] || die "no listen address in pcp node's output"
sleep 0.5
rss_idle=$(kib "$node_pid" VmRSS)
cpu_idle=$(cpu_s "$node_pid")
sockets_idle=$(sockets "$node_pid")

# Runs pcp_loadgen in the background; RUN is a name for the log files.
start_load() {  # RUN N DURATION
  timeout 120 "$loadgen" --target "$addr" -n "$2" --duration "$3" --cores 2 --dial-concurrency 64 >"$work/$1.out" 2>"$work/$1.err" &
  load_pid=$!
}
finish_load() {  # RUN
  wait "$load_pid"
  local rc=$?
  load_pid=""
  [ "$rc" -eq 0 ] || die "pcp_loadgen ($1) exited $rc"
  grep -q '"event":"done"' "$work/$1.out" || die "pcp_loadgen ($1) printed no summary"
}
event() { grep -m1 "\"event\":\"$2\"" "$work/$1.out"; }  # RUN EVENT → JSON line

# ---- N connections ----
start_load main "$n" "$duration"
wait_line "$work/main.out" '"event":"established"' 90 "$node_pid" "$load_pid" || die "pcp_loadgen never finished dialing"
cpu_handshakes=$(cpu_s "$node_pid")
sleep 1 # identify exchanges and the first pings have run
rss_loaded=$(kib "$node_pid" VmRSS)
threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$node_pid/status")
socks=$(sockets "$node_pid")
fresh_ok=false
timeout 15 "$pcp" ping -c 3 "$addr" >"$work/fresh.out" 2>"$work/fresh.err" && fresh_ok=true
finish_load main
cpu_loaded=$(cpu_s "$node_pid")
rss_after=$(settled_rss)
hwm=$(kib "$node_pid" VmHWM)
sockets_after=$(sockets "$node_pid")
est=$(event main established)
done_=$(event main done)

# ---- over the limit ----
over='null'
if [ "$over_limit" = 1 ]; then
  start_load over "$n_over" 1
  finish_load over
  fresh2_ok=false
  timeout 15 "$pcp" ping -c 1 "$addr" >"$work/fresh2.out" 2>"$work/fresh2.err" && fresh2_ok=true
  rss_after_over=$(settled_rss)
  sockets_after_over=$(sockets "$node_pid")
  over=$(jq -c --argjson fresh "$fresh2_ok" --argjson rss "$rss_after_over" --argjson max "$max_conn" \
    --argjson sockets "$sockets_after_over" \
    -s '{max_connections: $max, established: .[0], done: .[1], fresh_client_ok: $fresh, rss_after_kib: $rss, sockets_after: $sockets}' \
    <(event over established) <(event over done))
fi

alive=false
kill -0 "$node_pid" 2>/dev/null && alive=true
cpu_total=$(cpu_s "$node_pid")
node_rc=""
if [ "$alive" = true ]; then
  kill -TERM "$node_pid"
  for _ in $(seq 1 100); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.05; done
  wait "$node_pid"
  node_rc=$?
fi
node_pid=""

summary=$(jq -n --argjson n "$n" --argjson duration "$duration" \
  --argjson rss_idle "$rss_idle" --argjson rss_loaded "$rss_loaded" --argjson rss_after "$rss_after" --argjson hwm "$hwm" \
  --argjson cpu_idle "$cpu_idle" --argjson cpu_handshakes "$cpu_handshakes" --argjson cpu_loaded "$cpu_loaded" \
  --argjson cpu_total "$cpu_total" --argjson threads "$threads" --argjson sockets_idle "$sockets_idle" --argjson sockets "$socks" --argjson sockets_after "$sockets_after" \
  --argjson fresh "$fresh_ok" --argjson alive "$alive" --argjson node_rc "${node_rc:-null}" \
  --argjson est "$est" --argjson done "$done_" --argjson over "$over" \
  '{connections: $n, ping_seconds: $duration,
    node: {rss_idle_kib: $rss_idle, rss_loaded_kib: $rss_loaded, rss_after_kib: $rss_after, hwm_kib: $hwm,
           kib_per_connection: (if $est.established > 0 then (($rss_loaded - $rss_idle) / $est.established) else null end),
           cpu_s: {startup: $cpu_idle, handshakes: ($cpu_handshakes - $cpu_idle), load_total: ($cpu_loaded - $cpu_idle), run_total: $cpu_total},
           threads: $threads, sockets_idle: $sockets_idle, sockets_loaded: $sockets, sockets_after: $sockets_after, alive_at_end: $alive, exit_on_sigterm: $node_rc},
    fresh_client_ok: $fresh, established: $est, done: $done, over_limit: $over}')
[ -n "${PCP_LOAD_SUMMARY:-}" ] && printf '%s\n' "$summary" >"$PCP_LOAD_SUMMARY"

jq -r '
  def f(x): if x == null then "–" else (x * 100 | round / 100 | tostring) end;
  def mib(k): f(k / 1024);
  "### `pcp node` under \(.connections) connections (\(.ping_seconds) s of pings)",
  "",
  "| what | value |",
  "| --- | --- |",
  "| connections established / failed | \(.established.established) / \(.established.failed) |",
  "| dial phase (\(.connections) dials, 64 in flight) | \(f(.established.elapsed_s)) s |",
  "| handshake (TCP + multistream + Noise XX + yamux) p50 / p99 / max | \(f(.established.handshake_ms.p50)) / \(f(.established.handshake_ms.p99)) / \(f(.established.handshake_ms.max)) ms |",
  "| connections with every ping answered | \(.done.pinged) (\(.done.pings) pings) |",
  "| ping RTT p50 / p99 / max | \(f(.done.rtt_ms.p50)) / \(f(.done.rtt_ms.p99)) / \(f(.done.rtt_ms.max)) ms |",
  "| node RSS idle / at \(.established.established) connections / after they closed | \(mib(.node.rss_idle_kib)) / \(mib(.node.rss_loaded_kib)) / \(mib(.node.rss_after_kib)) MiB |",
  "| node peak RSS (VmHWM) | \(mib(.node.hwm_kib)) MiB |",
  "| **node memory per connection** (RSS at N − idle) / N | **\(f(.node.kib_per_connection)) KiB** |",
  "| node CPU: handshakes / whole load phase | \(f(.node.cpu_s.handshakes)) / \(f(.node.cpu_s.load_total)) s |",
  "| loadgen CPU (both sides of every handshake run on the same 2 cores) | \(f(.done.cpu_s)) s |",
  "| node sockets idle / at N / after | \(.node.sockets_idle) / \(.node.sockets_loaded) / \(.node.sockets_after) |",
  "| fresh `pcp ping` while loaded | \(.fresh_client_ok) |",
  "| errors (dial phase) | \(.established.errors | tostring) |",
  "| errors (ping phase) | \(.done.errors | tostring) |",
  (if .over_limit != null then
    "| over the limit: \(.over_limit.established.connections) clients, max_connections \(.over_limit.max_connections) | \(.over_limit.established.established) admitted, \(.over_limit.established.failed) refused (failed after p50 \(f(.over_limit.established.failed_after_ms.p50)) ms, max \(f(.over_limit.established.failed_after_ms.max)) ms): \(.over_limit.established.errors | tostring) |",
    "| fresh `pcp ping` after the over-limit run; RSS and sockets after | \(.over_limit.fresh_client_ok); \(mib(.over_limit.rss_after_kib)) MiB, \(.over_limit.sockets_after) sockets |"
   else empty end),
  "| node alive at the end; exit code on SIGTERM | \(.node.alive_at_end); \(.node.exit_on_sigterm) |"
' <<<"$summary"
