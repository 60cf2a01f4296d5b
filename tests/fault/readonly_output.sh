#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fault: the output directory is read-only (a tmpfs remounted ro in a private mount namespace,
# since root ignores chmod 0555). Checks (docs/cli.md exit codes):
#   - receiver exit 1 (local I/O error) with a "Read-only file system" message, before it looks
#     for the sender, so no data moves;
#   - the sender is left waiting for a receiver (it was never contacted) and is stopped here
#     with SIGTERM: exit 143;
#   - nothing is written.
# Usage: readonly_output.sh PCP_BINARY      Exit 0 pass, 1 fail, 77 skip.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fault_begin "$1" jq unshare

head -c $((8 << 20)) /dev/urandom >"$work/data.bin"
mkdir -p "$work/out"
fault_send ro -- "$work/data.bin" || { bad "sender printed no code"; fault_show ro; exit 1; }
t0=$(fault_now)
fault_recv_mounted ro "$work/out" 'mount -t tmpfs -o size=16m pcp-fault "$1"; mount -o remount,ro "$1"' -- -o "$work/out" "$CODE"
fault_wait "$RPID" 60; rrc=$?
secs=$(fault_secs "$t0")
rmsg=$(fault_error "$work/ro.recv.out")
[ "$rrc" -eq 1 ] && ok "read-only output: receiver exit 1 after $secs s" || { bad "read-only output: receiver exit $rrc, expected 1"; fault_show ro; }
grep -q "Read-only file system" <<<"$rmsg" && ok "receiver says: $rmsg" || bad "receiver message lacks 'Read-only file system': $rmsg"
if grep -q '"event":"peer_found"' "$work/ro.recv.out"; then
  bad "the receiver contacted the sender before finding out it cannot write"
else
  ok "the receiver stopped before contacting the sender"
fi
[ -z "$(cat "$work/ro.listing" 2>/dev/null)" ] && ok "nothing was written" || bad "written: $(cat "$work/ro.listing")"
if kill -0 "$SPID" 2>/dev/null; then
  kill -TERM "$SPID"
  fault_wait "$SPID" 10; src=$?
  [ "$src" -eq 143 ] && ok "the sender was still waiting; SIGTERM gives exit 143" || bad "sender exit $src after SIGTERM, expected 143"
else
  fault_wait "$SPID" 1; src=$?
  bad "the sender ended by itself with exit $src although no receiver reached it"; fault_show ro
fi

fault_summary
