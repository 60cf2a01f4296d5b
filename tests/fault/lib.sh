# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# Shared by the fault-injection tests (tests/fault/*.sh): a two-namespace LAN (a = sender,
# b = receiver) on a bridge, starting pcp in the background with bounded waits, and tap-style
# ok/not ok counting. Source it, then call fault_begin; netns.sh's trap cleans up at exit. Every
# wait here is bounded; processes are stopped only by PID.

fault_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$fault_dir/../netns/netns.sh"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
# fault_summary — the last line; exit status 0 only when nothing failed.
fault_summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# fault_begin PCP_BINARY [TOOL...] — the common start of every fault test: sets $pcp, checks root,
# namespaces and TOOLs (else skip, 77), makes $work and the LAN.
fault_begin() {
  pcp=$(realpath "$1")
  shift
  netns_require "$@"
  fault_workdir
  fault_lan
}

# fault_workdir — a scratch directory removed at exit; sets $work.
fault_workdir() {
  work=$(mktemp -d /tmp/pcp-fault.XXXXXX)
  chmod 0755 "$work"
  netns_defer "rm -rf $work"
}

# fault_lan — namespaces a (10.232.0.1, fd32::1) and b (10.232.0.2, fd32::2) on switch sw,
# multicast routed out of eth0 so mDNS works as on a real LAN.
fault_lan() {
  netns_lan 10.232.0 fd32 || { bad "the two namespaces cannot reach each other"; exit 1; }
}

# fault_rate NS on|off [MBYTES] — police NS's TCP egress on eth0 to MBYTES MB/s (default 8),
# so a transfer lasts long enough to be disturbed mid-way. Table `inet pcp_rate`.
fault_rate() {
  netns_exec "$1" nft delete table inet pcp_rate 2>/dev/null
  [ "$2" = on ] || return 0
  netns_exec "$1" nft -f - <<EOF
table inet pcp_rate {
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "eth0" meta l4proto tcp limit rate over ${3:-8} mbytes/second drop
  }
}
EOF
}

# fault_send NAME [PREFIX...] -- ARGS... : `pcp send --json --no-dht ARGS` in namespace a, in the background,
# optionally behind PREFIX (e.g. setpriv ...). Sets SPID and CODE (from the `code` event, waited
# for at most 10 s); output in $work/NAME.send.{out,err}. Fails when no code appeared.
fault_send() {
  local name="$1" prefix=()
  shift
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do prefix+=("$1"); shift; done
  shift
  netns_bg a "${prefix[@]}" "$pcp" send --json --no-dht "$@" >"$work/$name.send.out" 2>"$work/$name.send.err"
  SPID=$NETNS_BG_PID
  CODE=""
  local _
  for _ in $(seq 1 100); do
    CODE=$(fault_events "$work/$name.send.out" 'select(.event == "code") | .words' | head -n 1)
    [ -n "$CODE" ] && return 0
    sleep 0.1
  done
  return 1
}

# fault_recv NAME [PREFIX...] -- ARGS... : `pcp receive --json -y --no-dht ARGS` in namespace b, in the
# background (the DHT is off on both sides: these namespaces have no way out, and mDNS is what
# is tested). Sets RPID; output in $work/NAME.recv.{out,err}.
fault_recv() {
  local name="$1" prefix=()
  shift
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do prefix+=("$1"); shift; done
  shift
  netns_bg b "${prefix[@]}" "$pcp" receive --json -y --no-dht --timeout 30 "$@" >"$work/$name.recv.out" 2>"$work/$name.recv.err"
  RPID=$NETNS_BG_PID
}

# fault_recv_mounted NAME DIR MOUNT_CMDS -- ARGS... : like fault_recv, but in a private mount
# namespace (unshare -m) where the shell commands MOUNT_CMDS first mount something on DIR (they
# see it as $1). When pcp ends, the files below DIR as seen inside (path, size) are written to
# $work/NAME.listing, since the mount vanishes with the namespace.
fault_recv_mounted() {
  local name="$1" dir="$2" cmds="$3"
  shift 4
  netns_bg b unshare -m --propagation private bash -c "set -e; $cmds"'
    set +e
    dir="$1" listing="$2"; shift 2
    "$@"; rc=$?
    (cd "$dir" && find . -mindepth 1 -printf "%P %s\n") >"$listing"
    exit $rc' fault-mount "$dir" "$work/$name.listing" "$pcp" receive --json -y --no-dht --timeout 30 "$@" \
    >"$work/$name.recv.out" 2>"$work/$name.recv.err"
  RPID=$NETNS_BG_PID
}

# fault_wait PID SECONDS — wait at most SECONDS for PID (a child of this shell); prints nothing,
# returns its exit status, or 124 after killing it when it outlived the bound. With
# PCP_FAULT_DEBUG_DIR set, a process that outlived it leaves its threads' backtraces (gdb) and
# the run's outputs there first.
fault_wait() {
  local pid="$1" _
  for _ in $(seq 1 $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    if [ -n "${PCP_FAULT_DEBUG_DIR:-}" ] && command -v gdb >/dev/null; then
      mkdir -p "$PCP_FAULT_DEBUG_DIR"
      gdb -p "$pid" -batch -ex 'thread apply all bt' >"$PCP_FAULT_DEBUG_DIR/hung-$pid.gdb" 2>&1
      cp "$work"/*.out "$work"/*.err "$PCP_FAULT_DEBUG_DIR/" 2>/dev/null
    fi
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    return 124
  fi
  { wait "$pid"; } 2>/dev/null # no "Killed" line from the shell for a process we killed
}

# fault_wait_event FILE REGEX SECONDS — wait until a line of FILE matches REGEX.
fault_wait_event() {
  local _
  for _ in $(seq 1 $(($3 * 20))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# fault_wait_count FILE REGEX N SECONDS — wait until at least N lines of FILE match REGEX.
fault_wait_count() {
  local _
  for _ in $(seq 1 $(($4 * 20))); do
    [ "$(grep -c "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
    sleep 0.05
  done
  return 1
}

# fault_events FILE JQ_FILTER — jq over the JSON lines of FILE. Other lines are skipped: library
# log lines (PCP_LOG) currently go to stdout too, and one would make jq drop the rest.
fault_events() { grep '^{' "$1" 2>/dev/null | jq -r "$2" 2>/dev/null; }

# fault_progress FILE — the largest "bytes" of the progress events in FILE (0 if none).
fault_progress() { fault_events "$1" 'select(.event == "progress") | .bytes' | sort -n | tail -n 1 | grep . || echo 0; }

# fault_wait_bytes FILE BYTES SECONDS — wait until a progress event in FILE reports ≥ BYTES.
fault_wait_bytes() {
  local _
  for _ in $(seq 1 $(($3 * 10))); do
    [ "$(fault_progress "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# fault_error FILE — the message of the JSON `error` event in FILE (empty if none).
fault_error() { fault_events "$1" 'select(.event == "error") | .message' | head -n 1; }

# fault_parts DIR — temporary files (.pcp-*.part) anywhere below DIR, one per line.
fault_parts() { find "$1" -name '.pcp-*.part' 2>/dev/null; }

# fault_retrans NS — TCP segments retransmitted in NS so far (kernel counter TcpRetransSegs).
fault_retrans() { netns_exec "$1" awk '$1 == "Tcp:" && !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
  $1 == "Tcp:" { print $c["RetransSegs"] }' /proc/net/snmp; }

# fault_now — seconds since the epoch with fractions; fault_secs T0 — seconds since T0, 1 decimal.
fault_now() { date +%s.%N; }
fault_secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# fault_show NAME — the last lines of a run's outputs, for a failure report.
fault_show() {
  local f
  for f in "$work/$1".*; do
    [ -s "$f" ] && { echo "  --- $(basename "$f")"; tail -n 4 "$f" | sed 's/^/  /'; }
  done
  return 0
}
