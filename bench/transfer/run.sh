#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The end-to-end transfer benchmark of issue 5: pcp send → pcp receive against iperf3, scp and
# rsync in the same run, on two topologies built here: namespaces a and b joined by a veth bridge
# (10.233.0.0/24), and loopback inside one namespace (l). For each: a 1 GiB random file to disk and
# with PCP_BENCH_SINK=discard (median of interleaved runs, min–max, peak RSS and CPU seconds per
# GiB of each side), iperf3 (one stream, same byte count) and scp -c aes128-gcm@openssh.com to an
# sshd started here; a 10,000-file tree (1–8 KiB) over the bridge against scp -r, rsync over ssh
# and a local cp -a, and pcp and rsync once more into tmpfs (the disk left out); the 1-byte latency (small_latency.sh); throughput versus chunk size from the micro
# benchmarks (PNG). Writes OUT/transfer-report.md (default build/bench) and prints it.
#   bench/transfer/run.sh [--quick] [--runs N] [--out DIR] [PCP_BINARY]
# PCP_BINARY defaults to build/release/pcp; bench_p2p and bench_engine are taken from its build
# dir's bench/. --quick (or PCP_BENCH_QUICK=1): 64 MiB file, 1,000 files, 3 runs, for trying the
# harness. scp -r of the tree runs in the first PCP_BENCH_SCP_TREE_RUNS (3) rounds only. Needs root,
# ip, iperf3, jq, sshd, scp, ssh-keygen, /usr/bin/time; rsync and gnuplot are used when present.
# Exit 0 done (failed runs are listed in the report), 1 broken set-up, 77 skip (no namespaces).
set -uo pipefail
{ # the whole script is parsed before it runs: editing the file during a run does not derail it
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

quick=0 runs="" outdir="$root/build/bench" pcp=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --runs) runs="$2"; shift ;;
    --out) outdir="$2"; shift ;;
    -h | --help) sed -n '3,16p' "$0"; exit 0 ;;
    *) pcp="$1" ;;
  esac
  shift
done
[ "${PCP_BENCH_QUICK:-0}" = 1 ] && quick=1
pcp=$(realpath "${pcp:-$root/build/release/pcp}")
benchbin="$(dirname "$pcp")/bench"
if [ "$quick" = 1 ]; then
  big_mib=64 tree_files=1000 runs="${runs:-3}" lat_runs=5 min_time=0.1 big4=0
else
  big_mib=1024 tree_files=10000 runs="${runs:-5}" lat_runs=20 min_time=0.5 big4=1
fi
# scp -r of the tree pays a round trip per file (13.6 s for 10,000 files on a quiet machine): fewer rounds.
scp_tree_runs="${PCP_BENCH_SCP_TREE_RUNS:-3}"

. "$root/tests/netns/netns.sh"
netns_require iperf3 jq ssh-keygen scp ssh python3
[ -x "$pcp" ] || { echo "no pcp binary at $pcp" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (package time) is needed for peak RSS and CPU time" >&2; exit 1; }
[ -x /usr/sbin/sshd ] || { echo "/usr/sbin/sshd (package openssh-server) is needed for the scp comparison" >&2; exit 1; }
have_rsync=0; command -v rsync >/dev/null && have_rsync=1
have_gnuplot=0; command -v gnuplot >/dev/null && have_gnuplot=1

mkdir -p "$outdir"
outdir=$(realpath "$outdir")
logs="$outdir/transfer-logs"
rm -rf "$logs"; mkdir -p "$logs"
res="$logs/results"; mkdir -p "$res"
work=$(mktemp -d /tmp/pcp-bench.XXXXXX)
netns_defer "rm -rf $work"
shm=""
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  shm=$(mktemp -d /dev/shm/pcp-bench.XXXXXX)
  netns_defer "rm -rf $shm"
fi
report="$outdir/transfer-report.md"
note() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "$(date +%s) $(loadavg)" >"$logs/load"
started=$(date +%s)
# PCP_BENCH_COMMIT names the source of a binary built elsewhere (e.g. a clean export of a commit).
commit="${PCP_BENCH_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet HEAD -- 2>/dev/null || echo ", work tree modified")}"

# ---- topology: a and b on a bridge; l with only lo
netns_lan 10.233.0 || { echo "the two namespaces cannot reach each other" >&2; exit 1; }
netns_create l
# TOPO -> sender namespace, receiver namespace, receiver address
topo_sns() { [ "$1" = veth ] && echo a || echo l; }
topo_rns() { [ "$1" = veth ] && echo b || echo l; }
topo_addr() { [ "$1" = veth ] && echo 10.233.0.2 || echo 127.0.0.1; }

# ---- data: one random file and a tree of small files (seeded), then sync
note "creating ${big_mib} MiB random file and ${tree_files}-file tree in $work"
mkdir -p "$work/src"
big="$work/src/big.bin"
head -c $((big_mib * 1024 * 1024)) /dev/urandom >"$big"
python3 - "$work/src/tree" "$tree_files" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(5)
for i in range(n):
    d = f"{root}/d{i // 100:03}"
    if i % 100 == 0:
        os.makedirs(d)
    with open(f"{d}/f{i % 100:02}.bin", "wb") as f:
        f.write(random.randbytes(random.randint(1024, 8192)))
PY
tree="$work/src/tree"
sync
big_bytes=$(stat -c %s "$big")
tree_bytes=$(find "$tree" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
tree_pages=$(find "$tree" -type f -printf '%s\n' | awk '{ s += int(($1 + 4095) / 4096) * 4096 } END { print s }')
cached_big() { fincore -b -n -o RES "$big" 2>/dev/null | awk '{ print $1 }'; }
cached_tree() { find "$tree" -type f -print0 | xargs -0 fincore -b -n -o RES 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
cache_state() { echo "big file $(cached_big) of $big_bytes bytes resident, tree $(cached_tree) of $tree_pages bytes (whole pages)"; }
cache_before=$(cache_state)

# ---- sshd in b (10.233.0.2) and in l (127.0.0.1), throwaway keys
mkdir -p /run/sshd "$work/ssh"
chmod 700 "$work/ssh"
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/host_key" -C pcp-bench-host
ssh-keygen -q -t ed25519 -N '' -f "$work/ssh/id" -C pcp-bench-client
cp "$work/ssh/id.pub" "$work/ssh/authorized_keys"
sftp_server=/usr/lib/openssh/sftp-server
[ -x "$sftp_server" ] || sftp_server=internal-sftp
sshopts=(-F /dev/null -i "$work/ssh/id" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
  -o BatchMode=yes -o LogLevel=ERROR -o IdentitiesOnly=yes -c aes128-gcm@openssh.com)
user=$(id -un)
for topo in veth lo; do
  cat >"$work/ssh/sshd_config.$topo" <<EOF
Port 2222
ListenAddress $(topo_addr $topo)
HostKey $work/ssh/host_key
AuthorizedKeysFile $work/ssh/authorized_keys
PidFile none
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
Ciphers aes128-gcm@openssh.com
Subsystem sftp $sftp_server
EOF
  netns_bg "$(topo_rns $topo)" /usr/sbin/sshd -D -e -f "$work/ssh/sshd_config.$topo" >"$logs/sshd.$topo" 2>&1
  netns_wait_port "$(topo_sns $topo)" "$(topo_addr $topo)" 2222 10 &&
    netns_exec "$(topo_sns $topo)" ssh "${sshopts[@]}" -p 2222 "$user@$(topo_addr $topo)" true ||
    { echo "sshd in $(topo_rns $topo) is not usable:" >&2; tail -5 "$logs/sshd.$topo" >&2; exit 1; }
  netns_bg "$(topo_rns $topo)" iperf3 -s -B "$(topo_addr $topo)" -p 5201 >"$logs/iperf3-server.$topo" 2>&1
  netns_wait_port "$(topo_sns $topo)" "$(topo_addr $topo)" 5201 10 || { echo "iperf3 server did not start" >&2; exit 1; }
done

# ---- one measurement each; rows go to $res/CASE, failures to $res/CASE.fail
fail() { echo "$2" >>"$res/$1.fail"; note "FAIL $1: $2"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }'; }
# Received data goes to $dest: $work/out on disk, or $shm/out on tmpfs for the runs that leave the disk out.
dest="$work/out"
fresh_out() { rm -rf "$work/out" "${shm:-$work}/out"; mkdir -p "$dest"; }
# wait_bounded PID SECONDS — exit code of a netns_bg process; stopped (124) if still running after SECONDS
wait_bounded() {
  local i rc keep=() p
  for i in $(seq 1 $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then netns_stop "$1"; return 124; fi
  wait "$1"; rc=$?
  for p in "${_NETNS_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done # reaped: not killed at cleanup
  _NETNS_PIDS=("${keep[@]}")
  return "$rc"
}

# pcp_once CASE TOPO MODE(disk|discard) EXPECTED_BYTES PATH... — row: wall phase bytes s_cpu s_rss r_cpu r_rss
pcp_once() {
  local case="$1" topo="$2" mode="$3" want="$4"; shift 4
  local sns rns log="$logs/$case.$run" code="" spid rrc src t0 wall
  sns=$(topo_sns "$topo"); rns=$(topo_rns "$topo")
  local limit=$((60 + want / 20000000)) # seconds: a stuck run is cut off (at 20 MB/s plus a minute)
  fresh_out
  netns_bg "$sns" /usr/bin/time -o "$log.stime" -f '%e %U %S %M' \
    timeout "$limit" "$pcp" send --json --no-dht "$@" >"$log.sout" 2>"$log.serr"
  spid=$NETNS_BG_PID
  for _ in $(seq 1 200); do
    code=$(grep -m1 '"event":"code"' "$log.sout" 2>/dev/null | jq -r .words)
    [ -n "$code" ] && break
    sleep 0.05
  done
  if [ -z "$code" ]; then fail "$case" "run $run: the sender printed no code"; netns_stop "$spid"; return 0; fi
  sleep 0.3 # the sender is waiting and announcing, as when a user types the code
  local sink=(); [ "$mode" = discard ] && sink=(PCP_BENCH_SINK=discard)
  t0=$(now)
  netns_exec "$rns" /usr/bin/time -o "$log.rtime" -f '%e %U %S %M' env -u PCP_BENCH_SINK "${sink[@]}" \
    timeout "$limit" "$pcp" receive --json --no-dht -y -o "$dest" "$code" >"$log.rout" 2>"$log.rerr"
  rrc=$?
  wall=$(since "$t0")
  wait_bounded "$spid" 20; src=$?
  if [ "$rrc" -ne 0 ]; then fail "$case" "run $run: receiver exit $rrc, sender exit $src"; return 0; fi
  local done_ev bytes phase
  done_ev=$(grep -m1 '"event":"done"' "$log.rout")
  bytes=$(jq -r .bytes <<<"$done_ev"); phase=$(jq -r .seconds <<<"$done_ev")
  [ "$bytes" = "$want" ] || { fail "$case" "run $run: received $bytes bytes, expected $want"; return 0; }
  if [ "$mode" = disk ]; then
    local p
    for p in "$@"; do
      diff -rq "$p" "$dest/$(basename "$p")" >/dev/null || { fail "$case" "run $run: $(basename "$p") differs"; return 0; }
    done
  fi
  # A sender that fails after a complete, verified transfer is reported, but the run is measured.
  [ "$src" -ne 0 ] && echo "run $run: sender exit $src after a complete transfer (receiver exit 0, data verified)" >>"$res/$case.sender"
  local s r
  s=$(tail -1 "$log.stime"); r=$(tail -1 "$log.rtime")
  echo "$wall $phase $bytes $(awk '{ print $2 + $3, $4 }' <<<"$s") $(awk '{ print $2 + $3, $4 }' <<<"$r")" >>"$res/$case"
}

# iperf_once CASE TOPO BYTES — row: GB/s (receiver side)
iperf_once() {
  local bps
  bps=$(netns_exec "$(topo_sns "$2")" timeout 60 iperf3 -c "$(topo_addr "$2")" -p 5201 -n "$3" -J 2>"$logs/$1.$run.err" |
    jq -r '.end.sum_received.bits_per_second // empty')
  [ -n "$bps" ] || { fail "$1" "run $run: iperf3 gave no result"; return 0; }
  awk -v b="$bps" 'BEGIN { printf "%.4f\n", b / 8 / 1e9 }' >>"$res/$1"
}

# ssh_copy_once CASE TOPO TOOL(scp|rsync) EXPECTED_BYTES PATH — row: wall sync_wall
ssh_copy_once() {
  local case="$1" topo="$2" tool="$3" want="$4" path="$5" t0 wall rc syncw name
  name=$(basename "$path")
  fresh_out
  t0=$(now)
  if [ "$tool" = scp ]; then
    netns_exec "$(topo_sns "$topo")" timeout 600 scp -q -r "${sshopts[@]}" -P 2222 "$path" \
      "$user@$(topo_addr "$topo"):$dest/" 2>"$logs/$case.$run.err"
  else
    netns_exec "$(topo_sns "$topo")" timeout 600 rsync -a -e "ssh ${sshopts[*]} -p 2222" "$path" \
      "$user@$(topo_addr "$topo"):$dest/" 2>"$logs/$case.$run.err"
  fi
  rc=$?
  wall=$(since "$t0")
  t0=$(now); sync -f "$dest"; syncw=$(since "$t0")
  [ "$rc" -eq 0 ] || { fail "$case" "run $run: $tool exit $rc"; return 0; }
  local got
  got=$(find "$dest/$name" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  [ "$got" = "$want" ] || { fail "$case" "run $run: $tool copied $got bytes, expected $want"; return 0; }
  echo "$wall $syncw" >>"$res/$case"
}

# local_copy_once CASE PATH — cp -a on the same filesystem, no network: the floor set by the disk
local_copy_once() {
  local t0 wall
  fresh_out
  t0=$(now)
  cp -a "$2" "$dest/" 2>"$logs/$1.$run.err" || { fail "$1" "run $run: cp -a failed"; return 0; }
  wall=$(since "$t0")
  echo "$wall" >>"$res/$1"
}

# ---- interleaved rounds
for run in $(seq 1 "$runs"); do
  echo "$(date +%s) $(loadavg)" >>"$logs/load"
  for topo in lo veth; do
    note "round $run/$runs, $topo: iperf3, pcp discard, pcp disk, scp"
    iperf_once "$topo.iperf3" "$topo" "$big_bytes"
    pcp_once "$topo.pcp.discard" "$topo" discard "$big_bytes" "$big"
    pcp_once "$topo.pcp.disk" "$topo" disk "$big_bytes" "$big"
    ssh_copy_once "$topo.scp" "$topo" scp "$big_bytes" "$big"
  done
  note "round $run/$runs, tree: cp -a, over veth: pcp$([ "$run" -le "$scp_tree_runs" ] && echo ", scp -r")$([ "$have_rsync" = 1 ] && echo ", rsync"), then into tmpfs"
  local_copy_once tree.cp "$tree"
  pcp_once veth.tree.pcp veth disk "$tree_bytes" "$tree"
  [ "$run" -le "$scp_tree_runs" ] && ssh_copy_once veth.tree.scp veth scp "$tree_bytes" "$tree"
  [ "$have_rsync" = 1 ] && ssh_copy_once veth.tree.rsync veth rsync "$tree_bytes" "$tree"
  if [ -n "$shm" ]; then # the same into tmpfs: the protocols without the disk
    dest="$shm/out"
    pcp_once veth.tree.pcp.tmpfs veth disk "$tree_bytes" "$tree"
    [ "$have_rsync" = 1 ] && ssh_copy_once veth.tree.rsync.tmpfs veth rsync "$tree_bytes" "$tree"
    dest="$work/out"
  fi
done
echo "$(date +%s) $(loadavg)" >>"$logs/load"
cache_after=$(cache_state)
fresh_out

# ---- peak RSS with a 4 GiB file (full mode): one run each, loopback
if [ "$big4" = 1 ]; then
  note "4 GiB file: one pcp run to disk and one discarding (peak RSS)"
  big4f="$work/src/big4.bin"
  for _ in 1 2 3 4; do cat "$big"; done >"$big4f"
  sync
  run=1
  pcp_once lo.pcp4.discard lo discard $((4 * big_bytes)) "$big4f"
  pcp_once lo.pcp4.disk lo disk $((4 * big_bytes)) "$big4f"
  rm -f "$big4f"; fresh_out
fi

# ---- 1-byte latency on a two-namespace LAN (its own namespaces)
note "1-byte latency, $lat_runs runs"
lat_row=$(PCP_LAT_FLAGS=--no-dht PCP_LAT_RAW="$res/lat" bash "$here/small_latency.sh" "$pcp" "$lat_runs" 2>"$logs/lat.err") ||
  lat_row="| latency run failed: $(tail -1 "$logs/lat.err") | | | |"

# ---- throughput versus chunk size (micro benchmarks, inside l)
note "micro benchmarks for the chunk-size plot"
plot_note=""
: >"$res/chunks.tsv"
if [ -x "$benchbin/bench_p2p" ] && [ -x "$benchbin/bench_engine" ]; then
  { netns_exec l "$benchbin/bench_p2p" --benchmark_filter='bm_noise_seal_open|bm_noise_yamux_loopback' \
      --benchmark_min_time="$min_time" --benchmark_format=json 2>/dev/null
    netns_exec l "$benchbin/bench_engine" --benchmark_filter='bm_loopback_tcp_stream' \
      --benchmark_min_time="$min_time" --benchmark_format=json 2>/dev/null; } |
    jq -r '.benchmarks[] | select(.run_type == "iteration") | "\(.name | split("/")[0]) \(.name | split("/")[1]) \(.bytes_per_second / 1e9)"' \
      >"$res/chunks.tsv"
else
  plot_note="bench_p2p/bench_engine not found next to $pcp; no chunk-size data."
fi

# ---- statistics and report
stats() { sort -g | awk '{ a[NR] = $1 } END {
  if (NR == 0) { print "- - - 0"; exit }
  m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
  printf "%.3f %.3f %.3f %d\n", m, a[1], a[NR], NR }'; }
# col CASE AWK_EXPR — one value per row of CASE ($1.. are the row's fields; G is 2^30)
col() { [ -s "$res/$1" ] && awk -v G=1073741824 "{ print $2 }" "$res/$1"; }
st() { col "$1" "$2" | stats; }
nfail() { [ -f "$res/$1.${2:-fail}" ] && wc -l <"$res/$1.${2:-fail}" || echo 0; }
med() { st "$1" "$2" | cut -d' ' -f1; }
peak() { col "$1" "$2" | sort -g | tail -1 | awk '{ printf "%.1f", $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# row LABEL "median min max n" UNIT CASE
row() {
  local m lo hi n; read -r m lo hi n <<<"$2"
  echo "| $1 | **$m** $3 | $lo–$hi | $n ok$([ "$(nfail "$4")" -gt 0 ] && echo ", $(nfail "$4") failed")$([ "$(nfail "$4" sender)" -gt 0 ] && echo " (sender crashed after the transfer in $(nfail "$4" sender))") |"
}
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
  if (v == "-" || v == "") { print "not measured"; exit }
  ok = (op == "<=") ? (v + 0 <= t + 0) : (v + 0 >= t + 0); print ok ? "met" : "**not met**" }'; }

size_label=$([ "$big_mib" = 1024 ] && echo "1 GiB" || echo "$big_mib MiB")
rate_wall='$3 / $1 / 1e9'
rate_phase='$3 / $2 / 1e9'
cpu_s='$4 * G / $3'
cpu_r='$6 * G / $3'
cpu_both='($4 + $6) * G / $3'
for topo in lo veth; do
  declare "iperf_$topo=$(med "$topo.iperf3" '$1')"
  declare "discard_$topo=$(med "$topo.pcp.discard" "$rate_wall")"
  declare "disk_$topo=$(med "$topo.pcp.disk" "$rate_wall")"
  declare "scp_$topo=$(med "$topo.scp" "$big_bytes / \$1 / 1e9")"
  declare "cpu_$topo=$(med "$topo.pcp.discard" "$cpu_both")"
done
tree_pcp=$(med veth.tree.pcp '$1')
tree_cp=$(med tree.cp '$1')
tree_scp=$(med veth.tree.scp '$1')
tree_rsync=$([ "$have_rsync" = 1 ] && med veth.tree.rsync '$1' || echo -)
tree_pcp_tmpfs=$(med veth.tree.pcp.tmpfs '$1')
tree_rsync_tmpfs=$(med veth.tree.rsync.tmpfs '$1')
rss_max() { # MiB, over the cases given, both sides
  local c; for c in "$@"; do col "$c" '$5 / 1024'; col "$c" '$7 / 1024'; done | sort -g | tail -1 | awk '{ printf "%.1f", $1 }'; }
rss_big=$([ "$big4" = 1 ] && rss_max lo.pcp4.discard lo.pcp4.disk || echo -)
rss_tree=$(rss_max veth.tree.pcp)
lat_p50=$([ -s "$res/lat" ] && sort -g "$res/lat" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }' || echo -)
lat_p95=$([ -s "$res/lat" ] && sort -g "$res/lat" | awk '{ a[NR] = $1 } END { i = int(0.95 * NR); if (i < 0.95 * NR) i++; print a[i] }' || echo -)
speedup() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.1f", b / a }'; }

# ---- plot: throughput versus chunk size
plot_png="$outdir/throughput-vs-chunk.png"
if [ "$have_gnuplot" = 1 ] && [ -s "$res/chunks.tsv" ]; then
  for s in bm_noise_seal_open bm_noise_yamux_loopback bm_loopback_tcp_stream; do
    awk -v s="$s" '$1 == s { print $2, $3 }' "$res/chunks.tsv" >"$res/chunks.$s.dat"
  done
  gnuplot <<EOF 2>"$logs/gnuplot.err" || plot_note="gnuplot failed: $(tail -1 "$logs/gnuplot.err")"
set terminal pngcairo size 900,540 font ",10" noenhanced
set output "$plot_png"
set title "Throughput versus chunk size, $(nproc) shared cores, $(date -u +%Y-%m-%d)"
set xlabel "chunk / write size (bytes)"
set ylabel "GB/s"
set logscale x 2
set xtics ("1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, "256K" 262144, "1M" 1048576)
set grid
set key outside bottom center horizontal
set yrange [0:*]
plot "$res/chunks.bm_loopback_tcp_stream.dat" using 1:2 with linespoints lw 2 title "engine TCP stream, loopback (bench_engine)", \
     "$res/chunks.bm_noise_seal_open.dat" using 1:2 with linespoints lw 2 title "Noise seal+open, one core (bench_p2p)", \
     "$res/chunks.bm_noise_yamux_loopback.dat" using 1:2 with linespoints lw 2 title "Noise+yamux over loopback TCP (bench_p2p)", \
     ${iperf_lo/-/0} with lines dt 2 lw 2 lc rgb "black" title "iperf3 loopback, this run", \
     ${discard_lo/-/0} with lines dt 4 lw 2 lc rgb "red" title "pcp send/receive, loopback, discard, this run"
EOF
else
  [ -z "$plot_note" ] && plot_note="no plot (gnuplot missing or no micro-benchmark data)"
fi

{
  echo "## Transfer harness — $(date -u +%Y-%m-%dT%H:%MZ)$([ "$quick" = 1 ] && echo " (QUICK MODE: not the issue-5 sizes)")"
  echo
  echo "- Command: \`bench/transfer/run.sh$([ "$quick" = 1 ] && echo " --quick") --runs $runs\` with ${pcp#"$root"/} (source: $commit)"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"); data on $(df -T "$work" | awk 'NR == 2 { print $2 }') ($(df "$work" | awk 'NR == 2 { print $1 }'))"
  echo "- Load average (1/5/15 min) at start: $(sed -n 1p "$logs/load" | cut -d' ' -f2-), at the end: $(tail -1 "$logs/load" | cut -d' ' -f2-); per round: $(tail -n +2 "$logs/load" | cut -d' ' -f2 | tr '\n' ' ')(other builds share the machine)"
  echo "- Data: ${size_label} from /dev/urandom; $(find "$tree" -type f | wc -l) files of 1–8 KiB in $(find "$tree" -mindepth 1 -type d | wc -l) directories ($tree_bytes bytes); \`sync\` after creation"
  echo "- Page cache (fincore) before the runs: $cache_before; after: $cache_after. The sources stay cached (written just before); received data is deleted after each run."
  echo "- Topologies: **veth** = namespaces a → b through a bridge in a third namespace (MTU $(netns_ip a link show eth0 | awk '/mtu/ { print $5; exit }')); **lo** = one namespace, 127.0.0.1 (MTU $(netns_ip l link show lo | awk '/mtu/ { print $5; exit }')). pcp finds the peer by mDNS, \`--no-dht\`."
  echo "- Tools: $(iperf3 -v 2>&1 | head -1 | cut -d' ' -f1-2), one stream, \`-n $big_bytes\`; $(ssh -V 2>&1 | cut -d, -f1) \`scp -c aes128-gcm@openssh.com\` (SFTP protocol) to sshd started by the harness$([ "$have_rsync" = 1 ] && echo "; $(rsync --version | head -1 | awk '{ print $1, $3 }') \`-a\` over the same ssh")."
  echo "- Method: $runs interleaved rounds (iperf3, pcp discard, pcp disk, scp per topology; then the tree: cp -a, pcp, scp -r in the first $scp_tree_runs rounds only, rsync; then pcp and rsync into tmpfs). pcp times run from the start of \`pcp receive\` (sender already waiting 0.3 s) to its exit, so discovery, Noise, yamux, CPace and the final \`syncfs\` (disk mode) are included; \"phase\" is the receiver's own \`done\` event (transfer only). scp/rsync times are the client's wall time without a sync; the \`sync -f\` after them is shown apart. Peak RSS and CPU from \`/usr/bin/time\` of each side. Every disk run is compared with the source (diff)."
  echo
  echo "### ${size_label} file"
  echo
  echo "| what | median | min–max | runs |"
  echo "| --- | --- | --- | --- |"
  for topo in lo veth; do
    row "iperf3, $topo" "$(st "$topo.iperf3" '$1')" "GB/s" "$topo.iperf3"
    row "pcp, $topo, receiver discarding (PCP_BENCH_SINK=discard)" "$(st "$topo.pcp.discard" "$rate_wall")" "GB/s" "$topo.pcp.discard"
    row "… transfer phase only" "$(st "$topo.pcp.discard" "$rate_phase")" "GB/s" "$topo.pcp.discard"
    row "pcp, $topo, to disk (incl. syncfs)" "$(st "$topo.pcp.disk" "$rate_wall")" "GB/s" "$topo.pcp.disk"
    row "… transfer phase only" "$(st "$topo.pcp.disk" "$rate_phase")" "GB/s" "$topo.pcp.disk"
    row "scp aes128-gcm, $topo, to disk (no sync)" "$(st "$topo.scp" "$big_bytes / \$1 / 1e9")" "GB/s" "$topo.scp"
    row "… \`sync -f\` after scp" "$(st "$topo.scp" '$2')" "s" "$topo.scp"
  done
  echo
  echo "Ratios (medians, same run): "
  for topo in lo veth; do
    eval "i=\$iperf_$topo d=\$discard_$topo k=\$disk_$topo s=\$scp_$topo"
    echo "- $topo: pcp discard / iperf3 **$(ratio "$d" "$i")**; pcp disk / iperf3 $(ratio "$k" "$i"); pcp disk / scp **$(ratio "$k" "$s")**; pcp discard / scp $(ratio "$d" "$s")"
  done
  echo
  echo "### CPU and memory per side (${size_label} file; medians, RSS = highest of the runs)"
  echo
  echo "| case | sender CPU s/GiB | receiver CPU s/GiB | both | sender peak RSS | receiver peak RSS |"
  echo "| --- | --- | --- | --- | --- | --- |"
  for c in lo.pcp.discard lo.pcp.disk veth.pcp.discard veth.pcp.disk $([ "$big4" = 1 ] && echo lo.pcp4.discard lo.pcp4.disk); do
    [ -s "$res/$c" ] || { echo "| $c | no successful run | | | | |"; continue; }
    echo "| $c$(case $c in *pcp4*) echo " (4 GiB, 1 run)" ;; esac) | $(med "$c" "$cpu_s") | $(med "$c" "$cpu_r") | $(med "$c" "$cpu_both") | $(peak "$c" '$5 / 1024') MiB | $(peak "$c" '$7 / 1024') MiB |"
  done
  echo
  echo "### $(find "$tree" -type f | wc -l) small files over veth"
  echo
  echo "| what | median | min–max | runs |"
  echo "| --- | --- | --- | --- |"
  row "pcp receive start → exit (sender waiting), incl. syncfs" "$(st veth.tree.pcp '$1')" "s" veth.tree.pcp
  row "scp -r aes128-gcm (no sync)" "$(st veth.tree.scp '$1')" "s" veth.tree.scp
  if [ "$have_rsync" = 1 ]; then row "rsync -a over ssh (no sync)" "$(st veth.tree.rsync '$1')" "s" veth.tree.rsync
  else echo "| rsync | not installed | | |"; fi
  row "local \`cp -a\` of the tree, same filesystem, no network (the disk's floor)" "$(st tree.cp '$1')" "s" tree.cp
  if [ -n "$shm" ]; then
    row "pcp into tmpfs (/dev/shm), incl. syncfs" "$(st veth.tree.pcp.tmpfs '$1')" "s" veth.tree.pcp.tmpfs
    [ "$have_rsync" = 1 ] && row "rsync -a over ssh into tmpfs" "$(st veth.tree.rsync.tmpfs '$1')" "s" veth.tree.rsync.tmpfs
  fi
  echo
  echo "pcp tree: sender peak RSS $(peak veth.tree.pcp '$5 / 1024') MiB, receiver $(peak veth.tree.pcp '$7 / 1024') MiB. Time ratios of the medians (above 1: pcp is faster): scp -r / pcp $(speedup "$tree_pcp" "$tree_scp"), rsync / pcp $(speedup "$tree_pcp" "$tree_rsync"), rsync / pcp into tmpfs $(speedup "$tree_pcp_tmpfs" "$tree_rsync_tmpfs"); pcp / local \`cp -a\` $(speedup "$tree_cp" "$tree_pcp")."
  echo
  echo "### 1-byte latency, two-namespace LAN (small_latency.sh, --no-dht)"
  echo
  echo "| what | median | p95 | min–max | runs |"
  echo "| --- | --- | --- | --- | --- |"
  echo "$lat_row"
  echo
  echo "### Throughput versus chunk size and streams"
  echo
  if [ -s "$plot_png" ] && [ -z "$plot_note" ]; then echo "Plot: \`$(basename "$plot_png")\` (micro benchmarks at their built-in sizes, with this run's iperf3 and pcp loopback medians as lines)."
  else echo "$plot_note"; fi
  echo
  echo '| benchmark | size (bytes) | GB/s |'
  echo '| --- | --- | --- |'
  awk '{ printf "| %s | %s | %.3f |\n", $1, $2, $3 }' "$res/chunks.tsv"
  echo
  if "$pcp" send --help 2>&1 | grep -q -- '--streams'; then
    echo "pcp has \`--streams\`, but this harness does not sweep it yet."
  else
    echo "pcp has no \`--streams\` option yet (issue 5 item 2), so there is no throughput-versus-streams plot."
  fi
  echo
  echo "### Issue-5 targets"
  echo
  echo "| target | measured | verdict |"
  echo "| --- | --- | --- |"
  echo "| data path (discard), ${size_label}, loopback ≥ 1.2 GB/s | $discard_lo GB/s | $(verdict "$discard_lo" '>=' 1.2) |"
  echo "| data path ≥ 0.4× iperf3 (same run), loopback / veth | $(ratio "$discard_lo" "$iperf_lo") / $(ratio "$discard_veth" "$iperf_veth") | $(verdict "$(ratio "$discard_lo" "$iperf_lo")" '>=' 0.4) / $(verdict "$(ratio "$discard_veth" "$iperf_veth")" '>=' 0.4) |"
  echo "| data path ≤ 1.5 CPU-s per GiB, both sides, loopback / veth | $cpu_lo / $cpu_veth s | $(verdict "$cpu_lo" '<=' 1.5) / $(verdict "$cpu_veth" '<=' 1.5) |"
  echo "| disk, ${size_label}, ≥ 2.5× scp (stretch 3×), loopback / veth | $(ratio "$disk_lo" "$scp_lo")× / $(ratio "$disk_veth" "$scp_veth")× | $(verdict "$(ratio "$disk_lo" "$scp_lo")" '>=' 2.5) / $(verdict "$(ratio "$disk_veth" "$scp_veth")" '>=' 2.5) |"
  echo "| small files ≤ 1.0 s (disk / tmpfs) | $tree_pcp / $tree_pcp_tmpfs s | $(verdict "$tree_pcp" '<=' 1.0) / $(verdict "$tree_pcp_tmpfs" '<=' 1.0) |"
  echo "| small files ≥ 5× faster than rsync (disk / tmpfs) | $(speedup "$tree_pcp" "$tree_rsync")× / $(speedup "$tree_pcp_tmpfs" "$tree_rsync_tmpfs")× | $(verdict "$(speedup "$tree_pcp" "$tree_rsync")" '>=' 5) / $(verdict "$(speedup "$tree_pcp_tmpfs" "$tree_rsync_tmpfs")" '>=' 5) |"
  echo "| peak RSS ≤ 32 MiB per side, 4 GiB file | ${rss_big} MiB | $(verdict "$rss_big" '<=' 32) |"
  echo "| peak RSS ≤ 32 MiB per side, small-file tree | ${rss_tree} MiB | $(verdict "$rss_tree" '<=' 32) |"
  echo "| 1-byte latency p50 ≤ 0.10 s, p95 ≤ 0.15 s | $lat_p50 / $lat_p95 s | $(verdict "$lat_p50" '<=' 0.10) / $(verdict "$lat_p95" '<=' 0.15) |"
  [ "$quick" = 1 ] && { echo; echo "Quick mode: sizes are smaller than the targets assume; the verdicts are indicative only."; }
  echo
  echo "Harness wall time: $(( $(date +%s) - started )) s. Logs and raw rows: \`${logs#"$root"/}\`."
  if compgen -G "$res/*.fail" >/dev/null || compgen -G "$res/*.sender" >/dev/null; then
    echo
    echo "Failed runs, and senders that exited non-zero after a complete transfer:"
    for f in "$res"/*.fail "$res"/*.sender; do [ -f "$f" ] && sed "s/^/- $(basename "$f" | sed 's/\.[a-z]*$//'): /" "$f"; done
  fi
} >"$report"
cat "$report"
exit 0
}
